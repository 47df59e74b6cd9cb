import { InvalidInputError } from '../errors/invalid-input-error.ts';
import { encodeLabels } from '../labels/encode-labels.ts';
import type { ClassLabel } from '../labels/encode-labels.ts';
import { resolveSoftmaxClassWeights } from '../resolve/resolve-class-weights.ts';
import { parseWeightingSpec } from '../spec/parse-weighting-spec.ts';
import type { WeightingSpec } from '../spec/parse-weighting-spec.ts';
import type { ClassWeightingSpec, WeightingSpecV1Input } from '../spec/v1/spec-v1-schema.ts';
import { checkFiniteNumber, checkNumberArray, describeValue } from '../validate/input-validators.ts';

/** Names of the spec's class strategies that need no parameter, usable as a bare string. */
export type ClassWeightStrategyName = 'balanced' | 'inverse_frequency' | 'median_frequency' | 'max_ratio';

const strategyNames: readonly string[] = ['balanced', 'inverse_frequency', 'median_frequency', 'max_ratio'];

/**
 * How to weight classes, in the forms users bring:
 * - `'balanced'` (scikit-learn), or another parameterless spec strategy by name;
 * - a dict `{ label: weight }` or a Map (scikit-learn's dict; classes it leaves out weigh 1);
 * - an array of weights in class order (the spec's manual `weights`);
 * - a spec `class` block (`{ strategy: 'effective_number', beta: 0.999 }`) or a whole weighting spec;
 * - `null` / `undefined`: every class weighs 1 (scikit-learn `class_weight=None`).
 */
export type ClassWeightStrategy<Label extends ClassLabel = ClassLabel> =
  | ClassWeightStrategyName
  | Readonly<Record<string, number>>
  | ReadonlyMap<Label, number>
  | ArrayLike<number>
  | NonNullable<WeightingSpecV1Input['class']>
  | WeightingSpecV1Input
  | WeightingSpec
  | null
  | undefined;

/** Options of {@link computeClassWeights}. */
export interface ComputeClassWeightsOptions<Label extends ClassLabel> {
  /** The classes and their order (scikit-learn `classes`); default the sorted distinct labels. */
  readonly classes?: readonly Label[];
}

/** Class weights aligned with their classes. */
export interface ComputedClassWeights<Label extends ClassLabel = ClassLabel> {
  /** The classes, sorted as scikit-learn's LabelEncoder unless given. */
  readonly classes: readonly Label[];
  /** weights[c] is the weight of classes[c]. */
  readonly weights: Float64Array;
  /** counts[c] = n_c, the number of labels of classes[c]. */
  readonly counts: readonly number[];
  /** The weights by String(label): Keras' `class_weight` dict when labels are class indices. */
  readonly byClass: Readonly<Record<string, number>>;
}

function isWholeSpec(value: object): boolean {
  return 'specVersion' in value;
}

function isClassBlock(value: object): boolean {
  return 'strategy' in value && !isWholeSpec(value);
}

/** Parses a class block or a whole spec; a whole spec must be softmax (one weight per class). */
function classBlockOf(strategy: object): ClassWeightingSpec | undefined {
  const document = isWholeSpec(strategy)
    ? strategy
    : { specVersion: 1, loss: { kind: 'softmax_cross_entropy' }, class: strategy };
  const spec = parseWeightingSpec(document);
  if (spec.loss.kind !== 'softmax_cross_entropy')
    throw new InvalidInputError(
      'strategyOrSpec',
      `a ${spec.loss.kind} spec has no per-class weights; computeClassWeights needs a softmax_cross_entropy spec`,
    );
  return spec.class;
}

