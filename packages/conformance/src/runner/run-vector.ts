import {
  InvalidInputError,
  WeightspecError,
  parseWeightingSpec,
  prepareWeightingComputation,
  requiredFeatures,
} from '@weightspec/core';
import type { WeightingAdapter, WeightingFeature } from '@weightspec/core';
import type { ConformanceVector } from '../vector/conformance-vector.ts';
import { compareNumbers, flattenExpected, widerTolerance } from './compare-values.ts';
import type { ValueComparison } from './compare-values.ts';

/** The result of one vector on one adapter. */
export interface CaseResult {
  readonly vectorId: string;
  readonly adapterId: string;
  readonly status: 'pass' | 'fail' | 'skip';
  /** Why it failed or was skipped. */
  readonly reason?: string;
  /** Largest relative error over the quantities checked (0 for error cases). */
  readonly maxRelativeError: number;
  /** Which quantities were compared. */
  readonly checked: readonly string[];
  /** Quantities the adapter declared it cannot produce (checked others still count). */
  readonly notChecked: readonly string[];
}

function unsupportedReason(adapter: WeightingAdapter, features: readonly WeightingFeature[]): string | null {
  const reasons = features
    .filter((feature) => feature !== 'gradient' && adapter.capabilities.unsupported[feature] !== undefined)
    .map((feature) => `${feature}: ${adapter.capabilities.unsupported[feature]}`);
  return reasons.length > 0 ? reasons.join('; ') : null;
}

/**
 * Checks that `value` is a WeightingAdapter (id, specVersions, capabilities.unsupported,
 * computeWeightedLoss) and returns it typed; anything else, such as `{}` from a third-party module, is
 * an InvalidInputError naming the missing member instead of a TypeError deep inside a run.
 */
export function checkWeightingAdapter(value: unknown, field = 'adapter'): WeightingAdapter {
  const record = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof value !== 'object' || value === null)
    problems.push(`an object, got ${value === null ? 'null' : typeof value}`);
  else {
    if (typeof record.id !== 'string' || record.id === '') problems.push('`id` (a non-empty string)');
    if (!Array.isArray(record.specVersions)) problems.push('`specVersions` (an array of spec versions)');
    const capabilities = record.capabilities as { unsupported?: unknown } | undefined;
    if (typeof capabilities !== 'object' || capabilities === null || typeof capabilities.unsupported !== 'object')
      problems.push('`capabilities.unsupported` (an object, {} when everything is supported)');
    if (typeof record.computeWeightedLoss !== 'function') problems.push('`computeWeightedLoss` (a function)');
  }
  if (problems.length > 0)
    throw new InvalidInputError(field, `is not a weighting adapter: it needs ${problems.join(', ')}`);
  return value as WeightingAdapter;
}

const isArrayLike = (value: unknown): boolean =>
  Array.isArray(value) ||
  ArrayBuffer.isView(value) ||
  (typeof value === 'object' && value !== null && 'length' in value);

/** What is wrong with an adapter's result ({loss: number, weights: ArrayLike, gradient?}), or null. */
function describeMalformedResult(result: unknown): string | null {
  if (typeof result !== 'object' || result === null)
    return `expected {loss, weights, gradient?}, got ${String(result)}`;
  const record = result as Record<string, unknown>;
  if (typeof record.loss !== 'number') return `loss must be a number, got ${typeof record.loss}`;
  if (!isArrayLike(record.weights)) return 'weights must be an array of numbers';
  if (record.gradient != null && !isArrayLike(record.gradient)) return 'gradient must be an array of numbers or null';
  return null;
}

/** A non-WeightspecError in words, without its stack (SPEC: no raw stack traces). */
function describeUntypedError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

/**
 * Runs one vector on one adapter: prepares the computation with core (parse, validate, resolve,
 * schedules), lets the adapter compute with its framework, and compares loss, weights, class weights
 * and gradient within tolerance, or the error code for error cases. Cases that use a feature the
 * adapter declares unsupported are skipped with the adapter's reason.
 */
