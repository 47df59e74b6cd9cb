import { InvalidInputError } from '../errors/invalid-input-error.ts';
import { createSeededRandom } from '../random/seeded-random.ts';
import { checkFiniteNumber, checkNumberArray, checkPositiveInteger } from '../validate/input-validators.ts';

/** Options of {@link weightedSampler} (PyTorch `WeightedRandomSampler(weights, num_samples, replacement, generator)`). */
export interface WeightedSamplerOptions {
  /** How many indices to draw (a positive integer). */
  readonly numSamples: number;
  /** Draw with replacement (default true, as PyTorch). */
  readonly replacement?: boolean;
  /** Seed of core's PRNG (an integer). Draw anew each epoch with a new seed, e.g. seed + epoch. */
  readonly seed: number;
}

/** Checks a sampling seed: any integer (core's PRNG uses its low 32 bits). */
export function checkSeed(seed: unknown): number {
  return checkFiniteNumber('seed', seed, { integer: true });
}

/** Checks that an options argument is an object, naming what it needs. */
export function checkOptionsObject(options: unknown, needs: string): void {
  if (typeof options !== 'object' || options === null)
    throw new InvalidInputError('options', `must be an object with ${needs}, got ${String(options)}`);
}

/** Index of the first cumulative weight above `target` (cumulative is non-decreasing). */
function searchCumulative(cumulative: Float64Array, target: number): number {
  let low = 0;
  let high = cumulative.length - 1;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((cumulative[middle] as number) > target) high = middle;
    else low = middle + 1;
  }
  return low;
}

/**
 * Draws `numSamples` indices i with probability proportional to weights[i] (PyTorch
 * `WeightedRandomSampler`, i.e. `torch.multinomial(weights, numSamples, replacement)`): with replacement
 * each draw is independent; without, indices are drawn one after another from those not yet drawn, in
 * draw order (exponential-race keys w_i / E_i, the largest first, which has that distribution;
 * Efraimidis & Spirakis 2006). Weights need not sum to 1; a weight of 0 is never drawn. Errors, as
 * PyTorch raises them: weights not a flat array of finite numbers >= 0, a zero sum, and without
 * replacement more samples than indices or than non-zero weights. O(N + numSamples log N) with
 * replacement, O(N log N) without.
 *
 * In expectation, sampling and weighting agree: for any per-sample quantity f (a loss), the mean of f
 * over drawn indices estimates sum w_i f_i / sum w_i, the weighted mean (exactly with replacement,
 * standard error sqrt(Var_w(f) / numSamples)); so training on drawn samples with weight 1 matches
 * training on all samples with weights w in expectation, at a higher variance per step.
 */
export function weightedSampler(weights: ArrayLike<number>, options: WeightedSamplerOptions): Int32Array {
  const values = checkNumberArray('weights', weights, { nonNegative: true });
  checkOptionsObject(options, '{ numSamples, replacement?, seed }');
  const numSamples = checkPositiveInteger('numSamples', options.numSamples);
  const replacement = options.replacement ?? true;
  if (typeof replacement !== 'boolean')
    throw new InvalidInputError('replacement', `must be a boolean, got ${String(replacement)}`);
  const random = createSeededRandom(checkSeed(options.seed));
  const total = values.reduce((sum, weight) => sum + weight, 0);
  if (!(total > 0)) throw new InvalidInputError('weights', 'invalid multinomial distribution (sum of weights <= 0)');
  if (!Number.isFinite(total)) throw new InvalidInputError('weights', 'the weights sum to infinity; scale them down');
  const drawn = new Int32Array(numSamples);
  if (replacement) {
    const cumulative = new Float64Array(values.length);
    let running = 0;
    values.forEach((weight, index) => {
      running += weight;
      cumulative[index] = running;
    });
    for (let draw = 0; draw < numSamples; draw += 1) drawn[draw] = searchCumulative(cumulative, random() * running);
    return drawn;
  }
  if (numSamples > values.length)
    throw new InvalidInputError(
      'numSamples',
      `cannot sample ${numSamples} > ${values.length} indices without replacement`,
    );
  const candidates: number[] = [];
  values.forEach((weight, index) => {
    if (weight > 0) candidates.push(index);
  });
  if (numSamples > candidates.length)
    throw new InvalidInputError(
      'numSamples',
      `invalid multinomial distribution (with replacement=False, not enough non-zero weights to sample): ${numSamples} samples, ${candidates.length} non-zero weights`,
    );
  // log(key) = log(U) / w for key = U^(1/w): the largest keys are a weighted draw without replacement.
  const keys = new Float64Array(values.length);
  for (const index of candidates) keys[index] = Math.log(1 - random()) / (values[index] as number);
  candidates.sort((left, right) => (keys[right] as number) - (keys[left] as number) || left - right);
  for (let draw = 0; draw < numSamples; draw += 1) drawn[draw] = candidates[draw] as number;
  return drawn;
}
