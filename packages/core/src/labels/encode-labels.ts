import { InvalidInputError } from '../errors/invalid-input-error.ts';
import { describeValue } from '../validate/input-validators.ts';

/** A class label as users hold it: a string ("rain") or a number (3, 0.5). */
export type ClassLabel = string | number;

/** Labels turned into class indices, with the class list that maps them back. */
export interface EncodedLabels<Label extends ClassLabel = ClassLabel> {
  /** Class index of each label, in [0, classes.length). */
  readonly codes: Int32Array;
  /** The classes: `classes[code]` is the label; sorted as scikit-learn's LabelEncoder unless given. */
  readonly classes: readonly Label[];
}

function compareLabels(a: ClassLabel, b: ClassLabel): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  // numpy sorts unicode strings by code point, which is what `<` on JS strings does for the BMP.
  return a < b ? -1 : a > b ? 1 : 0;
}

function checkLabel(field: string, label: unknown): ClassLabel {
  if (typeof label === 'string') return label;
  if (typeof label === 'number' && Number.isFinite(label)) return label;
  throw new InvalidInputError(field, `must be a string or a finite number, got ${describeValue(label)}`);
}

/**
 * Encodes labels as class indices (scikit-learn `LabelEncoder.fit_transform`): without `classes` the
 * class list is the sorted distinct labels (numbers ascending, strings by code point); with `classes`
 * that order is kept and a label outside it is WS_INVALID_INPUT. Strings and numbers are not mixed.
 */
export function encodeLabels<Label extends ClassLabel>(
  labels: ArrayLike<Label>,
  options: { readonly classes?: readonly Label[] } = {},
): EncodedLabels<Label> {
  if (labels == null || typeof (labels as ArrayLike<Label>).length !== 'number')
    throw new InvalidInputError('labels', `must be an array of labels, got ${describeValue(labels)}`);
  let kind: 'string' | 'number' | null = null;
  const checkKind = (field: string, label: ClassLabel) => {
    const labelKind = typeof label as 'string' | 'number';
    kind ??= labelKind;
    if (labelKind !== kind)
      throw new InvalidInputError(field, `mixes ${kind} and ${labelKind} labels; use one kind for every label`);
  };
  let classes: Label[];
  if (options.classes !== undefined) {
    classes = Array.from(options.classes, (label, index) => checkLabel(`classes[${index}]`, label) as Label);
    if (classes.length === 0) throw new InvalidInputError('classes', 'must name at least one class');
    classes.forEach((label, index) => {
      checkKind(`classes[${index}]`, label);
    });
    if (new Set(classes).size !== classes.length) throw new InvalidInputError('classes', 'has a class twice');
  } else {
    const seen = new Set<Label>();
    for (let index = 0; index < labels.length; index += 1) {
      const label = checkLabel(`labels[${index}]`, labels[index]) as Label;
      checkKind(`labels[${index}]`, label);
      seen.add(label);
    }
    classes = [...seen].sort(compareLabels);
  }
  const indexOf = new Map<Label, number>(classes.map((label, index) => [label, index]));
  const codes = new Int32Array(labels.length);
  for (let index = 0; index < labels.length; index += 1) {
    const label = labels[index] as Label;
    const code = indexOf.get(label);
    if (code === undefined)
      throw new InvalidInputError(
        `labels[${index}]`,
        `${describeValue(label)} is not one of the ${classes.length} classes given`,
      );
    codes[index] = code;
  }
  return { codes, classes };
}

/** Maps class indices back to labels (scikit-learn `LabelEncoder.inverse_transform`). */
export function decodeLabels<Label extends ClassLabel>(codes: ArrayLike<number>, classes: readonly Label[]): Label[] {
  return Array.from({ length: codes.length }, (_, index) => {
    const code = codes[index] as number;
    const label = Number.isInteger(code) ? classes[code] : undefined;
    if (label === undefined)
      throw new InvalidInputError(
        `codes[${index}]`,
        `must be a class index in [0, ${classes.length}), got ${describeValue(code)}`,
      );
    return label;
  });
}
