import { InvalidInputError } from '../errors/invalid-input-error.ts';
import { encodeLabels } from '../labels/encode-labels.ts';
import type { ClassLabel } from '../labels/encode-labels.ts';
import { checkNumberArray, describeValue } from '../validate/input-validators.ts';

/** Options every weighted classification metric takes (scikit-learn's `labels` and `sample_weight`). */
export interface MetricOptions<Label extends ClassLabel = ClassLabel> {
  /**
   * The classes and their order (scikit-learn `labels`). Default: the sorted distinct labels of
   * `yTrue` and `yPred` together (scikit-learn `unique_labels`). A label outside a given list is
   * WS_INVALID_INPUT (scikit-learn would drop the sample silently).
   */
  readonly classes?: readonly Label[];
  /** Per-sample weights >= 0 (scikit-learn `sample_weight`); default 1 for every sample. */
  readonly sampleWeight?: ArrayLike<number> | null;
}

/** True and predicted labels as class indices over one class list, with the checked sample weights. */
export interface EncodedPredictions<Label extends ClassLabel> {
  /** The class list both label arrays were encoded with. */
  readonly classes: readonly Label[];
  /** Class index of each true label. */
  readonly truth: Int32Array;
  /** Class index of each predicted label. */
  readonly predicted: Int32Array;
  /** Sample weights (all 1 when none were given). */
  readonly weights: Float64Array;
  /** Whether the caller gave sample weights (scikit-learn then reports weighted, float supports). */
  readonly weighted: boolean;
}

/** Re-raises an InvalidInputError from encodeLabels under the caller's argument name (yTrue, yPred). */
export function encodeNamedLabels<Label extends ClassLabel>(
  name: string,
  labels: ArrayLike<Label>,
  classes: readonly Label[] | undefined,
): { codes: Int32Array; classes: readonly Label[] } {
  try {
    return encodeLabels(labels, classes === undefined ? {} : { classes });
  } catch (error) {
    if (!InvalidInputError.isInstance(error) || !error.field.startsWith('labels')) throw error;
    const message = error.message.slice(error.field.length + 2);
    throw new InvalidInputError(`${name}${error.field.slice('labels'.length)}`, message, { cause: error });
  }
}

/** Checks `sampleWeight` (finite, >= 0, one per sample) or returns ones. */
export function checkSampleWeight(sampleWeight: ArrayLike<number> | null | undefined, length: number): Float64Array {
  if (sampleWeight == null) return new Float64Array(length).fill(1);
  return checkNumberArray('sampleWeight', sampleWeight, { length, nonNegative: true });
}

/**
 * Encodes `yTrue` and `yPred` over one class list: the given `classes`, else the sorted union of both
 * (scikit-learn `unique_labels`). Lengths must agree and there must be at least one sample.
 */
export function encodePredictions<Label extends ClassLabel>(
  yTrue: ArrayLike<Label>,
  yPred: ArrayLike<Label>,
  options: MetricOptions<Label> = {},
): EncodedPredictions<Label> {
  for (const [name, labels] of [
    ['yTrue', yTrue],
    ['yPred', yPred],
  ] as const)
    if (labels == null || typeof labels === 'string' || typeof labels.length !== 'number')
      throw new InvalidInputError(name, `must be an array of labels, got ${describeValue(labels)}`);
  if (yTrue.length !== yPred.length)
    throw new InvalidInputError('yPred', `has ${yPred.length} labels but yTrue has ${yTrue.length}`);
  if (yTrue.length === 0) throw new InvalidInputError('yTrue', 'needs at least one sample');
  let classes = options.classes;
  if (classes === undefined) {
    const union = [...Array.from(yTrue), ...Array.from(yPred)];
    classes = encodeNamedLabels('yTrue and yPred', union, undefined).classes;
  }
  const truth = encodeNamedLabels('yTrue', yTrue, classes).codes;
  const predicted = encodeNamedLabels('yPred', yPred, classes).codes;
  const weights = checkSampleWeight(options.sampleWeight, yTrue.length);
  return { classes, truth, predicted, weights, weighted: options.sampleWeight != null };
}
