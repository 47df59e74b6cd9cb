import { InvalidInputError, countClasses, countLabels, curriculumAdmitCount, rankByDifficulty } from '@weightspec/core';
import type { ClassStatistics, WeightingSpec } from '@weightspec/core';
import type { Tensor } from '@tensorflow/tfjs';

/** Class statistics of training targets for the spec's loss (softmax: class counts; sigmoid: per label). */
export function statisticsOfTargets(
  spec: WeightingSpec,
  targets: Tensor,
  predictionsLastAxis: number,
): ClassStatistics | null {
  const values = targets.dataSync();
  const maskValue = spec.elements?.maskValue;
  const masked =
    maskValue === undefined ? undefined : Uint8Array.from(values, (value) => (value === maskValue ? 1 : 0));
  if (spec.loss.kind === 'softmax_cross_entropy') return countClasses(values, predictionsLastAxis, masked);
  if (spec.loss.kind === 'sigmoid_cross_entropy') return countLabels(values, predictionsLastAxis, masked);
  return null;
}

/**
 * Per-sample curriculum weights over the whole training set (SPEC curriculum): rank by difficulty,
 * then the first ceil(g*M) get 1 (select) or a linear fall-off past quantile g (soft).
 */
export function curriculumWeightsOf(
  spec: WeightingSpec,
  fraction: number,
  difficulty: ArrayLike<number>,
): Float32Array {
  const curriculum = spec.curriculum;
  const count = difficulty.length;
  const weights = new Float32Array(count).fill(1);
  if (!curriculum) return weights;
  const rank = rankByDifficulty(difficulty);
  const admitted = curriculumAdmitCount(fraction, count);
  for (let sample = 0; sample < count; sample += 1) {
    const position = rank[sample] as number;
    const quantile = (position + 1) / count;
    weights[sample] =
      curriculum.mode === 'select'
        ? position < admitted
          ? 1
          : 0
        : quantile <= fraction
          ? 1
          : Math.max(0, 1 - (quantile - fraction) / curriculum.softness);
  }
  return weights;
}

/** Checks a per-sample array's length and values; returns it as Float32Array (or null). */
export function perSampleArray(
  name: string,
  values: ArrayLike<number> | null | undefined,
  count: number,
  nonNegative: boolean,
): Float32Array | null {
  if (values == null) return null;
  if (values.length !== count) throw new InvalidInputError(name, `has ${values.length} values for ${count} samples`);
  for (let index = 0; index < values.length; index += 1) {
    const value = values[index] as number;
    if (!Number.isFinite(value) || (nonNegative && value < 0))
      throw new InvalidInputError(
        `${name}[${index}]`,
        `must be a finite number${nonNegative ? ' >= 0' : ''}, got ${value}`,
      );
  }
  return Float32Array.from(values);
}
