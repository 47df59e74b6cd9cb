import { InvalidInputError, countClasses, countLabels } from '@weightspec/core';
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
