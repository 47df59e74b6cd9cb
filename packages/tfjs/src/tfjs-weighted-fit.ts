import {
  InvalidInputError,
  checkCallbacks,
  checkOptionsObject,
  checkPositiveInteger,
  describeValue,
  planTraining,
  resolveWeighting,
  sampleWeightStatistics,
} from '@weightspec/core';
import type { ClassLabel, ClassStatistics, PlannedBatch, WeightingSpec, WeightingSpecInput } from '@weightspec/core';
import type { LayersModel, Optimizer, Scalar, Tensor } from '@tensorflow/tfjs';
import {
  checkFiniteTensor,
  checkTargets,
  encodeTargetLabels,
  perSampleArray,
  specForModel,
  statisticsOfTargets,
} from './tfjs-fit-data.ts';
import { evaluateValidation, plainSpec, validationSpec } from './tfjs-fit-validation.ts';
import type { CheckedValidation, WeightedEpochLogs } from './tfjs-fit-validation.ts';

export type { WeightedEpochLogs } from './tfjs-fit-validation.ts';
import type { Tfjs } from './tfjs-peer.ts';
import { perSampleLossInChunks } from './tfjs-ranking-loss.ts';
import { tfjsWeightedLoss } from './tfjs-weighted-loss.ts';

/** Callbacks in the style of tfjs-layers' CustomCallbackArgs. */
export interface WeightedFitCallbacks {
  onTrainBegin?: () => void | Promise<void>;
  onEpochBegin?: (epoch: number) => void | Promise<void>;
  /** Before each batch: its index in the epoch and the plan's batch (clock, sample indices, schedules). */
  onBatchBegin?: (batch: number, planned: PlannedBatch) => void | Promise<void>;
  onBatchEnd?: (batch: number, logs: { loss: number; size: number }) => void | Promise<void>;
  onEpochEnd?: (epoch: number, logs: WeightedEpochLogs) => void | Promise<void>;
  onTrainEnd?: (logs: WeightedEpochLogs) => void | Promise<void>;
}

/** Options of fitWeighted: model.fit's, plus the spec and the per-sample data it reads. */
export interface FitWeightedOptions {
  /**
   * The weighting spec (document or parsed). Its loss must match what the model outputs; omitted
   * trains unweighted with the loss the output layer implies (softmax or sigmoid on probabilities,
   * softmax on logits for a linear output with class-index targets).
   */
  readonly spec?: WeightingSpecInput | null;
  /** The class list when `y` is an array of labels (strings or numbers); default: the sorted distinct labels. */
  readonly classes?: readonly ClassLabel[];
  readonly epochs?: number;
  readonly batchSize?: number;
  readonly shuffle?: boolean;
  /** Seed of the shuffle (default 0). */
  readonly seed?: number;
  /** Per-sample weights [N] for the spec's `sample` block. */
  readonly sampleWeights?: ArrayLike<number> | null;
  /** Per-element weights [N,E]. */
  readonly elementWeights?: Tensor | null;
  /** Per-sample difficulty [N] for `curriculum.difficulty: provided`. */
  readonly difficulty?: ArrayLike<number> | null;
  /** Class counts of the full training set (default: counted from `y`). */
  readonly stats?: ClassStatistics | null;
  /**
   * [x, y] or [x, y, sampleWeights] (targets as for training: indices or one-hot): evaluated after each
   * epoch, weighted and unweighted (Keras `metrics` and `weighted_metrics`).
   */
  readonly validationData?: readonly [Tensor, Tensor] | readonly [Tensor, Tensor, ArrayLike<number>];
  readonly callbacks?: WeightedFitCallbacks;
  /** Defaults to the model's compiled optimizer, else Adam with learning rate 0.01. */
  readonly optimizer?: Optimizer;
}

/** What fitWeighted returns: like tf.History, one list per logged quantity. */
export interface WeightedHistory {
  readonly epoch: number[];
  readonly history: Record<string, number[]>;
  /** The class list labels were encoded with (`classes[index]` decodes a prediction); null for tensor targets. */
  readonly classes: readonly ClassLabel[] | null;
}

/** The callbacks `fitWeighted` calls, each checked to be a function when given. */
const WEIGHTED_FIT_CALLBACKS = [
  'onTrainBegin',
  'onEpochBegin',
  'onBatchBegin',
  'onBatchEnd',
  'onEpochEnd',
  'onTrainEnd',
] as const;

/**
 * Trains a tfjs-layers model like `model.fit`, but honouring a whole weighting spec, which
 * `model.fit` cannot ("sample weight is not supported yet."): sample, class (with schedules) and
 * element weights, masks for sequence outputs, focal / hard-mining / self-paced rules per batch, and a
 * curriculum ranked over the whole training set at the start of each epoch (difficulty given, or the
 * model's own per-sample loss). Seeded shuffling; one `tf.tidy` per batch, so no tensors leak.
 */
