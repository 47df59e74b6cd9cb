import { InvalidInputError } from '../errors/invalid-input-error.ts';
import type { ClassLabel } from '../labels/encode-labels.ts';
import { describeValue } from '../validate/input-validators.ts';
import { encodePredictions } from './metric-labels.ts';
import type { EncodedPredictions, MetricOptions } from './metric-labels.ts';

/**
 * What a score with a zero denominator becomes (scikit-learn `zero_division`): 0 (scikit-learn's
 * default "warn" acts as 0, and so does weightspec's default), 1, or NaN. NaN scores are left out of
 * macro and weighted averages (scikit-learn >= 1.3 `_nanaverage`).
 */
export type ZeroDivision = 0 | 1 | 'nan';

/** Options of {@link precisionRecallF1}. */
export interface PrecisionRecallF1Options<Label extends ClassLabel> extends MetricOptions<Label> {
  /** Value of precision, recall or F1 whose denominator is zero; default 0. */
  readonly zeroDivision?: ZeroDivision;
}

/** Precision, recall, F1 and support of one class (or an average over classes). */
export interface ClassScores {
  /** tp / (tp + fp): weighted true positives over the weight of samples predicted as the class. */
  readonly precision: number;
  /** tp / (tp + fn): weighted true positives over the weight of samples of the class. */
  readonly recall: number;
  /** 2 tp / (2 tp + fp + fn), the harmonic mean of precision and recall (scikit-learn >= 1.3). */
  readonly f1: number;
  /** Summed sample weight of samples of the class (a count without sample weights). */
  readonly support: number;
}

/** Per-class scores with scikit-learn's macro and weighted averages. */
export interface PrecisionRecallF1<Label extends ClassLabel = ClassLabel> {
  /** The classes, in `perClass` order. */
  readonly classes: readonly Label[];
  /** One entry per class, in `classes` order. */
  readonly perClass: readonly ClassScores[];
  /** Unweighted mean over classes (`average='macro'`); support is the total. */
  readonly macroAvg: ClassScores;
  /** Mean over classes weighted by support (`average='weighted'`); support is the total. */
  readonly weightedAvg: ClassScores;
}

function divide(numerator: number, denominator: number, zeroDivision: ZeroDivision): number {
  if (denominator !== 0) return numerator / denominator;
  return zeroDivision === 'nan' ? Number.NaN : zeroDivision;
}

/** Mean of `values` with optional weights, skipping NaN (scikit-learn `_nanaverage`). */
function nanAverage(values: readonly number[], weights: readonly number[] | null): number {
  let sum = 0;
  let weightSum = 0;
  values.forEach((value, index) => {
    if (Number.isNaN(value)) return;
    const weight = weights === null ? 1 : (weights[index] as number);
    sum += weight * value;
    weightSum += weight;
  });
  return weightSum === 0 ? Number.NaN : sum / weightSum;
}

/** Per-class weighted tp, true sums (support) and predicted sums of already encoded predictions. */
export function classTotals(encoded: EncodedPredictions<ClassLabel>): {
  truePositive: number[];
  trueSum: number[];
  predictedSum: number[];
} {
  const size = encoded.classes.length;
  const truePositive = new Array<number>(size).fill(0);
  const trueSum = new Array<number>(size).fill(0);
  const predictedSum = new Array<number>(size).fill(0);
  for (let index = 0; index < encoded.truth.length; index += 1) {
    const actual = encoded.truth[index] as number;
    const guess = encoded.predicted[index] as number;
    const weight = encoded.weights[index] as number;
    trueSum[actual] = (trueSum[actual] as number) + weight;
    predictedSum[guess] = (predictedSum[guess] as number) + weight;
    if (actual === guess) truePositive[actual] = (truePositive[actual] as number) + weight;
  }
  return { truePositive, trueSum, predictedSum };
}

/** precisionRecallF1 on labels already encoded by encodePredictions (shared with the report). */
export function scoresOfEncoded<Label extends ClassLabel>(
  encoded: EncodedPredictions<Label>,
  zeroDivision: ZeroDivision,
): PrecisionRecallF1<Label> {
  if (zeroDivision !== 0 && zeroDivision !== 1 && zeroDivision !== 'nan')
    throw new InvalidInputError('zeroDivision', `must be 0, 1 or 'nan', got ${describeValue(zeroDivision)}`);
  const { truePositive, trueSum, predictedSum } = classTotals(encoded);
  const perClass = truePositive.map((tp, index) => {
    // scikit-learn rebuilds the sums as tp + fn and tp + fp from its multilabel confusion matrix; the
    // same rounding keeps weighted supports equal to its printout to the last digit.
    const support = tp + ((trueSum[index] as number) - tp);
    const predicted = tp + ((predictedSum[index] as number) - tp);
    return {
      precision: divide(tp, predicted, zeroDivision),
      recall: divide(tp, support, zeroDivision),
      f1: divide(2 * tp, support + predicted, zeroDivision),
      support,
    };
  });
  const total = perClass.reduce((sum, scores) => sum + scores.support, 0);
  const average = (weights: readonly number[] | null): ClassScores => {
    // scikit-learn: a weighted average whose supports are all zero is zero_division.
    if (weights !== null && total === 0) {
      const value = zeroDivision === 'nan' ? Number.NaN : zeroDivision;
      return { precision: value, recall: value, f1: value, support: total };
    }
    return {
      precision: nanAverage(
        perClass.map((scores) => scores.precision),
        weights,
      ),
      recall: nanAverage(
        perClass.map((scores) => scores.recall),
        weights,
      ),
      f1: nanAverage(
        perClass.map((scores) => scores.f1),
        weights,
      ),
      support: total,
    };
  };
  return {
    classes: encoded.classes,
    perClass,
    macroAvg: average(null),
    weightedAvg: average(perClass.map((scores) => scores.support)),
  };
}

/**
 * Per-class precision, recall and F1 with sample weights, and their macro and weighted averages
 * (scikit-learn `precision_recall_fscore_support(y_true, y_pred, labels=, sample_weight=,
 * zero_division=)` with average=None, 'macro' and 'weighted'). F1 = 2tp / (2tp + fp + fn), so it is
 * `zeroDivision` only when a class is neither true nor predicted (scikit-learn >= 1.3). The micro
 * average of single-label predictions equals accuracy (see {@link accuracyScore}).
 */
export function precisionRecallF1<Label extends ClassLabel>(
  yTrue: ArrayLike<Label>,
  yPred: ArrayLike<Label>,
  options: PrecisionRecallF1Options<Label> = {},
): PrecisionRecallF1<Label> {
  return scoresOfEncoded(encodePredictions(yTrue, yPred, options), options.zeroDivision ?? 0);
}
