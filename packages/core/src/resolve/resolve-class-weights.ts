import { InvalidInputError } from '../errors/invalid-input-error.ts';
import { InvalidSpecError } from '../errors/invalid-spec-error.ts';
import type { ClassStatistics } from '../stats/class-statistics.ts';
import type { ClassWeightingSpec } from '../spec/v1/spec-v1-schema.ts';

/** Median of a non-empty list (mean of the two middle values for an even count, as numpy). */
function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

function applyClip(weights: number[], counts: readonly number[] | null, clip: ClassWeightingSpec['clip']): number[] {
  return weights.map((weight, index) => {
    if (counts !== null && counts[index] === 0) return 0;
    let clipped = weight;
    if (clip?.min !== undefined) clipped = Math.max(clip.min, clipped);
    if (clip?.max !== undefined) clipped = Math.min(clip.max, clipped);
    return clipped;
  });
}

/**
 * Softmax class weights c_c for C classes from counts n_c (SPEC "class"), before any schedule:
 * balanced n/(C n_c) (scikit-learn), inverse_frequency n_c^-p scaled to a mean sample weight of 1,
 * median_frequency median(f)/f_c (Eigen & Fergus), effective_number (1-b)/(1-b^n_c) scaled to sum C
 * (Cui et al.), max_ratio max(n)/n_c. Classes with n_c = 0 get 0; `clip` applies last.
 */
export function resolveSoftmaxClassWeights(
  classWeighting: ClassWeightingSpec,
  numClasses: number,
  stats: ClassStatistics | null,
): number[] {
  if (classWeighting.strategy === 'manual') {
    const given = classWeighting.weights ?? [];
    let weights: number[];
    if (Array.isArray(given)) {
      // numClasses 0: an empty batch without stats tells no C; the weights as written stand.
      if (given.length !== numClasses && numClasses !== 0)
        throw new InvalidInputError(
          'class.weights',
          `the spec gives ${given.length} class weights but the data has C = ${numClasses} classes`,
        );
      weights = [...given];
    } else {
      const size = numClasses !== 0 ? numClasses : Math.max(0, ...Object.keys(given).map((key) => Number(key) + 1));
      weights = new Array<number>(size).fill(classWeighting.default);
      for (const [key, weight] of Object.entries(given)) {
        const classIndex = Number(key);
        if (classIndex >= weights.length)
          throw new InvalidInputError(
            `class.weights["${key}"]`,
            `class ${classIndex} is out of range for C = ${numClasses}`,
          );
        weights[classIndex] = weight;
      }
    }
    return applyClip(weights, null, classWeighting.clip);
  }
  if (stats === null || stats.kind !== 'classes')
    throw new InvalidInputError('stats', `class strategy ${classWeighting.strategy} needs class counts`);
  if (stats.classCounts.length !== numClasses)
    throw new InvalidInputError(
      'stats.classCounts',
      `has ${stats.classCounts.length} classes but the data has C = ${numClasses}`,
    );
  const counts = stats.classCounts;
  const total = counts.reduce((sum, count) => sum + count, 0);
  const present = counts.filter((count) => count > 0);
  // Every class empty (an empty batch, or every element masked): each class gets 0 as SPEC gives an
  // empty class, and the reduction's zeroDenominator policy decides what the batch yields.
  if (total === 0) return counts.map(() => 0);
  let weights: number[];
  switch (classWeighting.strategy) {
    case 'balanced':
      weights = counts.map((count) => (count > 0 ? total / (numClasses * count) : 0));
      break;
    case 'inverse_frequency': {
      // In log space (SPEC pinned rule 11): n_c^-p underflows for a large p, so each term is taken
      // relative to the largest, e^{-p ln n_c - max}; the rarest class then has 1 and the sum is >= 1.
      const power = classWeighting.power;
      const logs = counts.map((count) => (count > 0 ? -power * Math.log(count) : Number.NEGATIVE_INFINITY));
      const largest = Math.max(...logs);
      const raw = logs.map((value) => (value === Number.NEGATIVE_INFINITY ? 0 : Math.exp(value - largest)));
      const weightedTotal = counts.reduce((sum, count, index) => sum + count * (raw[index] as number), 0);
      weights = raw.map((value) => (value * total) / weightedTotal);
      break;
    }
    case 'median_frequency': {
      const medianFrequency = median(present.map((count) => count / total));
      weights = counts.map((count) => (count > 0 ? medianFrequency / (count / total) : 0));
      break;
    }
    case 'effective_number': {
      const beta = classWeighting.beta;
      const raw = counts.map((count) => (count > 0 ? (1 - beta) / (1 - beta ** count) : 0));
      const rawSum = raw.reduce((sum, value) => sum + value, 0);
      weights = raw.map((value) => (value * numClasses) / rawSum);
      break;
    }
    case 'max_ratio': {
      const largest = Math.max(...counts);
      weights = counts.map((count) => (count > 0 ? largest / count : 0));
      break;
    }
    default:
      throw new InvalidInputError(
        'class.strategy',
        `${classWeighting.strategy} does not apply to softmax cross-entropy`,
      );
  }
  return checkFiniteWeights(applyClip(weights, counts, classWeighting.clip), ['class', 'strategy']);
}