/** scikit-learn's dict rule: listed classes take their weight, others 1; unknown keys only matter then. */
function weightsFromDict<Label extends ClassLabel>(
  entries: [string, unknown][],
  classes: readonly Label[],
): Float64Array {
  const byKey = new Map(entries);
  const weights = new Float64Array(classes.length).fill(1);
  const missing: string[] = [];
  classes.forEach((label, index) => {
    const key = String(label);
    if (!byKey.has(key)) missing.push(key);
    else weights[index] = checkFiniteNumber(`strategyOrSpec["${key}"]`, byKey.get(key), { min: 0 });
  });
  const classKeys = new Set(classes.map(String));
  const unknown = entries.map(([key]) => key).filter((key) => !classKeys.has(key));
  if (missing.length > 0 && unknown.length > 0)
    throw new InvalidInputError(
      'strategyOrSpec',
      `the classes ${missing.map((key) => JSON.stringify(key)).join(', ')} are not in the class weights, which name ${unknown
        .map((key) => JSON.stringify(key))
        .join(', ')} instead`,
    );
  return weights;
}

/**
 * Class weights from labels in one call (scikit-learn `compute_class_weight(class_weight, classes=, y=)`):
 * `'balanced'` gives n / (C n_c); a dict gives its weights (1 for classes it leaves out); a spec class
 * block or a whole spec is resolved by core exactly as every trainer resolves it (SPEC "class": clip
 * included, a class schedule's full weight alpha = 1). Labels may be strings or numbers, arrays or
 * typed arrays. Unlike scikit-learn, which raises, a class in `classes` with no labels weighs 0 and
 * counts in C (SPEC "a class with n_c = 0 gets weight 0").
 */
export function computeClassWeights<Label extends ClassLabel>(
  labels: ArrayLike<Label>,
  strategyOrSpec: ClassWeightStrategy<Label>,
  options: ComputeClassWeightsOptions<Label> = {},
): ComputedClassWeights<Label> {
  const { codes, classes } = encodeLabels(labels, options.classes === undefined ? {} : { classes: options.classes });
  const counts = new Array<number>(classes.length).fill(0);
  for (const code of codes) counts[code] = (counts[code] as number) + 1;
  const stats = { kind: 'classes' as const, classCounts: counts };
  const resolve = (block: ClassWeightingSpec | undefined) => {
    if (block === undefined) return new Float64Array(classes.length).fill(1);
    if (block.strategy !== 'manual' && codes.length === 0)
      throw new InvalidInputError('labels', `is empty; the ${block.strategy} strategy needs class counts`);
    return Float64Array.from(resolveSoftmaxClassWeights(block, classes.length, stats));
  };
  let weights: Float64Array;
  const strategy = strategyOrSpec as unknown;
  if (strategy === null || strategy === undefined) weights = new Float64Array(classes.length).fill(1);
  else if (typeof strategy === 'string') {
    if (!strategyNames.includes(strategy))
      throw new InvalidInputError(
        'strategyOrSpec',
        `must be one of ${strategyNames.join(', ')} (or a class block such as { strategy: 'effective_number', beta: 0.999 }), got ${describeValue(strategy)}`,
      );
    weights = resolve(classBlockOf({ strategy }));
  } else if (Array.isArray(strategy) || ArrayBuffer.isView(strategy))
    weights = checkNumberArray('strategyOrSpec', strategy, { length: classes.length, nonNegative: true });
  else if (strategy instanceof Map)
    weights = weightsFromDict(
      [...strategy.entries()].map(([key, value]) => [String(key), value]),
      classes,
    );
  else if (typeof strategy === 'object' && (isWholeSpec(strategy) || isClassBlock(strategy)))
    weights = resolve(classBlockOf(strategy));
  else if (typeof strategy === 'object') weights = weightsFromDict(Object.entries(strategy), classes);
  else
    throw new InvalidInputError(
      'strategyOrSpec',
      `must be 'balanced', a dict of class weights, an array, a spec class block or a spec, got ${describeValue(strategy)}`,
    );
  const byClass: Record<string, number> = {};
  classes.forEach((label, index) => {
    Object.defineProperty(byClass, String(label), {
      value: weights[index],
      enumerable: true,
      writable: true,
      configurable: true,
    });
  });
  return { classes, weights, counts, byClass };
}
