import {
  InvalidInputError,
  checkClassLabels,
  checkNumberArray,
  countClasses,
  countLabels,
  describeValue,
  encodeLabels,
  parseWeightingSpec,
} from '@weightspec/core';
import type { ClassLabel, ClassStatistics, WeightingSpec, WeightingSpecInput } from '@weightspec/core';
import type { LayersModel, Tensor } from '@tensorflow/tfjs';
import type { Tfjs } from './tfjs-peer.ts';

/** Class statistics of training targets for the spec's loss (softmax: class counts; sigmoid: per label). */
export function statisticsOfTargets(
  spec: WeightingSpec,
  targets: Tensor,
  predictionsLastAxis: number,
): ClassStatistics | null {
  const values = targets.dataSync();
  const maskValue = spec.elements?.maskValue;
  const masked =
    maskValue === undefined ? undefined : Uint8Array.from(values, (value) => (value === maskValue ? 1 : 0));
  if (spec.loss.kind === 'softmax_cross_entropy') return countClasses(values, predictionsLastAxis, masked);
  if (spec.loss.kind === 'sigmoid_cross_entropy') return countLabels(values, predictionsLastAxis, masked);
  return null;
}

/** The activation the model's last layer applies (`softmax`, `sigmoid`, `linear`, ...), if it says. */
function lastActivation(model: LayersModel): string | null {
  const layer = model.layers.at(-1);
  if (!layer) return null;
  if (layer.getClassName() === 'Softmax') return 'softmax';
  const activation = (layer.getConfig() as { activation?: unknown }).activation;
  return typeof activation === 'string' ? activation : null;
}

/**
 * The spec fitWeighted trains with. No spec means unweighted, with the loss the model's output asks
 * for (Keras' habit): softmax output gives softmax cross-entropy on probabilities, sigmoid output
 * sigmoid cross-entropy on probabilities, a linear output with class-index targets softmax
 * cross-entropy on logits. A classification spec `from: "logits"` on a model that ends in softmax or
 * sigmoid would apply it twice: a typed error that says how to fix it.
 */
export function specForModel(
  model: LayersModel,
  spec: WeightingSpecInput | null | undefined,
  y: Tensor,
): WeightingSpec {
  const activation = lastActivation(model);
  const outputRank = model.outputs[0]?.shape.length ?? 2;
  if (spec == null) {
    if (activation === 'softmax' || activation === 'sigmoid')
      return parseWeightingSpec({
        specVersion: 1,
        loss: {
          kind: activation === 'softmax' ? 'softmax_cross_entropy' : 'sigmoid_cross_entropy',
          from: 'probabilities',
        },
      });
    if (y.rank === outputRank - 1)
      return parseWeightingSpec({ specVersion: 1, loss: { kind: 'softmax_cross_entropy' } });
    throw new InvalidInputError(
      'spec',
      'is required for this model: its last layer is linear and the targets are shaped like its output, so the loss cannot be inferred',
    );
  }
  const parsed = parseWeightingSpec(spec);
  const loss = parsed.loss;
  const classifies = loss.kind === 'softmax_cross_entropy' || loss.kind === 'sigmoid_cross_entropy';
  if (classifies && loss.from === 'logits' && (activation === 'softmax' || activation === 'sigmoid'))
    throw new InvalidInputError(
      'spec.loss.from',
      `is "logits" (the default), but the model's last layer applies ${activation}, so the loss would apply it ` +
        `twice. Set loss.from to "probabilities", or make the last layer linear (activation: "linear")`,
    );
  return parsed;
}

/** Elements checked per chunk by checkFiniteTensor (4 MB of float32): its temporaries stay this small. */
const FINITE_CHECK_CHUNK_ELEMENTS = 1 << 20;

/**
 * Throws naming the first non-finite value of a tensor (row and flat position). Rows are checked in
 * chunks of about FINITE_CHECK_CHUNK_ELEMENTS values, so the check's temporaries (a float copy, a
 * boolean mask) never scale with the data set: on 1.5 million rows of 8 features, one whole-tensor
 * check had made about 50 MB of them at the start of fitting.
 */
