import { InvalidInputError } from '../errors/invalid-input-error.ts';
import { checkFiniteNumber, describeValue } from '../validate/input-validators.ts';
import { squaredDistanceTransform } from './euclidean-distance-transform.ts';

/** Options of {@link unetWeightMap}. */
export interface UnetWeightMapOptions {
  /** Peak of the border term w0 (default 10, as Ronneberger et al.). */
  readonly w0?: number;
  /** Width of the border term in pixels (default 5). */
  readonly sigma?: number;
  /**
   * The class-balance term w_c: `balanced` (default) gives background and foreground pixels n / (C n_c)
   * over this image (C = classes present), or give both weights.
   */
  readonly classWeights?: 'balanced' | { readonly background: number; readonly foreground: number };
  /**
   * Where the border term applies: `background` (default: the gaps between touching objects, as
   * common U-Net implementations do) or `all` pixels (the paper's formula read literally).
   */
  readonly borderOn?: 'background' | 'all';
}

function readInstances(instances: ArrayLike<ArrayLike<number>>): { labels: Int32Array; height: number; width: number } {
  if (!Array.isArray(instances) || instances.length === 0)
    throw new InvalidInputError('instances', `must be a non-empty [H][W] array, got ${describeValue(instances)}`);
  const height = instances.length;
  const width = (instances[0] as ArrayLike<number>)?.length ?? 0;
  if (!(width > 0)) throw new InvalidInputError('instances[0]', 'must be a non-empty row of instance ids');
  const labels = new Int32Array(height * width);
  for (let row = 0; row < height; row += 1) {
    const line = instances[row] as unknown;
    if (!(Array.isArray(line) || ArrayBuffer.isView(line)) || (line as ArrayLike<number>).length !== width)
      throw new InvalidInputError(`instances[${row}]`, `must have ${width} pixels like the first row`);
    for (let column = 0; column < width; column += 1) {
      const value = (line as ArrayLike<unknown>)[column];
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0)
        throw new InvalidInputError(
          `instances[${row}][${column}]`,
          `must be an instance id (0 background, 1, 2, ... objects), got ${describeValue(value)}`,
        );
      labels[row * width + column] = value;
    }
  }
  return { labels, height, width };
}

/**
 * The U-Net weight map (Ronneberger, Fischer & Brox 2015, "U-Net", eq. 2): from an instance-label image
 * [H][W] (0 = background, k > 0 = object k), w(x) = w_c(x) + w0 exp(-(d1(x) + d2(x))^2 / (2 sigma^2)),
 * d1 and d2 the Euclidean distances (in pixels, between pixel centres) to the nearest and
 * second-nearest object, w_c the class-balance term. The border term makes the thin background gaps
 * between touching cells weigh up to w0 more. Returns [H][W], the element weights of a dense output
 * [N, H, W, C]: pass `elementWeights: maps.map((map) => map.flat())` ([N, E] with E = H*W in SPEC's
 * row-major element order), or one map for every image as `elements.weights: map.flat()`. Exact
 * distances: one Felzenszwalb-Huttenlocher
 * transform per object, O(K * H * W) time for K objects and O(H * W) memory.
 */
export function unetWeightMap(instances: ArrayLike<ArrayLike<number>>, options: UnetWeightMapOptions = {}): number[][] {
  const { labels, height, width } = readInstances(instances);
  const w0 = checkFiniteNumber('w0', options.w0 ?? 10, { min: 0 });
  const sigma = checkFiniteNumber('sigma', options.sigma ?? 5, { min: 0, minExclusive: true });
  const borderOn = options.borderOn ?? 'background';
  if (borderOn !== 'background' && borderOn !== 'all')
    throw new InvalidInputError('borderOn', `must be background or all, got ${describeValue(borderOn)}`);
  const pixels = labels.length;
  const foregroundCount = labels.reduce((count, label) => count + (label > 0 ? 1 : 0), 0);
  let background: number;
  let foreground: number;
  const classWeights = options.classWeights ?? 'balanced';
  if (classWeights === 'balanced') {
    const present = (foregroundCount > 0 ? 1 : 0) + (foregroundCount < pixels ? 1 : 0);
    background = foregroundCount < pixels ? pixels / (present * (pixels - foregroundCount)) : 0;
    foreground = foregroundCount > 0 ? pixels / (present * foregroundCount) : 0;
  } else if (typeof classWeights === 'object' && classWeights !== null) {
    background = checkFiniteNumber('classWeights.background', classWeights.background, { min: 0 });
    foreground = checkFiniteNumber('classWeights.foreground', classWeights.foreground, { min: 0 });
  } else
    throw new InvalidInputError(
      'classWeights',
      `must be 'balanced' or {background, foreground}, got ${describeValue(classWeights)}`,
    );
  const objectIds = [...new Set(labels)].filter((label) => label > 0).sort((a, b) => a - b);
  const nearest = new Float64Array(pixels).fill(Number.POSITIVE_INFINITY);
  const secondNearest = new Float64Array(pixels).fill(Number.POSITIVE_INFINITY);
  for (const objectId of objectIds) {
    const squared = squaredDistanceTransform((index) => labels[index] === objectId, height, width);
    squared.forEach((distanceSquared, index) => {
      const distance = Math.sqrt(distanceSquared);
      if (distance < (nearest[index] as number)) {
        secondNearest[index] = nearest[index] as number;
        nearest[index] = distance;
      } else if (distance < (secondNearest[index] as number)) secondNearest[index] = distance;
    });
  }
  return Array.from({ length: height }, (_, row) =>
    Array.from({ length: width }, (_, column) => {
      const index = row * width + column;
      const isForeground = (labels[index] as number) > 0;
      const classTerm = isForeground ? foreground : background;
      if (borderOn === 'background' && isForeground) return classTerm;
      const gap = (nearest[index] as number) + (secondNearest[index] as number);
      // exp(-Infinity) is 0: with fewer than two objects there is no border term.
      return classTerm + w0 * Math.exp(-(gap * gap) / (2 * sigma * sigma));
    }),
  );
}
