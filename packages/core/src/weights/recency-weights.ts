import { InvalidInputError } from '../errors/invalid-input-error.ts';
import { checkFiniteNumber, describeValue } from '../validate/input-validators.ts';

const millisecondsPer: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/**
 * Parses a duration such as `90d`, `12h`, `2w`, `30m`, `45s`, `500ms` or `1.5d` into milliseconds
 * (m is minutes; months and years are left out because their length varies).
 */
export function parseDuration(text: string, field = 'halfLife'): number {
  const match = typeof text === 'string' ? /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)\s*$/.exec(text) : null;
  if (!match)
    throw new InvalidInputError(
      field,
      `must be a duration such as 90d, 12h, 2w, 30m, 45s or 500ms, got ${describeValue(text)}`,
    );
  const milliseconds = Number(match[1]) * (millisecondsPer[match[2] as string] as number);
  if (!(milliseconds > 0)) throw new InvalidInputError(field, `must be longer than 0, got ${describeValue(text)}`);
  return milliseconds;
}

/** Options of {@link recencyWeights}. */
export interface RecencyWeightOptions {
  /**
   * Age at which a row weighs 1/2: a number in the timestamps' unit, or a duration string (`90d`,
   * `12h`, `2w`) when the timestamps are Dates or milliseconds since the epoch.
   */
  readonly halfLife: number | string;
  /** Floor of every weight, in [0, 1] (default 0): old rows keep at least this weight. */
  readonly min?: number;
}

function timestampValue(value: unknown, index: number): number {
  const number = value instanceof Date ? value.getTime() : value;
  if (typeof number !== 'number' || !Number.isFinite(number))
    throw new InvalidInputError(
      `timestamps[${index}]`,
      `must be a finite number or a valid Date, got ${value instanceof Date ? 'an invalid Date' : describeValue(value)}`,
    );
  return number;
}

/**
 * Exponential-decay recency weights: w_i = max(2^(-age_i / halfLife), min), age_i = newest - t_i
 * (the newest row weighs 1, one half-life older 1/2, two 1/4). This is the exponentially weighted
 * mean's decay written with a half-life (pandas `ewm(halflife=)`: alpha = 1 - 2^(-1/halflife)),
 * applied as sample weights so that recent data counts more in training.
 */
export function recencyWeights(timestamps: ArrayLike<number | Date>, options: RecencyWeightOptions): Float64Array {
  if (timestamps == null || typeof timestamps.length !== 'number')
    throw new InvalidInputError('timestamps', `must be an array of numbers or Dates, got ${describeValue(timestamps)}`);
  const halfLife =
    typeof options?.halfLife === 'string'
      ? parseDuration(options.halfLife)
      : checkFiniteNumber('halfLife', options?.halfLife, { min: 0, minExclusive: true });
  const minimum = checkFiniteNumber('min', options.min ?? 0, { min: 0, max: 1 });
  const values = Float64Array.from({ length: timestamps.length }, (_, index) =>
    timestampValue(timestamps[index], index),
  );
  const newest = values.reduce((latest, value) => Math.max(latest, value), Number.NEGATIVE_INFINITY);
  return values.map((value) => Math.max(2 ** (-(newest - value) / halfLife), minimum));
}
