import {
  InvalidInputError,
  checkClassLabels,
  checkFeatureMatrix,
  checkFiniteNumber,
  checkNumberArray,
  describeValue,
  encodeLabels,
} from '@weightspec/core';
import type { ClassLabel, FeatureMatrixInput } from '@weightspec/core';

/** Features as rows of numbers, or a dense row-major matrix (core's DenseFeatureMatrix, not copied). */
export type FeatureRows = FeatureMatrixInput;

/** Checked training data: the design values row-major, class indices and the class count. */
export interface CheckedTrainingData {
  readonly rows: number;
  readonly columns: number;
  /** rows x columns, row-major, finite (the caller's own array when the features came dense). */
  readonly values: Float32Array | Float64Array;
  /** Class index per row (the caller's own Int32Array when it came as one with numClasses). */
  readonly labels: Int32Array;
  readonly classes: number;
}

/**
 * Checks a feature matrix and labels for training with core's validators: rectangular, finite, at
 * least one row; labels integer class indices in [0, numClasses), or labels of `classes` (strings or
 * numbers, encoded in that order, core's encodeLabels). C is numClasses, else the length of
 * `classes`, else the largest label + 1; one-vs-all needs C >= 2.
 */
export function validateTrainingData(
  features: unknown,
  labels: unknown,
  options: { readonly numClasses?: unknown; readonly classes?: readonly ClassLabel[] | null } = {},
): CheckedTrainingData {
  const { rows, columns, values } = checkFeatureMatrix('X', features);
  if (!Array.isArray(labels) && !ArrayBuffer.isView(labels))
    throw new InvalidInputError('y', `must be an array of labels, got ${describeValue(labels)}`);
  const list = labels as ArrayLike<unknown>;
  if (list.length !== rows) throw new InvalidInputError('y', `has ${list.length} labels for ${rows} rows`);
  let codes: Int32Array;
  let classes: number;
  if (options.classes != null) {
    const encoded = encodeLabels(list as ArrayLike<ClassLabel>, { classes: options.classes });
    codes = encoded.codes;
    classes = encoded.classes.length;
    if (options.numClasses !== undefined && options.numClasses !== classes)
      throw new InvalidInputError('numClasses', `is ${describeValue(options.numClasses)} but classes names ${classes}`);
  } else if (labels instanceof Int32Array && options.numClasses !== undefined) {
    // The CLI's columnar labels: integers by type, so a range check suffices and the caller's array is
    // used as is (the trainer never writes to it); core's checkClassLabels reports the first bad one.
    classes = checkFiniteNumber('numClasses', options.numClasses, { integer: true, min: 2 });
    codes = labels;
    for (const label of labels)
      if (label < 0 || label >= classes) checkClassLabels('y', labels, { numClasses: classes });
  } else {
    // Only without numClasses is the largest label needed (its float64 copy of y is then made once).
    classes =
      options.numClasses === undefined
        ? Math.max(0, Math.floor(checkNumberArray('y', list).reduce((most, label) => Math.max(most, label), -1)) + 1)
        : checkFiniteNumber('numClasses', options.numClasses, { integer: true, min: 2 });
    codes = checkClassLabels('y', list, { numClasses: Math.max(classes, 1) });
  }
  if (classes < 2) throw new InvalidInputError('y', 'one-vs-all logistic regression needs at least 2 classes');
  return { rows, columns, values, labels: codes, classes };
}

/** Checks an optional per-row array (sample weights, difficulty): length, finite, optionally >= 0. */
export function validatePerRow(name: string, values: unknown, rows: number, nonNegative: boolean): Float64Array | null {
  if (values == null) return null;
  return checkNumberArray(name, values, { length: rows, nonNegative });
}