export async function runVectorOnAdapter(vector: ConformanceVector, adapter: WeightingAdapter): Promise<CaseResult> {
  checkWeightingAdapter(adapter);
  const base = { vectorId: vector.id, adapterId: adapter.id };
  const expected = vector.expected;
  const tolerance = widerTolerance(vector.tolerance, adapter.minimumTolerance);
  let specVersion: unknown;
  try {
    specVersion = parseWeightingSpec(vector.spec).specVersion;
  } catch {
    specVersion = undefined;
  }
  if (typeof specVersion === 'number' && !adapter.specVersions.includes(specVersion))
    return {
      ...base,
      status: 'skip',
      reason: `spec version ${specVersion} is not implemented by ${adapter.id}`,
      maxRelativeError: 0,
      checked: [],
      notChecked: [],
    };
  try {
    const computation = prepareWeightingComputation(vector.spec, vector.inputs, {
      stats: vector.stats,
      wantGradient: expected.gradient !== undefined,
    });
    const features = requiredFeatures(computation.spec, computation.batch);
    const skip = unsupportedReason(adapter, features);
    if (skip) return { ...base, status: 'skip', reason: skip, maxRelativeError: 0, checked: [], notChecked: [] };
    const gradientSupported = adapter.capabilities.unsupported.gradient === undefined;
    const result = await adapter.computeWeightedLoss({
      ...computation,
      wantGradient: gradientSupported && expected.gradient !== undefined,
    });
    const malformedResult = describeMalformedResult(result);
    if (malformedResult)
      return {
        ...base,
        status: 'fail',
        reason: `the adapter returned a malformed result: ${malformedResult}`,
        maxRelativeError: Number.POSITIVE_INFINITY,
        checked: [],
        notChecked: [],
      };
    if (expected.error !== undefined)
      return {
        ...base,
        status: 'fail',
        reason: `expected error ${expected.error}, but the adapter returned loss ${result.loss}`,
        maxRelativeError: Number.POSITIVE_INFINITY,
        checked: ['error'],
        notChecked: [],
      };
    const comparisons: [string, ValueComparison][] = [];
    const notChecked: string[] = [];
    if (expected.loss !== undefined)
      comparisons.push([
        'loss',
        compareNumbers('loss', [result.loss], [expected.loss === 'NaN' ? Number.NaN : expected.loss], tolerance),
      ]);
    if (expected.weights !== undefined)
      comparisons.push([
        'weights',
        compareNumbers('weights', result.weights, flattenExpected(expected.weights as number[][]), tolerance),
      ]);
    const scheduled = computation.scheduled;
    const scheduledLists = [
      ['classWeights', expected.classWeights, scheduled.scheduledClassWeights],
      ['positiveWeights', expected.positiveWeights, scheduled.scheduledPositiveWeights],
      ['negativeWeights', expected.negativeWeights, scheduled.scheduledNegativeWeights],
    ] as const;
    for (const [name, want, got] of scheduledLists)
      if (want !== undefined)
        comparisons.push([
          name,
          got
            ? compareNumbers(name, got, want, tolerance)
            : { ok: false, maxRelativeError: Number.POSITIVE_INFINITY, detail: `${name}: none were resolved` },
        ]);
    if (expected.gradient !== undefined) {
      if (!gradientSupported) notChecked.push('gradient');
      else if (!result.gradient)
        comparisons.push([
          'gradient',
          { ok: false, maxRelativeError: Number.POSITIVE_INFINITY, detail: 'gradient: the adapter returned none' },
        ]);
      else
        comparisons.push([
          'gradient',
          compareNumbers('gradient', result.gradient, flattenExpected(expected.gradient), tolerance),
        ]);
    }
    const maxRelativeError = comparisons.reduce((max, [, comparison]) => Math.max(max, comparison.maxRelativeError), 0);
    const failures = comparisons.filter(([, comparison]) => !comparison.ok).map(([, comparison]) => comparison.detail);
    return {
      ...base,
      status: failures.length === 0 ? 'pass' : 'fail',
      ...(failures.length > 0 ? { reason: failures.join('; ') } : {}),
      maxRelativeError,
      checked: comparisons.map(([name]) => name),
      notChecked,
    };
  } catch (error) {
    if (WeightspecError.isInstance(error)) {
      if (expected.error === error.code)
        return { ...base, status: 'pass', maxRelativeError: 0, checked: ['error'], notChecked: [] };
      if (error.code === 'WS_UNSUPPORTED_FEATURE')
        return {
          ...base,
          status: 'fail',
          reason: `undeclared unsupported feature (declare it in capabilities): ${error.message}`,
          maxRelativeError: Number.POSITIVE_INFINITY,
          checked: [],
          notChecked: [],
        };
      return {
        ...base,
        status: 'fail',
        reason: `${error.code}: ${error.message}${expected.error ? ` (expected ${expected.error})` : ''}`,
        maxRelativeError: Number.POSITIVE_INFINITY,
        checked: [],
        notChecked: [],
      };
    }
    return {
      ...base,
      status: 'fail',
      reason: `the adapter threw an untyped error (adapters must throw WeightspecErrors): ${describeUntypedError(error)}`,
      maxRelativeError: Number.POSITIVE_INFINITY,
      checked: [],
      notChecked: [],
    };
  }
}
