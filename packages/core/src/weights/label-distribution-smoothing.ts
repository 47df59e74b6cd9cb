import { InvalidInputError } from '../errors/invalid-input-error.ts';
import { checkFiniteNumber, checkNumberArray, checkPositiveInteger } from '../validate/input-validators.ts';

/** Options of {@link labelDistributionSmoothingWeights}. */
export interface LabelDistributionSmoothingOptions {
  /** Width of a target bin (Yang et al. bin ages by 1 year); with `origin`, bin b is [origin + b w, origin + (b+1) w). */
  readonly binWidth?: number;
  /** Left edge of bin 0 with `binWidth` (default the smallest target); no target may lie below it. */
  readonly origin?: number;
  /** Number of equal bins over [min, max] of the targets when `binWidth` is not given (default 50). */
  readonly bins?: number;
  /** Odd size of the smoothing window in bins (default 5; 1 turns smoothing off). */
  readonly kernelSize?: number;
  /** Standard deviation of the Gaussian kernel in bins (default 2). */
  readonly sigma?: number;
  /** `inverse` (default): w = 1 / smoothed counts; `sqrt_inverse`: counts are square-rooted first. */
  readonly reweight?: 'inverse' | 'sqrt_inverse';
  /** Clamp the bin counts before smoothing (Yang et al.'s code clips to [5, 1000] for `inverse`); default none. */
  readonly countClip?: { readonly min?: number; readonly max?: number } | null;
}

/** Weights and the histogram they come from. */
export interface LabelDistributionSmoothing {
  /** One weight per target, scaled to mean 1. */
  readonly weights: Float64Array;
  /** Bin of each target. */
  readonly binOf: Int32Array;
  /** Bin counts (after square root / clip): the empirical label density. */
  readonly density: Float64Array;
  /** The density convolved with the kernel window: the effective label density. */
  readonly smoothedDensity: Float64Array;
  /** The kernel window (peak 1). */
  readonly window: Float64Array;
  /** Left edge of bin 0, in target units. */
  readonly origin: number;
  /** Width of every bin, in target units. */
  readonly binWidth: number;
}

const MAX_BINS = 1_000_000;

/**
 * The LDS kernel window of Yang et al.'s code (`get_lds_kernel_window`): scipy's gaussian_filter1d
 * (truncate 4, reflect boundary) applied to a unit impulse of length kernelSize, divided by its
 * maximum. The reflected tails make it flatter than a sampled Gaussian (size 5, sigma 2: 0.858,
 * 0.946, 1, 0.946, 0.858).
 */
export function ldsKernelWindow(kernelSize: number, sigma: number): Float64Array {
  const half = (kernelSize - 1) / 2;
  const radius = Math.floor(4 * sigma + 0.5);
  const phi = Float64Array.from({ length: 2 * radius + 1 }, (_, index) =>
    Math.exp((-0.5 * (index - radius) ** 2) / (sigma * sigma)),
  );
  const phiSum = phi.reduce((sum, value) => sum + value, 0);
  const period = 2 * kernelSize;
  const reflect = (position: number) => {
    const wrapped = ((position % period) + period) % period;
    return wrapped >= kernelSize ? period - 1 - wrapped : wrapped;
  };
  const window = new Float64Array(kernelSize);
  for (let output = 0; output < kernelSize; output += 1)
    for (let offset = -radius; offset <= radius; offset += 1)
      if (reflect(output + offset) === half)
        window[output] = (window[output] as number) + (phi[offset + radius] as number) / phiSum;
  const peak = Math.max(...window);
  return window.map((value) => value / peak);
}

