import {
  InvalidInputError,
  parseWeightingSpec,
  planTraining,
  resolveSchedules,
  resolveWeighting,
  sampleWeightStatistics,
} from '@weightspec/core';
import type { ClassStatistics, ClockState, PlannedBatch, WeightingSpec, WeightingSpecInput } from '@weightspec/core';
import type { LayersModel, Optimizer, Scalar, Tensor } from '@tensorflow/tfjs';
import { perSampleArray, statisticsOfTargets } from './tfjs-fit-data.ts';
import { tfjsElementTerms } from './tfjs-element-losses.ts';
import type { Tfjs } from './tfjs-peer.ts';
import { tfjsWeightedLoss } from './tfjs-weighted-loss.ts';

/** Per-epoch numbers fitWeighted reports (and passes to `onEpochEnd`). */
export type WeightedEpochLogs = Record<string, number>;

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
  /** The weighting spec (document or parsed). Its loss must match what the model outputs. */
  readonly spec: WeightingSpecInput;
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
  /** [x, y] or [x, y, sampleWeights]: evaluated after each epoch, weighted and unweighted. */
  readonly validationData?: readonly [Tensor, Tensor] | readonly [Tensor, Tensor, ArrayLike<number>];
  readonly callbacks?: WeightedFitCallbacks;
  /** Defaults to the model's compiled optimizer, else Adam with learning rate 0.01. */
  readonly optimizer?: Optimizer;
}

/** What fitWeighted returns: like tf.History, one list per logged quantity. */
export interface WeightedHistory {
  readonly epoch: number[];
  readonly history: Record<string, number[]>;
}

