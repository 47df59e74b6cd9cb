import { InvalidInputError } from '../errors/invalid-input-error.ts';

/**
 * Shared validators for every boundary (SPEC "Bad input gets a typed error"): each checks one input,
 * throws InvalidInputError naming the field (and index) with what was expected and what was given, and
 * otherwise returns the value in the form the caller computes with. Adapters and commands use these
 * instead of their own loops, so every entry point rejects the same inputs with the same words.
 */

/** Largest finite float32 (2^128 - 2^104): float32 frameworks reject values beyond it (SPEC pinned rule 11). */
export const FLOAT32_MAX = 3.4028234663852886e38;

/** How a value is shown in an error: long strings and arrays are cut so a hostile input is not echoed. */
export function describeValue(value: unknown): string {
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`;
  return typeof value === 'object' ? 'an object' : typeof value;
}

/**
 * Checks an options (or other object) argument: undefined (when `optional`) or a plain object, never an
 * array, null or a primitive; `expected` names it in the error. Returns it (an empty object for an
 * omitted optional one).
 */
export function checkOptionsObject<T extends object>(
  field: string,
  value: T | undefined,
  optional = false,
  expected = 'an options object',
): T {
  if (value === undefined && optional) return {} as T;
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new InvalidInputError(field, `must be ${expected}, got ${describeValue(value)}`);
  return value;
}

/**
 * Checks that each named callback of `options` is a function or absent (a callback that is not a
 * function would fail mid-training, after work was done, as a raw TypeError).
 */
export function checkCallbacks(options: object, names: readonly string[], prefix = ''): void {
  for (const name of names) {
    const value = (options as Record<string, unknown>)[name];
    if (value !== undefined && value !== null && typeof value !== 'function')
      throw new InvalidInputError(`${prefix}${name}`, `must be a function, got ${describeValue(value)}`);
  }
}

/** Options for {@link checkFiniteNumber}. */
export interface NumberRange {
  /** Smallest allowed value (inclusive unless `minExclusive`). */
  readonly min?: number;
  readonly minExclusive?: boolean;
  /** Largest allowed value (inclusive). */
  readonly max?: number;
  /** Require an integer. */
  readonly integer?: boolean;
}

function rangeText(range: NumberRange): string {
  const parts: string[] = [range.integer ? 'an integer' : 'a finite number'];
  if (range.min !== undefined) parts.push(`${range.minExclusive ? '>' : '>='} ${range.min}`);
  if (range.max !== undefined) parts.push(`<= ${range.max}`);
  return parts.join(' ');
}

/** Checks one scalar option (learning rate, batch size, epochs, ...): a finite number within `range`. */
export function checkFiniteNumber(field: string, value: unknown, range: NumberRange = {}): number {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (!range.integer || Number.isInteger(value)) &&
    (range.min === undefined || (range.minExclusive ? value > range.min : value >= range.min)) &&
    (range.max === undefined || value <= range.max);
  if (!ok) throw new InvalidInputError(field, `must be ${rangeText(range)}, got ${describeValue(value)}`);
  return value as number;
}

/** Checks a positive integer count (epochs, batch size, hidden units, numSamples). */
export function checkPositiveInteger(field: string, value: unknown): number {
  return checkFiniteNumber(field, value, { integer: true, min: 1 });
}

/** Options for {@link checkNumberArray}. */
export interface NumberArrayCheck {
  /** Expected length; a mismatch names both lengths. */
  readonly length?: number;
  /** Reject negative values (weights). */
  readonly nonNegative?: boolean;
  /** Reject values beyond float32's range, for float32 frameworks (SPEC pinned rule 11). */
  readonly float32?: boolean;
  /** Allow an empty array (default true). */
  readonly allowEmpty?: boolean;
}

/**
 * Checks a flat array of numbers (sample weights, difficulty, sigma, timestamps): an array or typed
 * array of finite numbers (never strings or null), optionally of a given length, >= 0, or within
 * float32's range. Returns a Float64Array copy.
 */
export function checkNumberArray(field: string, values: unknown, check: NumberArrayCheck = {}): Float64Array {
  if (!Array.isArray(values) && !(ArrayBuffer.isView(values) && !(values instanceof DataView)))
    throw new InvalidInputError(field, `must be an array of numbers, got ${describeValue(values)}`);
  const list = values as ArrayLike<unknown>;
  if (check.length !== undefined && list.length !== check.length)
    throw new InvalidInputError(field, `has ${list.length} values, expected ${check.length}`);
  if (check.allowEmpty === false && list.length === 0) throw new InvalidInputError(field, 'must not be empty');
  const out = new Float64Array(list.length);
  for (let index = 0; index < list.length; index += 1) {
    const value = list[index];
    if (typeof value !== 'number' && typeof value !== 'bigint')
      throw new InvalidInputError(`${field}[${index}]`, `must be a number, got ${describeValue(value)}`);
    const number = Number(value);
    if (!Number.isFinite(number))
      throw new InvalidInputError(`${field}[${index}]`, `must be finite, got ${describeValue(number)}`);
    if (check.nonNegative && number < 0)
      throw new InvalidInputError(`${field}[${index}]`, `must be >= 0, got ${describeValue(number)}`);
    if (check.float32 && Math.abs(number) > FLOAT32_MAX)
      throw new InvalidInputError(
        `${field}[${index}]`,
        `is beyond float32's range (|x| <= ${FLOAT32_MAX}), got ${describeValue(number)}`,
      );
    out[index] = number;
  }
  return out;
}

/**
 * Checks a feature matrix given as rows: at least one row, every row the same width (> 0), every value
 * finite (and within float32's range when `float32`). Returns rows, columns and the values row-major.
 */