export function checkFiniteTensor(
  tf: Tfjs,
  field: string,
  tensor: Tensor,
  options: { nonNegative?: boolean } = {},
): void {
  const rows = tensor.rank === 0 ? 1 : (tensor.shape[0] ?? 1);
  const rowSize = rows === 0 ? 1 : Math.max(1, tensor.size / rows);
  const chunkRows = Math.max(1, Math.floor(FINITE_CHECK_CHUNK_ELEMENTS / rowSize));
  const bad = (value: number) => !Number.isFinite(value) || (options.nonNegative === true && value < 0);
  for (let first = 0; first < rows; first += chunkRows) {
    const count = Math.min(chunkRows, rows - first);
    const part = () => (tensor.rank === 0 ? tensor : tf.slice(tensor, first, count));
    const ok = tf.tidy(() => {
      const asFloat = part().toFloat();
      const finite = tf.isFinite(asFloat);
      const good = options.nonNegative ? tf.logicalAnd(finite, tf.greaterEqual(asFloat, 0)) : finite;
      return tf.all(good).dataSync()[0] === 1;
    });
    if (ok) continue;
    const values = tf.tidy(() => part().dataSync());
    const offset = values.findIndex((value) => bad(value as number));
    const index = first * rowSize + offset;
    throw new InvalidInputError(
      `${field}[${Math.floor(index / rowSize)}]`,
      `must hold finite numbers${options.nonNegative ? ' >= 0' : ''} within float32's range, got ${describeValue(values[offset])} at flat position ${index}`,
    );
  }
}

/** Targets ready for the loss: class indices for softmax (one-hot rows converted), else as given. */
export interface CheckedTargets {
  readonly y: Tensor;
  /** True when `y` was made here (the caller disposes it). */
  readonly owned: boolean;
}

/**
 * Checks targets against the spec and the model's output [.., C] (SPEC "Bad input"): softmax takes
 * class indices in [0, C) (maskValue exempt) or one-hot rows shaped like the output (Keras'
 * categorical targets, turned into indices here); sigmoid takes values in [0, 1] shaped like the
 * output; regression losses take finite values. Checked whether or not `stats` is given.
 */
export function checkTargets(
  tf: Tfjs,
  spec: WeightingSpec,
  model: LayersModel,
  y: Tensor,
  field: string,
): CheckedTargets {
  const outputShape = model.outputs[0]?.shape ?? [];
  const classes = (outputShape.at(-1) as number | null) ?? 1;
  const maskValue = spec.elements?.maskValue ?? null;
  if (spec.loss.kind === 'softmax_cross_entropy') {
    if (classes < 2)
      throw new InvalidInputError(
        'model',
        `outputs ${classes} value per sample; softmax_cross_entropy needs C >= 2 outputs (one per class). ` +
          'For one yes/no output use sigmoid_cross_entropy',
      );
    if (y.rank === outputShape.length && y.shape.at(-1) === classes) {
      const values = y.dataSync();
      for (let row = 0; row < values.length / classes; row += 1) {
        let sum = 0;
        for (let k = 0; k < classes; k += 1) {
          const value = values[row * classes + k] as number;
          if (value !== 0 && value !== 1)
            throw new InvalidInputError(`${field}[${row}]`, `one-hot targets hold 0 or 1, got ${describeValue(value)}`);
          sum += value;
        }
        if (sum !== 1) throw new InvalidInputError(`${field}[${row}]`, `a one-hot row has exactly one 1, got ${sum}`);
      }
      return { y: tf.tidy(() => tf.argMax(y, -1).toFloat()), owned: true };
    }
    if (y.rank !== outputShape.length - 1)
      throw new InvalidInputError(
        field,
        `has shape [${y.shape}]; softmax_cross_entropy takes class indices shaped like the output without its last axis, or one-hot rows shaped like the output [${outputShape}]`,
      );
    checkClassLabels(field, y.dataSync(), { numClasses: classes, maskValue });
    return { y, owned: false };
  }
  const values = checkNumberArray(field, y.dataSync(), { float32: true });
  if (spec.loss.kind === 'sigmoid_cross_entropy')
    values.forEach((value, index) => {
      if (value !== maskValue && !(value >= 0 && value <= 1))
        throw new InvalidInputError(`${field}[${index}]`, `sigmoid targets lie in [0, 1], got ${describeValue(value)}`);
    });
  return { y, owned: false };
}

/**
 * Labels as users hold them (strings or numbers) with an optional class list, encoded as class indices
 * (core's encodeLabels: scikit-learn's LabelEncoder order unless `classes` is given).
 */
export function encodeTargetLabels(
  tf: Tfjs,
  labels: readonly ClassLabel[],
  classes: readonly ClassLabel[] | undefined,
): { y: Tensor; readonly classes: readonly ClassLabel[] } {
  const encoded = encodeLabels(labels, classes ? { classes } : {});
  return { y: tf.tensor1d(Float32Array.from(encoded.codes)), classes: encoded.classes };
}

/** Checks a per-sample array (weights or difficulty): length N, finite, within float32 (weights also >= 0). */
export function perSampleArray(
  name: string,
  values: ArrayLike<number> | null | undefined,
  count: number,
  nonNegative: boolean,
): Float32Array | null {
  if (values == null) return null;
  return Float32Array.from(checkNumberArray(name, values, { length: count, nonNegative, float32: true }));
}