export async function fitWeighted(
  tf: Tfjs,
  model: LayersModel,
  x: Tensor,
  y: Tensor | readonly ClassLabel[],
  givenOptions?: FitWeightedOptions,
): Promise<WeightedHistory> {
  const options = checkOptionsObject('options', givenOptions, true);
  checkCallbacks(checkOptionsObject('callbacks', options.callbacks, true), WEIGHTED_FIT_CALLBACKS, 'callbacks.');
  if (
    typeof model !== 'object' ||
    model === null ||
    typeof (model as { predict?: unknown }).predict !== 'function' ||
    !Array.isArray((model as { outputs?: unknown }).outputs)
  )
    throw new InvalidInputError(
      'model',
      `must be a tf.LayersModel (tf.sequential() or tf.model()), got ${describeValue(model)}`,
    );
  const epochs = checkPositiveInteger('epochs', options.epochs ?? 1);
  const batchSize = checkPositiveInteger('batchSize', options.batchSize ?? 32);
  if (!(x instanceof tf.Tensor)) throw new InvalidInputError('x', `must be a tf.Tensor, got ${describeValue(x)}`);
  const count = x.shape[0] ?? 0;
  if (count === 0) throw new InvalidInputError('x', 'has no samples');
  checkFiniteTensor(tf, 'x', x);
  // Everything made from here on is disposed when fitting ends, by success or by a typed error.
  const made: { dispose(): void }[] = [];
  try {
    return await fitChecked(tf, model, x, y, options, { epochs, batchSize, count, made });
  } finally {
    for (const item of made) item.dispose();
  }
}

/** fitWeighted once x, epochs and batch size are checked; records what it makes in `made`. */
async function fitChecked(
  tf: Tfjs,
  model: LayersModel,
  x: Tensor,
  y: Tensor | readonly ClassLabel[],
  options: FitWeightedOptions,
  run: { epochs: number; batchSize: number; count: number; made: { dispose(): void }[] },
): Promise<WeightedHistory> {
  const { epochs, batchSize, count, made } = run;
  const labels = Array.isArray(y) ? encodeTargetLabels(tf, y as readonly ClassLabel[], options.classes) : null;
  if (labels) made.push(labels.y);
  const givenTargets = labels ? labels.y : (y as Tensor);
  if (!(givenTargets instanceof tf.Tensor))
    throw new InvalidInputError('y', `must be a tf.Tensor or an array of labels, got ${describeValue(y)}`);
  if (givenTargets.shape[0] !== count)
    throw new InvalidInputError('y', `has ${givenTargets.shape[0]} samples, x has ${count}`);
  const spec = specForModel(model, options.spec, givenTargets);
  if (labels && spec.loss.kind === 'sigmoid_cross_entropy') {
    labels.y = labelsAsMultiHot(tf, model, labels);
    made.push(labels.y);
  }
  const targets = checkTargets(tf, spec, model, labels ? labels.y : givenTargets, 'y');
  if (targets.owned) made.push(targets.y);
  const sampleWeights = perSampleArray('sampleWeights', options.sampleWeights, count, true);
  const difficulty = perSampleArray('difficulty', options.difficulty, count, false);
  if (options.elementWeights) {
    if (options.elementWeights.shape[0] !== count)
      throw new InvalidInputError('elementWeights', `has ${options.elementWeights.shape[0]} samples, x has ${count}`);
    checkFiniteTensor(tf, 'elementWeights', options.elementWeights, { nonNegative: true });
  }
  const validation = options.validationData ? checkValidation(tf, spec, model, options.validationData) : null;
  if (validation?.owned) made.push(validation.y);
  const outputShape = model.outputs[0]?.shape ?? [];
  const lastAxis = (outputShape[outputShape.length - 1] as number | null) ?? 1;
  const y0 = targets.y;
  const stats = options.stats ?? statisticsOfTargets(spec, y0, lastAxis);
  const resolved = resolveWeighting(spec, {
    stats,
    numClasses: lastAxis,
    sampleWeights: sampleWeights ? sampleWeightStatistics(sampleWeights) : null,
  });
  const plan = planTraining(spec, resolved, {
    count,
    epochs,
    batchSize,
    seed: options.seed ?? 0,
    shuffle: options.shuffle ?? true,
    difficulty,
  });
  // An optimizer made here is disposed here (its Adam moments are tensors: 10 per dense model).
  const ownOptimizer = options.optimizer || model.optimizer ? null : tf.train.adam(0.01);
  if (ownOptimizer) made.push(ownOptimizer);
  const optimizer = options.optimizer ?? (model.optimizer as Optimizer | undefined) ?? (ownOptimizer as Optimizer);
  const history: WeightedHistory = { epoch: [], history: {}, classes: labels?.classes ?? null };
  const callbacks = options.callbacks ?? {};
  const sampleWeightTensor = sampleWeights ? tf.tensor1d(sampleWeights) : null;
  if (sampleWeightTensor) made.push(sampleWeightTensor);
  const unweightedSpec = plainSpec(spec);
  const weightedValidationSpec = validationSpec(spec);
  const failsOnNaN = spec.reduction?.zeroDenominator !== 'nan';
  await callbacks.onTrainBegin?.();
  let lastLogs: WeightedEpochLogs = {};
  for (let epoch = 0; epoch < epochs; epoch += 1) {
    await callbacks.onEpochBegin?.(epoch);
    const start = plan.startEpoch(epoch);
    const rankingLoss = start.needsRanking
      ? perSampleLossInChunks(tf, spec, start.scheduled, model, { x, y: y0 })
      : null;
    const planned = start.admit(rankingLoss);
    const curriculumTensor = planned.curriculumWeights
      ? tf.tensor1d(Float32Array.from(planned.curriculumWeights))
      : null;
    let lossSum = 0;
    try {
      for (const batch of planned.batches) {
        await callbacks.onBatchBegin?.(batch.index, batch);
        const batchLoss = tf.tidy(() => {
          const indices = tf.tensor1d(batch.indices, 'int32');
          const xb = tf.gather(x, indices);
          const yb = tf.gather(y0, indices);
          const extras = {
            sampleWeights: sampleWeightTensor ? tf.gather(sampleWeightTensor, indices) : null,
            elementWeights: options.elementWeights ? tf.gather(options.elementWeights, indices) : null,
            curriculumWeights: curriculumTensor ? tf.gather(curriculumTensor, indices) : null,
          };
          const predict = () => model.apply(xb, { training: true }) as Tensor;
          const cost = optimizer.minimize(
            () => tfjsWeightedLoss(tf, spec, batch.scheduled, predict(), yb, extras).loss,
            true,
          );
          return (cost as Scalar).dataSync()[0] as number;
        });
        if (failsOnNaN && !Number.isFinite(batchLoss))
          throw new InvalidInputError(
            'training',
            `batch ${batch.index} of epoch ${epoch} gave a loss of ${batchLoss}; scale the inputs or the weights down, or lower the learning rate`,
          );
        lossSum += batchLoss;
        await callbacks.onBatchEnd?.(batch.index, { loss: batchLoss, size: batch.indices.length });
      }
    } finally {
      curriculumTensor?.dispose();
    }
    const batches = planned.batches.length;
    const logs: WeightedEpochLogs = {
      loss: batches === 0 ? 0 : lossSum / batches,
      admittedSamples: planned.admittedSamples,
      meanCurriculumWeight: planned.effectiveWeight / count,
    };
    if (validation)
      Object.assign(
        logs,
        evaluateValidation(
          tf,
          model,
          validation,
          weightedValidationSpec,
          unweightedSpec,
          resolved,
          planned.clock,
          batchSize,
        ),
      );
    history.epoch.push(epoch);
    for (const [key, value] of Object.entries(logs)) {
      const series = history.history[key] ?? [];
      series.push(value);
      history.history[key] = series;
    }
    lastLogs = logs;
    await callbacks.onEpochEnd?.(epoch, logs);
  }
  await callbacks.onTrainEnd?.(lastLogs);
  return history;
}

