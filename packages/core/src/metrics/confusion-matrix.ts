import { InvalidInputError } from '../errors/invalid-input-error.ts';
import type { ClassLabel } from '../labels/encode-labels.ts';
import { describeValue } from '../validate/input-validators.ts';
import { encodePredictions } from './metric-labels.ts';
import type { MetricOptions } from './metric-labels.ts';

/** A weighted confusion matrix: `matrix[t][p]` is the summed sample weight of samples of class t predicted p. */
export interface ConfusionMatrix<Label extends ClassLabel = ClassLabel> {
  /** Row and column order. */
  readonly classes: readonly Label[];
  /** [C][C]; rows are true classes, columns predicted classes (scikit-learn's orientation). */
  readonly matrix: readonly (readonly number[])[];
}

/** Options of {@link confusionMatrix}. */
export interface ConfusionMatrixOptions<Label extends ClassLabel> extends MetricOptions<Label> {
  /**
   * scikit-learn `normalize`: `true` divides each row by its sum (recall on the diagonal), `pred` each
   * column (precision on the diagonal), `all` the whole matrix; a zero sum leaves zeros.
   */
  readonly normalize?: 'true' | 'pred' | 'all' | null;
}

/**
 * Confusion matrix with sample weights (scikit-learn `confusion_matrix(y_true, y_pred, labels=,
 * sample_weight=, normalize=)`): C[t][p] = sum of w_i over samples with true class t and prediction p.
 * Labels may be strings or numbers; `classes` fixes the order.
 */
export function confusionMatrix<Label extends ClassLabel>(
  yTrue: ArrayLike<Label>,
  yPred: ArrayLike<Label>,
  options: ConfusionMatrixOptions<Label> = {},
): ConfusionMatrix<Label> {
  const encoded = encodePredictions(yTrue, yPred, options);
  const size = encoded.classes.length;
  const matrix = Array.from({ length: size }, () => new Array<number>(size).fill(0));
  for (let index = 0; index < encoded.truth.length; index += 1) {
    const row = matrix[encoded.truth[index] as number] as number[];
    const column = encoded.predicted[index] as number;
    row[column] = (row[column] as number) + (encoded.weights[index] as number);
  }
  const normalize = options.normalize ?? null;
  if (normalize !== null && normalize !== 'true' && normalize !== 'pred' && normalize !== 'all')
    throw new InvalidInputError('normalize', `must be 'true', 'pred', 'all' or null, got ${describeValue(normalize)}`);
  if (normalize !== null) {
    const rowSums = matrix.map((row) => row.reduce((sum, value) => sum + value, 0));
    const columnSums =
      matrix[0]?.map((_, column) => matrix.reduce((sum, row) => sum + (row[column] as number), 0)) ?? [];
    const total = rowSums.reduce((sum, value) => sum + value, 0);
    for (let row = 0; row < size; row += 1)
      for (let column = 0; column < size; column += 1) {
        const denominator = normalize === 'true' ? rowSums[row] : normalize === 'pred' ? columnSums[column] : total;
        const cells = matrix[row] as number[];
        // scikit-learn divides with errstate(invalid='ignore') and then sets NaN to 0.
        cells[column] = denominator ? (cells[column] as number) / (denominator as number) : 0;
      }
  }
  return { classes: encoded.classes, matrix };
}
