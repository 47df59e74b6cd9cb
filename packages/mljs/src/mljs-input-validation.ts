import { InvalidInputError } from '@weightspec/core';

/** Features as rows of numbers, or anything ml-matrix accepts as rows. */
export type FeatureRows = readonly (readonly number[])[];

/**
 * Checks a feature matrix and labels for training: rectangular, finite, at least one row, labels
 * integers in [0, numClasses). Returns the number of classes (max label + 1 unless given).
 */
export function validateTrainingData(
  features: FeatureRows,
  labels: readonly number[],
  numClasses?: number,
): { rows: number; columns: number; classes: number } {
  const rows = features.length;
  if (rows === 0) throw new InvalidInputError('X', 'needs at least one row');
  const columns = (features[0] ?? []).length;
  if (columns === 0) throw new InvalidInputError('X', 'needs at least one feature column');
  features.forEach((row, rowIndex) => {
    if (row.length !== columns)
      throw new InvalidInputError(`X[${rowIndex}]`, `has ${row.length} values, the first row has ${columns}`);
    row.forEach((value, column) => {
      if (!Number.isFinite(value))
        throw new InvalidInputError(`X[${rowIndex}][${column}]`, `must be finite, got ${value}`);
    });
  });
  if (labels.length !== rows) throw new InvalidInputError('y', `has ${labels.length} labels for ${rows} rows`);
  let largest = -1;
  labels.forEach((label, index) => {
    if (!Number.isInteger(label) || label < 0)
      throw new InvalidInputError(`y[${index}]`, `class labels must be integers >= 0, got ${label}`);
    largest = Math.max(largest, label);
  });
  const classes = numClasses ?? largest + 1;
  if (largest >= classes) throw new InvalidInputError('y', `label ${largest} is out of range for ${classes} classes`);
  if (classes < 2) throw new InvalidInputError('y', 'one-vs-all logistic regression needs at least 2 classes');
  return { rows, columns, classes };
}

/** Checks an optional per-row array (sample weights, difficulty): length, finite, optionally >= 0. */
export function validatePerRow(
  name: string,
  values: readonly number[] | null | undefined,
  rows: number,
  nonNegative: boolean,
): Float64Array | null {
  if (values == null) return null;
  if (values.length !== rows) throw new InvalidInputError(name, `has ${values.length} values for ${rows} rows`);
  values.forEach((value, index) => {
    if (!Number.isFinite(value) || (nonNegative && value < 0))
      throw new InvalidInputError(
        `${name}[${index}]`,
        `must be a finite number${nonNegative ? ' >= 0' : ''}, got ${value}`,
      );
  });
  return Float64Array.from(values);
}