export function checkFeatureRows(
  field: string,
  rows: unknown,
  check: { readonly float32?: boolean } = {},
): { rows: number; columns: number; values: Float64Array } {
  if (!Array.isArray(rows)) throw new InvalidInputError(field, `must be an array of rows, got ${describeValue(rows)}`);
  if (rows.length === 0) throw new InvalidInputError(field, 'needs at least one row');
  const first = rows[0] as unknown;
  const columns = Array.isArray(first) || ArrayBuffer.isView(first) ? (first as ArrayLike<unknown>).length : -1;
  if (columns <= 0) throw new InvalidInputError(`${field}[0]`, 'must be a non-empty array of numbers');
  const values = new Float64Array(rows.length * columns);
  for (let row = 0; row < rows.length; row += 1) {
    const line = rows[row] as unknown;
    if (!(Array.isArray(line) || ArrayBuffer.isView(line)) || (line as ArrayLike<unknown>).length !== columns)
      throw new InvalidInputError(`${field}[${row}]`, `must have ${columns} values like the first row`);
    const numbers = checkNumberArray(`${field}[${row}]`, line, check);
    values.set(numbers, row * columns);
  }
  return { rows: rows.length, columns, values };
}

/**
 * A dense row-major feature matrix: the value of (row, column) is `values[row * columns + column]`.
 * Large tables travel in this form (one typed array, no per-row arrays); see checkDenseFeatureMatrix.
 */
export interface DenseFeatureMatrix {
  readonly values: Float32Array | Float64Array;
  readonly rows: number;
  readonly columns: number;
}

/** Features as rows ([N][D] numbers) or as a dense matrix; every classifier trainer takes both. */
export type FeatureMatrixInput = readonly (readonly number[])[] | DenseFeatureMatrix;

/** True when `features` is a dense matrix object rather than an array of rows. */
export function isDenseFeatureMatrix(features: unknown): features is DenseFeatureMatrix {
  return typeof features === 'object' && features !== null && !Array.isArray(features) && 'values' in features;
}

/**
 * Checks a dense feature matrix, the sibling of checkFeatureRows: `values` a Float32Array or
 * Float64Array of exactly rows x columns, rows >= 1, columns >= 1, every value finite (and within
 * float32's range when `float32`). Returns rows, columns and the SAME typed array (no copy: the point
 * of the dense form is that a 2M-row table is never duplicated).
 */
export function checkDenseFeatureMatrix(
  field: string,
  matrix: unknown,
  check: { readonly float32?: boolean } = {},
): { rows: number; columns: number; values: Float32Array | Float64Array } {
  if (!isDenseFeatureMatrix(matrix))
    throw new InvalidInputError(
      field,
      `must be a dense matrix { values, rows, columns }, got ${describeValue(matrix)}`,
    );
  const { values, rows, columns } = matrix as { values: unknown; rows: unknown; columns: unknown };
  if (!(values instanceof Float32Array || values instanceof Float64Array))
    throw new InvalidInputError(
      `${field}.values`,
      `must be a Float32Array or Float64Array, got ${describeValue(values)}`,
    );
  const rowCount = checkFiniteNumber(`${field}.rows`, rows, { integer: true, min: 1 });
  const columnCount = checkFiniteNumber(`${field}.columns`, columns, { integer: true, min: 1 });
  if (values.length !== rowCount * columnCount)
    throw new InvalidInputError(
      `${field}.values`,
      `has ${values.length} values, expected rows x columns = ${rowCount} x ${columnCount} = ${rowCount * columnCount}`,
    );
  const limit = check.float32 ? FLOAT32_MAX : Number.MAX_VALUE;
  for (let index = 0; index < values.length; index += 1) {
    const value = values[index] as number;
    // One comparison catches NaN (false), the infinities and float32 overflow in the hot loop.
    if (!(Math.abs(value) <= limit)) {
      const row = Math.floor(index / columnCount);
      const where = `${field}[${row}][${index - row * columnCount}]`;
      if (!Number.isFinite(value)) throw new InvalidInputError(where, `must be finite, got ${describeValue(value)}`);
      throw new InvalidInputError(
        where,
        `is beyond float32's range (|x| <= ${FLOAT32_MAX}), got ${describeValue(value)}`,
      );
    }
  }
  return { rows: rowCount, columns: columnCount, values };
}

/**
 * Checks features given either as rows (checkFeatureRows, copied into a Float64Array) or as a dense
 * matrix (checkDenseFeatureMatrix, not copied). Returns rows, columns and the row-major values.
 */
export function checkFeatureMatrix(
  field: string,
  features: unknown,
  check: { readonly float32?: boolean } = {},
): { rows: number; columns: number; values: Float32Array | Float64Array } {
  return isDenseFeatureMatrix(features)
    ? checkDenseFeatureMatrix(field, features, check)
    : checkFeatureRows(field, features, check);
}

/**
 * Checks integer class labels: each an integer in [0, numClasses). Values equal to `maskValue` are
 * exempt (SPEC "Elements removed by maskValue are exempt from target validation"). Returns Int32Array.
 */
export function checkClassLabels(
  field: string,
  labels: unknown,
  options: { readonly numClasses: number; readonly length?: number; readonly maskValue?: number | null },
): Int32Array {
  const values = checkNumberArray(field, labels, options.length === undefined ? {} : { length: options.length });
  const out = new Int32Array(values.length);
  for (let index = 0; index < values.length; index += 1) {
    const label = values[index] as number;
    if (options.maskValue != null && label === options.maskValue) {
      out[index] = -1;
      continue;
    }
    if (!Number.isInteger(label) || label < 0 || label >= options.numClasses)
      throw new InvalidInputError(
        `${field}[${index}]`,
        `must be an integer class index in [0, ${options.numClasses}), got ${describeValue(label)}`,
      );
    out[index] = label;
  }
  return out;
}
