import { InvalidInputError } from '@weightspec/core';

/** Maps label cells to class indices 0..C-1 and back. */
export interface LabelEncoding {
  /** Class name per index; for integer labels the names are "0", "1", ... */
  readonly classNames: readonly string[];
  /** How the indices were chosen, shown to the user. */
  readonly origin: 'integer labels' | 'sorted names' | 'given by --classes';
  /** The class index of a label cell, or undefined when it is not a known class. */
  indexOf(label: string): number | undefined;
}

const integerLabel = /^(0|[1-9]\d*)$/;

/** Most distinct labels a column may hold before it is taken for the wrong column (keeps memory bounded). */
export const MAX_DISTINCT_LABELS = 10_000;

/**
 * Chooses class indices for a label column. `explicitClasses` fixes the order. Otherwise, when every
 * label is a non-negative integer, the integer is the class index (C = largest + 1, so a class with
 * no rows keeps its index); else names are sorted by code unit (as scikit-learn's LabelEncoder sorts).
 */
export function inferLabelEncoding(
  distinctLabels: Iterable<string>,
  explicitClasses?: readonly string[],
): LabelEncoding {
  if (explicitClasses && explicitClasses.length > 0) {
    const seen = new Set<string>();
    for (const name of explicitClasses) {
      if (seen.has(name)) throw new InvalidInputError('--classes', `class "${name}" is listed twice`);
      seen.add(name);
    }
    const lookup = new Map(explicitClasses.map((name, index) => [name, index]));
    return { classNames: [...explicitClasses], origin: 'given by --classes', indexOf: (label) => lookup.get(label) };
  }
  const labels = [...distinctLabels];
  if (labels.length > 0 && labels.every((label) => integerLabel.test(label))) {
    const largest = Math.max(...labels.map(Number));
    if (largest >= MAX_DISTINCT_LABELS)
      throw new InvalidInputError('labels', `class index ${largest} is too large (at most ${MAX_DISTINCT_LABELS - 1})`);
    const classNames = Array.from({ length: largest + 1 }, (_, index) => String(index));
    return {
      classNames,
      origin: 'integer labels',
      indexOf: (label) => (integerLabel.test(label) && Number(label) <= largest ? Number(label) : undefined),
    };
  }
  const classNames = labels.sort((left, right) => (left < right ? -1 : left > right ? 1 : 0));
  const lookup = new Map(classNames.map((name, index) => [name, index]));
  return { classNames, origin: 'sorted names', indexOf: (label) => lookup.get(label) };
}