function binTargets(
  targets: Float64Array,
  options: LabelDistributionSmoothingOptions,
): { binOf: Int32Array; binCount: number; origin: number; binWidth: number } {
  const low = targets.reduce((min, value) => Math.min(min, value), Number.POSITIVE_INFINITY);
  const high = targets.reduce((max, value) => Math.max(max, value), Number.NEGATIVE_INFINITY);
  let origin: number;
  let binWidth: number;
  let binCount: number;
  if (options.binWidth !== undefined) {
    if (options.bins !== undefined) throw new InvalidInputError('bins', 'give `bins` or `binWidth`, not both');
    binWidth = checkFiniteNumber('binWidth', options.binWidth, { min: 0, minExclusive: true });
    origin = options.origin === undefined ? low : checkFiniteNumber('origin', options.origin);
    if (low < origin) throw new InvalidInputError('origin', `is above the smallest target ${low}`);
    binCount = Math.floor((high - origin) / binWidth) + 1;
  } else {
    if (options.origin !== undefined) throw new InvalidInputError('origin', 'goes with `binWidth`');
    binCount = options.bins === undefined ? 50 : checkPositiveInteger('bins', options.bins);
    origin = low;
    binWidth = high > low ? (high - low) / binCount : 1;
  }
  if (!(binCount <= MAX_BINS))
    throw new InvalidInputError('binWidth', `makes ${binCount} bins (at most ${MAX_BINS}); use wider bins`);
  const binOf = Int32Array.from(targets, (value) => Math.min(Math.floor((value - origin) / binWidth), binCount - 1));
  return { binOf, binCount, origin, binWidth };
}

/**
 * Label-distribution smoothing weights for imbalanced regression (Yang et al. 2021, "Delving into
 * Deep Imbalanced Regression", ICML; their reference code): bin the targets, take the bin counts
 * (square-rooted for `sqrt_inverse`, optionally clipped), convolve them with the kernel window
 * ({@link ldsKernelWindow}: Gaussian, size 5, sigma 2 by default; zero padding) to get the effective
 * density, and weight each target by 1 / smoothed density of its bin, scaled so the weights have mean 1.
 * Rare target values weigh more, and neighbours share density so an isolated value is not overweighted.
 */
export function labelDistributionSmoothingWeights(
  targets: ArrayLike<number>,
  options: LabelDistributionSmoothingOptions = {},
): LabelDistributionSmoothing {
  const values = checkNumberArray('targets', targets, { allowEmpty: false });
  const kernelSize = checkPositiveInteger('kernelSize', options.kernelSize ?? 5);
  if (kernelSize % 2 === 0) throw new InvalidInputError('kernelSize', `must be odd, got ${kernelSize}`);
  const sigma = checkFiniteNumber('sigma', options.sigma ?? 2, { min: 0, minExclusive: true });
  const reweight = options.reweight ?? 'inverse';
  if (reweight !== 'inverse' && reweight !== 'sqrt_inverse')
    throw new InvalidInputError('reweight', `must be inverse or sqrt_inverse, got ${String(reweight)}`);
  const { binOf, binCount, origin, binWidth } = binTargets(values, options);
  const density = new Float64Array(binCount);
  for (const bin of binOf) density[bin] = (density[bin] as number) + 1;
  const clipMin = options.countClip?.min;
  const clipMax = options.countClip?.max;
  density.forEach((count, bin) => {
    let value = reweight === 'sqrt_inverse' ? Math.sqrt(count) : count;
    if (clipMin !== undefined) value = Math.max(value, checkFiniteNumber('countClip.min', clipMin, { min: 0 }));
    if (clipMax !== undefined) value = Math.min(value, checkFiniteNumber('countClip.max', clipMax, { min: 0 }));
    density[bin] = value;
  });
  const window = ldsKernelWindow(kernelSize, sigma);
  const half = (kernelSize - 1) / 2;
  const smoothedDensity = new Float64Array(binCount);
  for (let bin = 0; bin < binCount; bin += 1)
    for (let offset = -half; offset <= half; offset += 1) {
      const neighbour = bin + offset;
      if (neighbour >= 0 && neighbour < binCount)
        smoothedDensity[bin] =
          (smoothedDensity[bin] as number) + (window[offset + half] as number) * (density[neighbour] as number);
    }
  const raw = Float64Array.from(binOf, (bin) => {
    const smoothed = smoothedDensity[bin] as number;
    if (!(smoothed > 0))
      throw new InvalidInputError('countClip', 'a smoothed density is 0 (counts clipped to 0); raise countClip.min');
    return 1 / smoothed;
  });
  const scale = raw.length / raw.reduce((sum, value) => sum + value, 0);
  return { weights: raw.map((value) => value * scale), binOf, density, smoothedDensity, window, origin, binWidth };
}
