import { ZeroDenominatorError } from '../errors/zero-denominator-error.ts';
import type { ClassLabel } from '../labels/encode-labels.ts';
import { encodePredictions } from './metric-labels.ts';
import type { EncodedPredictions, MetricOptions } from './metric-labels.ts';
import { classTotals } from './precision-recall-f1.ts';

/** Options of {@link balancedAccuracyScore}. */
export interface BalancedAccuracyOptions<Label extends ClassLabel> extends MetricOptions<Label> {
  /** Rescale so chance scores 0 and perfect 1: (score - 1/C) / (1 - 1/C) (scikit-learn `adjusted`). */
  readonly adjusted?: boolean;
}

/** Weighted accuracy of encoded predictions; a zero total weight is WS_ZERO_DENOMINATOR. */
export function accuracyOfEncoded(encoded: EncodedPredictions<ClassLabel>): number {
  let correct = 0;
  let total = 0;
  for (let index = 0; index < encoded.truth.length; index += 1) {
    const weight = encoded.weights[index] as number;
    total += weight;
    if (encoded.truth[index] === encoded.predicted[index]) correct += weight;
  }
  if (total === 0) throw new ZeroDenominatorError('accuracy', 'the sample weights sum to 0');
  return correct / total;
}

/** Weighted balanced accuracy of encoded predictions (see {@link balancedAccuracyScore}). */
export function balancedAccuracyOfEncoded(encoded: EncodedPredictions<ClassLabel>, adjusted = false): number {
  const { truePositive, trueSum } = classTotals(encoded);
  let recallSum = 0;
  let present = 0;
  trueSum.forEach((support, index) => {
    if (support === 0) return;
    recallSum += (truePositive[index] as number) / support;
    present += 1;
  });
  if (present === 0) throw new ZeroDenominatorError('balanced accuracy', 'the sample weights sum to 0');
  const score = recallSum / present;
  if (!adjusted) return score;
  if (present === 1)
    throw new ZeroDenominatorError('adjusted balanced accuracy', 'only one class is present, so chance is 1');
  const chance = 1 / present;
  return (score - chance) / (1 - chance);
}

/**
 * Accuracy with sample weights: sum_i w_i 1[y_i = yhat_i] / sum_i w_i (scikit-learn
 * `accuracy_score(y_true, y_pred, sample_weight=)`). Weights summing to 0 are WS_ZERO_DENOMINATOR
 * (scikit-learn raises ZeroDivisionError).
 */
export function accuracyScore<Label extends ClassLabel>(
  yTrue: ArrayLike<Label>,
  yPred: ArrayLike<Label>,
  options: MetricOptions<Label> = {},
): number {
  return accuracyOfEncoded(encodePredictions(yTrue, yPred, options));
}

/**
 * Balanced accuracy with sample weights: the mean over classes present in `yTrue` of the weighted
 * recall tp_c / sum of weights of class c (scikit-learn `balanced_accuracy_score(y_true, y_pred,
 * sample_weight=, adjusted=)`; classes only predicted are left out, as scikit-learn does with a
 * warning). Equals accuracy when every class has the same total weight.
 */
export function balancedAccuracyScore<Label extends ClassLabel>(
  yTrue: ArrayLike<Label>,
  yPred: ArrayLike<Label>,
  options: BalancedAccuracyOptions<Label> = {},
): number {
  return balancedAccuracyOfEncoded(encodePredictions(yTrue, yPred, options), options.adjusted ?? false);
}
