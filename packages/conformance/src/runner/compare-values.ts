import { flattenTensor } from '@weightspec/core';
import type { NestedNumberArray } from '@weightspec/core';

/** Tolerance for |actual - expected| <= absolute + relative * |expected|. */
export interface Tolerance {
  readonly relative: number;
  readonly absolute: number;
}

/** The outcome of comparing one quantity. */
export interface ValueComparison {
  readonly ok: boolean;
  /** Largest |a - e| / max(|e|, absolute) over the values (0 when equal). */
  readonly maxRelativeError: number;
  /** First mismatch in words, when not ok. */
  readonly detail?: string;
}

/** The larger of two tolerances, field by field. */
export function widerTolerance(left: Tolerance, right: Tolerance | undefined): Tolerance {
  if (!right) return left;
  return { relative: Math.max(left.relative, right.relative), absolute: Math.max(left.absolute, right.absolute) };
}

/** Compares numbers element-wise; NaN equals NaN, lengths must match. */
export function compareNumbers(
  name: string,
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tolerance: Tolerance,
): ValueComparison {
  if (actual.length !== expected.length)
    return {
      ok: false,
      maxRelativeError: Number.POSITIVE_INFINITY,
      detail: `${name}: got ${actual.length} values, expected ${expected.length}`,
    };
  let maxRelativeError = 0;
  let detail: string | undefined;
  for (let index = 0; index < expected.length; index += 1) {
    const a = actual[index] as number;
    const e = expected[index] as number;
    if (Number.isNaN(e) || Number.isNaN(a)) {
      if (Number.isNaN(e) !== Number.isNaN(a)) {
        maxRelativeError = Number.POSITIVE_INFINITY;
        detail ??= `${name}[${index}]: got ${a}, expected ${e}`;
      }
      continue;
    }
    const difference = Math.abs(a - e);
    const relativeError = difference / Math.max(Math.abs(e), tolerance.absolute, Number.MIN_VALUE);
    maxRelativeError = Math.max(maxRelativeError, relativeError);
    if (!(difference <= tolerance.absolute + tolerance.relative * Math.abs(e)))
      detail ??= `${name}[${index}]: got ${a}, expected ${e} (|diff| ${difference.toExponential(2)})`;
  }
  return detail === undefined ? { ok: true, maxRelativeError } : { ok: false, maxRelativeError, detail };
}

/** Flattens a nested expected array for comparison. */
export function flattenExpected(value: NestedNumberArray): Float64Array {
  return flattenTensor('expected', value).data;
}