/** The spec without training-only rules: what weighted validation metrics use. */
function validationSpec(spec: WeightingSpec): WeightingSpec {
  return parseWeightingSpec({
    ...spec,
    adaptive: (spec.adaptive ?? []).filter((rule) => rule.kind === 'focal'),
    curriculum: undefined,
  });
}

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
  y: Tensor,
  options: FitWeightedOptions,
): Promise<WeightedHistory> {
  const spec = parseWeightingSpec(options.spec);
  const epochs = options.epochs ?? 1;
  const batchSize = options.batchSize ?? 32;
  const count = x.shape[0] ?? 0;
  if (!Number.isInteger(epochs) || epochs < 1)
    throw new InvalidInputError('epochs', `must be an integer >= 1, got ${epochs}`);
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new InvalidInputError('batchSize', `must be an integer >= 1, got ${batchSize}`);
  if (count === 0) throw new InvalidInputError('x', 'has no samples');
  if (y.shape[0] !== count) throw new InvalidInputError('y', `has ${y.shape[0]} samples, x has ${count}`);
  const sampleWeights = perSampleArray('sampleWeights', options.sampleWeights, count, true);
  const difficulty = perSampleArray('difficulty', options.difficulty, count, false);
  const outputShape = model.outputs[0]?.shape ?? [];
  const lastAxis = (outputShape[outputShape.length - 1] as number | null) ?? 1;
  const stats = options.stats ?? statisticsOfTargets(spec, y, lastAxis);
  const resolved = resolveWeighting(spec, {
    stats,
    numClasses: lastAxis,
    sampleWeights: sampleWeights ? sampleWeightStatistics(sampleWeights) : null,
  });
  const optimizer = options.optimizer ?? (model.optimizer as Optimizer | undefined) ?? tf.train.adam(0.01);
  const plan = planTraining(spec, resolved, {
    count,
    epochs,
    batchSize,
    seed: options.seed ?? 0,
    shuffle: options.shuffle ?? true,
    difficulty,
  });
  const history: WeightedHistory = { epoch: [], history: {} };
  const callbacks = options.callbacks ?? {};
  const sampleWeightTensor = sampleWeights ? tf.tensor1d(sampleWeights) : null;
  const plainSpec = parseWeightingSpec({
    specVersion: 1,
    loss: spec.loss,
    elements: spec.elements?.maskValue === undefined ? undefined : { maskValue: spec.elements.maskValue },
  });
  const weightedValidationSpec = validationSpec(spec);
  await callbacks.onTrainBegin?.();
  let lastLogs: WeightedEpochLogs = {};
  try {
    for (let epoch = 0; epoch < epochs; epoch += 1) {
      await callbacks.onEpochBegin?.(epoch);
      const start = plan.startEpoch(epoch);
      const rankingLoss = start.needsRanking ? perSampleLoss(tf, spec, start.scheduled, model, x, y, batchSize) : null;
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
            const yb = tf.gather(y, indices);
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
      if (options.validationData)
        Object.assign(
          logs,
          evaluateValidation(
            tf,
            model,
            options.validationData,
            weightedValidationSpec,
            plainSpec,
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
  } finally {
    sampleWeightTensor?.dispose();
  }
  await callbacks.onTrainEnd?.(lastLogs);
  return history;
}

/** The model's mean raw loss per sample over its unmasked elements (difficulty for `difficulty: loss`). */
function perSampleLoss(
  tf: Tfjs,
  spec: WeightingSpec,
  scheduled: ReturnType<typeof resolveSchedules>,
  model: LayersModel,
  x: Tensor,
  y: Tensor,
  batchSize: number,
): Float32Array {
  return tf.tidy(() => {
    const predictions = model.predict(x, { batchSize }) as Tensor;
    const terms = tfjsElementTerms(tf, spec, scheduled, predictions, y);
    const shape = [terms.sampleCount, terms.elementCount];
    const kept = terms.keep.reshape(shape);
    const counts = tf.maximum(kept.sum(1), 1);
    return terms.rawLoss.reshape(shape).sum(1).div(counts).dataSync() as Float32Array;
  });
}

/** Weighted and unweighted validation loss, and accuracy for classification losses. */
function evaluateValidation(
  tf: Tfjs,
  model: LayersModel,
  validationData: NonNullable<FitWeightedOptions['validationData']>,
  weightedSpec: WeightingSpec,
  plainSpec: WeightingSpec,
  resolved: ReturnType<typeof resolveWeighting>,
  clock: ClockState,
  batchSize: number,
): WeightedEpochLogs {
  const [xv, yv, weights] = validationData;
  return tf.tidy(() => {
    const predictions = model.predict(xv, { batchSize }) as Tensor;
    const weighted = tfjsWeightedLoss(
      tf,
      weightedSpec,
      resolveSchedules(weightedSpec, resolved, clock),
      predictions,
      yv,
      { sampleWeights: weights ?? null },
    ).loss;
    const plainResolved = resolveWeighting(plainSpec, {});
    const unweighted = tfjsWeightedLoss(
      tf,
      plainSpec,
      resolveSchedules(plainSpec, plainResolved, clock),
      predictions,
      yv,
    ).loss;
    const logs: WeightedEpochLogs = {
      val_loss: weighted.dataSync()[0] as number,
      val_unweighted_loss: unweighted.dataSync()[0] as number,
    };
    // Accuracy over unmasked elements only (padding does not count).
    const maskValue = weightedSpec.elements?.maskValue;
    const kept = (target: Tensor) =>
      maskValue === undefined ? tf.onesLike(target).toFloat() : tf.notEqual(target, maskValue).toFloat();
    const accuracy = (correct: Tensor, keep: Tensor) =>
      tf
        .sum(correct.mul(keep))
        .div(tf.maximum(tf.sum(keep), 1))
        .dataSync()[0] as number;
    if (weightedSpec.loss.kind === 'softmax_cross_entropy') {
      logs.val_accuracy = accuracy(tf.equal(tf.argMax(predictions, -1), yv.toInt()).toFloat(), kept(yv));
    } else if (weightedSpec.loss.kind === 'sigmoid_cross_entropy') {
      const threshold = weightedSpec.loss.from === 'logits' ? 0 : 0.5;
      const targets = yv.reshape(predictions.shape);
      logs.val_accuracy = accuracy(
        tf.equal(tf.greater(predictions, threshold).toFloat(), targets).toFloat(),
        kept(targets),
      );
    }
    return logs;
  });
}