/**
 * SPEC pinned rule 11: a valid spec never yields NaN silently. Every strategy above is computed so that
 * it stays finite; this is the guard that turns any overflow left into an error naming the field.
 */
function checkFiniteWeights(weights: number[], path: (string | number)[]): number[] {
  weights.forEach((weight, index) => {
    if (!Number.isFinite(weight))
      throw InvalidSpecError.at(
        path,
        `class weight ${index} overflows float64 (${weight}); lower the exponent or counts`,
      );
  });
  return weights;
}

/**
 * Sigmoid per-label weights (a+_k, a-_k) for K labels (SPEC "class", sigmoid): manual, balanced
 * a+ = n/(2 n_k+), a- = n/(2 n_k-), positive_ratio a+ = n_k-/n_k+, a- = 1 (PyTorch pos_weight).
 * A side with no examples gets 0; `clip` applies last.
 */
export function resolveSigmoidClassWeights(
  classWeighting: ClassWeightingSpec,
  labelCount: number,
  stats: ClassStatistics | null,
): { positive: number[]; negative: number[] } {
  if (classWeighting.strategy === 'manual') {
    const positive = classWeighting.positive ?? [];
    if (positive.length !== labelCount && labelCount !== 0)
      throw new InvalidInputError(
        'class.positive',
        `the spec gives ${positive.length} positive weights but the data has K = ${labelCount} labels`,
      );
    const negative = classWeighting.negative ?? new Array<number>(positive.length).fill(1);
    if (negative.length !== positive.length)
      throw new InvalidInputError(
        'class.negative',
        `the spec gives ${negative.length} negative weights but ${positive.length} positive weights (K labels)`,
      );
    return {
      positive: applyClip([...positive], null, classWeighting.clip),
      negative: applyClip([...negative], null, classWeighting.clip),
    };
  }
  if (stats === null || stats.kind !== 'labels')
    throw new InvalidInputError(
      'stats',
      `class strategy ${classWeighting.strategy} needs positive and negative counts per label`,
    );
  if (stats.positiveCounts.length !== labelCount)
    throw new InvalidInputError(
      'stats.positiveCounts',
      `has ${stats.positiveCounts.length} labels but the data has K = ${labelCount}`,
    );
  const positiveCounts = stats.positiveCounts;
  const negativeCounts = stats.negativeCounts;
  let positive: number[];
  let negative: number[];
  if (classWeighting.strategy === 'balanced') {
    positive = positiveCounts.map((count, label) =>
      count > 0 ? (count + (negativeCounts[label] as number)) / (2 * count) : 0,
    );
    negative = negativeCounts.map((count, label) =>
      count > 0 ? (count + (positiveCounts[label] as number)) / (2 * count) : 0,
    );
  } else if (classWeighting.strategy === 'positive_ratio') {
    positive = positiveCounts.map((count, label) => (count > 0 ? (negativeCounts[label] as number) / count : 0));
    negative = negativeCounts.map(() => 1);
  } else {
    throw new InvalidInputError('class.strategy', `${classWeighting.strategy} does not apply to sigmoid cross-entropy`);
  }
  return {
    positive: checkFiniteWeights(applyClip(positive, positiveCounts, classWeighting.clip), ['class', 'strategy']),
    negative: checkFiniteWeights(applyClip(negative, negativeCounts, classWeighting.clip), ['class', 'strategy']),
  };
}
