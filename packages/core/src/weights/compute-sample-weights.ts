import { InvalidInputError } from '../errors/invalid-input-error.ts';
import { ZeroDenominatorError } from '../errors/zero-denominator-error.ts';
import { encodeLabels } from '../labels/encode-labels.ts';
import type { ClassLabel } from '../labels/encode-labels.ts';
import { parseWeightingSpec } from '../spec/parse-weighting-spec.ts';
import { checkNumberArray, describeValue } from '../validate/input-validators.ts';
import { computeClassWeights } from './compute-class-weights.ts';
import type { ClassWeightStrategy } from './compute-class-weights.ts';

/** Options of {@link computeSampleWeights}. */
export interface ComputeSampleWeightsOptions<Label extends ClassLabel> {
  /** Per-sample weights s_i >= 0 that multiply the class weights (SPEC "sample": class x sample). */
  readonly sampleWeights?: ArrayLike<number> | null;
  /** Class order of single-output labels (see computeClassWeights); not for multi-output labels. */
  readonly classes?: readonly Label[];
}

function isRow(value: unknown): value is ArrayLike<unknown> {
  return Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView));
}

/** The label columns of multi-output labels [N][K], each checked to have K entries. */
function outputColumns<Label extends ClassLabel>(rows: ArrayLike<ArrayLike<Label>>): Label[][] {
  const outputs = (rows[0] as ArrayLike<Label>).length;
  if (outputs === 0) throw new InvalidInputError('labels[0]', 'a multi-output row needs at least one label');
  const columns = Array.from({ length: outputs }, () => new Array<Label>(rows.length));
  for (let row = 0; row < rows.length; row += 1) {
    const entry = rows[row] as unknown;
    if (!isRow(entry) || entry.length !== outputs)
      throw new InvalidInputError(
        `labels[${row}]`,
        `must hold ${outputs} labels like labels[0], got ${describeValue(entry)}`,
      );
    for (let output = 0; output < outputs; output += 1) (columns[output] as Label[])[row] = entry[output] as Label;
  }
  return columns;
}

/** `sample.normalize: mean_one` of a whole spec, applied to the given per-sample weights. */
function sampleWeightScale(strategy: unknown, sampleWeights: Float64Array | null): number {
  if (sampleWeights === null || typeof strategy !== 'object' || strategy === null || !('specVersion' in strategy))
    return 1;
  if (parseWeightingSpec(strategy).sample?.normalize !== 'mean_one' || sampleWeights.length === 0) return 1;
  const sum = sampleWeights.reduce((total, weight) => total + weight, 0);
  if (sum === 0) throw new ZeroDenominatorError('sample.normalize mean_one', 'the per-sample weights have mean 0');
  return sampleWeights.length / sum;
}

/**
 * Per-sample weights from labels in one call (scikit-learn `compute_sample_weight(class_weight, y)`):
 * w_i = class weight of y_i (see {@link computeClassWeights} for the strategies), times
 * `sampleWeights[i]` when given (times 1/mean of them for a spec with `sample.normalize: mean_one`).
 * Multi-output labels [N][K] take `'balanced'` or one strategy per output, and w_i is the product
 * over outputs of each output's class weight (scikit-learn's product rule; each output's classes are
 * its own sorted labels).
 */
export function computeSampleWeights<Label extends ClassLabel>(
  labels: ArrayLike<Label> | ArrayLike<ArrayLike<Label>>,
  strategyOrSpec: ClassWeightStrategy<Label> | readonly ClassWeightStrategy<Label>[],
  options: ComputeSampleWeightsOptions<Label> = {},
): Float64Array {
  if (labels == null || typeof labels.length !== 'number' || typeof labels === 'string')
    throw new InvalidInputError('labels', `must be an array of labels, got ${describeValue(labels)}`);
  const count = labels.length;
  const given =
    options.sampleWeights == null
      ? null
      : checkNumberArray('sampleWeights', options.sampleWeights, { length: count, nonNegative: true });
  const weights = new Float64Array(count).fill(1);
  if (count > 0 && isRow(labels[0])) {
    if (options.classes !== undefined)
      throw new InvalidInputError('classes', 'multi-output labels take each output’s own sorted classes; omit it');
    const columns = outputColumns(labels as ArrayLike<ArrayLike<Label>>);
    const strategy = strategyOrSpec as unknown;
    const perOutput = Array.isArray(strategy) ? (strategy as ClassWeightStrategy<Label>[]) : null;
    if (perOutput === null && strategy !== null && strategy !== undefined && typeof strategy !== 'string')
      throw new InvalidInputError(
        'strategyOrSpec',
        "for multi-output labels give 'balanced' or one strategy per output (a list of dicts), as scikit-learn",
      );
    if (perOutput !== null && perOutput.length !== columns.length)
      throw new InvalidInputError(
        'strategyOrSpec',
        `gives ${perOutput.length} strategies for ${columns.length} outputs; give one per output`,
      );
    columns.forEach((column, output) => {
      const outputStrategy = perOutput === null ? (strategy as ClassWeightStrategy<Label>) : perOutput[output];
      const { codes } = encodeLabels(column);
      const classWeights = computeClassWeights(column, outputStrategy).weights;
      codes.forEach((code, row) => {
        weights[row] = (weights[row] as number) * (classWeights[code] as number);
      });
    });
  } else {
    const single = labels as ArrayLike<Label>;
    const { codes } = encodeLabels(single, options.classes === undefined ? {} : { classes: options.classes });
    const classWeights = computeClassWeights(
      single,
      strategyOrSpec as ClassWeightStrategy<Label>,
      options.classes === undefined ? {} : { classes: options.classes },
    ).weights;
    codes.forEach((code, row) => {
      weights[row] = classWeights[code] as number;
    });
  }
  if (given !== null) {
    const scale = sampleWeightScale(strategyOrSpec, given);
    given.forEach((weight, row) => {
      weights[row] = (weights[row] as number) * weight * scale;
    });
  }
  return weights;
}