/** Checks validation data like the training data; one-hot targets become indices (owned: disposed by the caller). */
function checkValidation(
  tf: Tfjs,
  spec: WeightingSpec,
  model: LayersModel,
  data: NonNullable<FitWeightedOptions['validationData']>,
): CheckedValidation & { owned: boolean } {
  const [xv, yv, weights] = data;
  if (!(xv instanceof tf.Tensor) || !(yv instanceof tf.Tensor))
    throw new InvalidInputError('validationData', 'must be [x, y] or [x, y, sampleWeights] with tensors x and y');
  const count = xv.shape[0] ?? 0;
  if (count === 0) throw new InvalidInputError('validationData[0]', 'has no samples');
  if (yv.shape[0] !== count)
    throw new InvalidInputError('validationData[1]', `has ${yv.shape[0]} samples, x has ${count}`);
  checkFiniteTensor(tf, 'validationData[0]', xv);
  // Weights first: checkTargets may make a tensor, and nothing may throw after it.
  const sampleWeights = perSampleArray('validationData[2]', weights, count, true);
  const targets = checkTargets(tf, spec, model, yv, 'validationData[1]');
  return { x: xv, y: targets.y, owned: targets.owned, sampleWeights };
}

/** Labels for a sigmoid output [N, K]: one 1 per row at the label's class, so K must be the class count. */
function labelsAsMultiHot(tf: Tfjs, model: LayersModel, labels: { y: Tensor; classes: readonly ClassLabel[] }): Tensor {
  const outputs = (model.outputs[0]?.shape.at(-1) as number | null) ?? 1;
  if (labels.classes.length !== outputs)
    throw new InvalidInputError(
      'classes',
      `names ${labels.classes.length} classes, the model outputs ${outputs} labels`,
    );
  return tf.tidy(() => tf.oneHot(labels.y.toInt(), outputs).toFloat());
}
