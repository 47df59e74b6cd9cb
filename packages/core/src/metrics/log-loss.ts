import { InvalidInputError } from '../errors/invalid-input-error.ts';
import { ZeroDenominatorError } from '../errors/zero-denominator-error.ts';
import type { ClassLabel } from '../labels/encode-labels.ts';
import { describeValue } from '../validate/input-validators.ts';
import { checkSampleWeight, encodeNamedLabels } from './metric-labels.ts';
import type { MetricOptions } from './metric-labels.ts';

/** Machine epsilon of float64 and float32: scikit-learn clips probabilities to [eps, 1-eps] of their dtype. */
const FLOAT64_EPSILON = 2 ** -52;
const FLOAT32_EPSILON = 2 ** -23;

/** Options of {@link logLoss}. */
export interface LogLossOptions<Label extends ClassLabel> extends MetricOptions<Label> {
  /** true (default): weighted mean sum w_i l_i / sum w_i; false: the weighted sum (scikit-learn `normalize`). */
  readonly normalize?: boolean;
}

function probabilityRows(
  probabilities: ArrayLike<number> | ArrayLike<ArrayLike<number>>,
  classCount: number,
): { rows: Float64Array[]; epsilon: number } {
  if (probabilities == null || typeof probabilities.length !== 'number')
    throw new InvalidInputError('probabilities', `must be an array, got ${describeValue(probabilities)}`);
  const first = probabilities[0] as unknown;
  const isRows = Array.isArray(first) || ArrayBuffer.isView(first);
  let epsilon = probabilities instanceof Float32Array ? FLOAT32_EPSILON : FLOAT64_EPSILON;
  const rows: Float64Array[] = [];
  for (let index = 0; index < probabilities.length; index += 1) {
    const field = `probabilities[${index}]`;
    const entry = probabilities[index] as unknown;
    let row: Float64Array;
    if (isRows) {
      if (!(Array.isArray(entry) || ArrayBuffer.isView(entry)))
        throw new InvalidInputError(field, `must be a row of ${classCount} probabilities, got ${describeValue(entry)}`);
      if (entry instanceof Float32Array) epsilon = Math.max(epsilon, FLOAT32_EPSILON);
      row = Float64Array.from(entry as ArrayLike<number>);
    } else {
      // A flat array is the probability of the second class (scikit-learn's binary form).
      if (classCount !== 2)
        throw new InvalidInputError(
          'probabilities',
          `a flat array holds P(class 1) of a binary problem, but there are ${classCount} classes; give rows`,
        );
      const positive = Number(entry);
      row = Float64Array.of(1 - positive, positive);
      if (typeof entry !== 'number') row.fill(Number.NaN);
    }
    if (row.length !== classCount)
      throw new InvalidInputError(
        field,
        `has ${row.length} probabilities but there are ${classCount} classes; give \`classes\` to name them all`,
      );
    let sum = 0;
    row.forEach((value, column) => {
      if (!(value >= 0 && value <= 1))
        throw new InvalidInputError(
          isRows ? `${field}[${column}]` : field,
          `must be a probability in [0, 1], got ${describeValue(isRows ? value : entry)}`,
        );
      sum += value;
    });
    // scikit-learn warns when rows do not sum to 1 (np.allclose, rtol sqrt(eps)); a wrong input such as
    // logits must not give a plausible number, so here it is an error.
    if (isRows && Math.abs(sum - 1) > 1e-8 + Math.sqrt(epsilon))
      throw new InvalidInputError(field, `must sum to 1, sums to ${sum}; pass probabilities (softmax of logits)`);
    rows.push(row);
  }
  return { rows, epsilon };
}

/**
 * Log loss (cross-entropy) with sample weights: l_i = -log p_i[y_i], reduced as sum w_i l_i / sum w_i
 * (scikit-learn `log_loss(y_true, y_pred, labels=, sample_weight=, normalize=)` >= 1.5: probabilities
 * clipped to [eps, 1 - eps] with eps the machine epsilon of their dtype, float32 for Float32Array).
 * `probabilities` is [N][C] in `classes` order (default: the sorted labels of `yTrue`), or for two
 * classes a flat [N] of P(classes[1]). Rows must sum to 1 (scikit-learn only warns).
 */
export function logLoss<Label extends ClassLabel>(
  yTrue: ArrayLike<Label>,
  probabilities: ArrayLike<number> | ArrayLike<ArrayLike<number>>,
  options: LogLossOptions<Label> = {},
): number {
  const { codes, classes } = encodeNamedLabels('yTrue', yTrue, options.classes);
  if (codes.length === 0) throw new InvalidInputError('yTrue', 'needs at least one sample');
  if (classes.length < 2)
    throw new InvalidInputError(
      'yTrue',
      `contains only one label (${describeValue(classes[0])}); give \`classes\` to name the others`,
    );
  if (probabilities?.length !== codes.length)
    throw new InvalidInputError(
      'probabilities',
      `has ${probabilities?.length} rows but yTrue has ${codes.length} labels`,
    );
  const { rows, epsilon } = probabilityRows(probabilities, classes.length);
  const weights = checkSampleWeight(options.sampleWeight, codes.length);
  let lossSum = 0;
  let weightSum = 0;
  rows.forEach((row, index) => {
    const probability = Math.min(Math.max(row[codes[index] as number] as number, epsilon), 1 - epsilon);
    lossSum += (weights[index] as number) * -Math.log(probability);
    weightSum += weights[index] as number;
  });
  if (options.normalize === false) return lossSum;
  if (weightSum === 0) throw new ZeroDenominatorError('log loss', 'the sample weights sum to 0');
  return lossSum / weightSum;
}
