import { WEIGHTSPEC_ERROR_CODES, formatJsonPath } from '@weightspec/core';
import type { Clock, NestedNumberArray, WeightspecErrorCode } from '@weightspec/core';

/** The expected results of a vector; any subset may be present (SPEC "Conformance vectors"). */
export interface ConformanceExpected {
  /** The reduced loss, or "NaN" when the spec's zeroDenominator is `nan`. */
  readonly loss?: number | 'NaN';
  /** Final weights w [N][E]. */
  readonly weights?: readonly (readonly number[])[];
  /** Softmax class weights at the vector's clock [C]. */
  readonly classWeights?: readonly number[];
  /** Sigmoid a+ per label at the clock [K] (SPEC allows these instead of classWeights for sigmoid specs). */
  readonly positiveWeights?: readonly number[];
  /** Sigmoid a- per label at the clock [K]. */
  readonly negativeWeights?: readonly number[];
  /** d loss / d predictions, the predictions' shape. */
  readonly gradient?: NestedNumberArray;
  /** An error code; a case with `error` expects that error and nothing else. */
  readonly error?: WeightspecErrorCode;
}

/** One conformance case, as read from a JSON file. */
export interface ConformanceVector {
  readonly id: string;
  readonly description: string;
  /** How the expected values were obtained. */
  readonly source: string;
  /** The weighting spec document, unparsed (error cases hold invalid specs on purpose). */
  readonly spec: unknown;
  readonly stats?: unknown;
  readonly inputs: {
    readonly predictions: NestedNumberArray;
    readonly targets: NestedNumberArray;
    readonly sampleWeights?: readonly number[];
    readonly elementWeights?: NestedNumberArray;
    readonly difficulty?: readonly number[];
    readonly clock?: Clock;
  };
  readonly expected: ConformanceExpected;
  readonly tolerance: { readonly relative: number; readonly absolute: number };
  /** The file the vector came from, when loaded from disk. */
  readonly file?: string;
}

/** Default tolerance when a vector gives none. */
export const DEFAULT_TOLERANCE = Object.freeze({ relative: 1e-5, absolute: 1e-6 });

/** A vector file that does not follow the format; `jsonPath` points at the offending field. */
export class MalformedVectorError extends Error {
  readonly file: string;
  readonly jsonPath: string;

  /** `file` is where the vector came from, `path` the segments to the bad field. */
  constructor(file: string, path: readonly (string | number)[], message: string) {
    super(`${file}: ${formatJsonPath(path)}: ${message}`);
    this.name = 'MalformedVectorError';
    this.file = file;
    this.jsonPath = formatJsonPath(path);
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function checkNested(file: string, path: (string | number)[], value: unknown): void {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new MalformedVectorError(file, path, 'numbers must be finite');
    return;
  }
  if (!Array.isArray(value)) throw new MalformedVectorError(file, path, 'expected a number or an array of numbers');
  value.forEach((item, index) => {
    checkNested(file, [...path, index], item);
  });
}

function checkNumberList(file: string, path: (string | number)[], value: unknown, finite = false): void {
  if (!Array.isArray(value)) throw new MalformedVectorError(file, path, 'expected an array of numbers');
  value.forEach((item, index) => {
    if (typeof item !== 'number') throw new MalformedVectorError(file, [...path, index], 'expected a number');
    if (finite && !Number.isFinite(item))
      throw new MalformedVectorError(file, [...path, index], `expected values must be finite, got ${item}`);
  });
}

const expectedKeys = new Set([
  'loss',
  'weights',
  'classWeights',
  'positiveWeights',
  'negativeWeights',
  'gradient',
  'error',
]);
const inputKeys = new Set(['predictions', 'targets', 'sampleWeights', 'elementWeights', 'difficulty', 'clock']);
const topKeys = new Set(['id', 'description', 'source', 'spec', 'stats', 'inputs', 'expected', 'tolerance']);

/**
 * Checks that parsed JSON follows the vector format and returns it typed. Invalid *contents* (a bad
 * spec, a negative weight) are allowed, since error cases need them; only the format is checked here.
 */
export function parseConformanceVector(json: unknown, file = '<memory>'): ConformanceVector {
  if (!isRecord(json)) throw new MalformedVectorError(file, [], 'a vector must be a JSON object');
  for (const key of Object.keys(json))
    if (!topKeys.has(key)) throw new MalformedVectorError(file, [key], 'unknown key');
  if (typeof json.id !== 'string' || json.id === '')
    throw new MalformedVectorError(file, ['id'], 'a non-empty string is required');
  for (const key of ['description', 'source'] as const)
    if (json[key] !== undefined && typeof json[key] !== 'string')
      throw new MalformedVectorError(file, [key], 'must be a string');
  if (!('spec' in json)) throw new MalformedVectorError(file, ['spec'], 'required');
  if (json.stats !== undefined && !isRecord(json.stats))
    throw new MalformedVectorError(file, ['stats'], 'must be an object');
  const inputs = json.inputs;
  if (!isRecord(inputs))
    throw new MalformedVectorError(file, ['inputs'], 'an object with predictions and targets is required');
  for (const key of Object.keys(inputs))
    if (!inputKeys.has(key)) throw new MalformedVectorError(file, ['inputs', key], 'unknown key');
  for (const key of ['predictions', 'targets'] as const) {
    if (!(key in inputs)) throw new MalformedVectorError(file, ['inputs', key], 'required');
    checkNested(file, ['inputs', key], inputs[key]);
  }
  for (const key of ['sampleWeights', 'difficulty'] as const)
    if (inputs[key] !== undefined) checkNumberList(file, ['inputs', key], inputs[key]);
  if (inputs.elementWeights !== undefined) checkNested(file, ['inputs', 'elementWeights'], inputs.elementWeights);
  if (inputs.clock !== undefined && !isRecord(inputs.clock))
    throw new MalformedVectorError(file, ['inputs', 'clock'], 'must be an object');
  const expected = json.expected;
  if (!isRecord(expected) || Object.keys(expected).length === 0)
    throw new MalformedVectorError(
      file,
      ['expected'],
      'an object with at least one of loss, weights, classWeights, gradient, error',
    );
  for (const key of Object.keys(expected))
    if (!expectedKeys.has(key)) throw new MalformedVectorError(file, ['expected', key], 'unknown key');
  // SPEC: a vector whose expected values or tolerances are not finite (other than loss "NaN") is
  // malformed: an Infinity (JSON 1e999) could never fail a comparison.
  if (
    expected.loss !== undefined &&
    !(typeof expected.loss === 'number' && Number.isFinite(expected.loss)) &&
    expected.loss !== 'NaN'
  )
    throw new MalformedVectorError(file, ['expected', 'loss'], 'must be a finite number or "NaN"');
  if (expected.weights !== undefined) checkNested(file, ['expected', 'weights'], expected.weights);
  if (expected.gradient !== undefined) checkNested(file, ['expected', 'gradient'], expected.gradient);
  for (const key of ['classWeights', 'positiveWeights', 'negativeWeights'] as const)
    if (expected[key] !== undefined) checkNumberList(file, ['expected', key], expected[key], true);
  if (expected.error !== undefined) {
    if (!WEIGHTSPEC_ERROR_CODES.includes(expected.error as WeightspecErrorCode))
      throw new MalformedVectorError(
        file,
        ['expected', 'error'],
        `unknown error code; expected one of ${WEIGHTSPEC_ERROR_CODES.join(', ')}`,
      );
    if (Object.keys(expected).length > 1)
      throw new MalformedVectorError(file, ['expected'], 'a case with `error` expects that error and nothing else');
  }
  let tolerance: { relative: number; absolute: number } = DEFAULT_TOLERANCE;
  if (json.tolerance !== undefined) {
    const given = json.tolerance;
    if (!isRecord(given)) throw new MalformedVectorError(file, ['tolerance'], 'must be {relative, absolute}');
    for (const key of ['relative', 'absolute'] as const)
      if (
        given[key] !== undefined &&
        (typeof given[key] !== 'number' || !Number.isFinite(given[key]) || (given[key] as number) < 0)
      )
        throw new MalformedVectorError(file, ['tolerance', key], 'must be a finite number >= 0');
    tolerance = {
      relative: (given.relative as number | undefined) ?? DEFAULT_TOLERANCE.relative,
      absolute: (given.absolute as number | undefined) ?? DEFAULT_TOLERANCE.absolute,
    };
  }
  return {
    id: json.id,
    description: (json.description as string | undefined) ?? '',
    source: (json.source as string | undefined) ?? '',
    spec: json.spec,
    stats: json.stats,
    inputs: inputs as unknown as ConformanceVector['inputs'],
    expected: expected as ConformanceExpected,
    tolerance,
    file,
  };
}
