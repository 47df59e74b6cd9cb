import type { ClassStatistics, PlannedBatch, ScheduledWeighting, WeightingSpec } from '@weightspec/core';
import {
  checkCallbacks,
  checkNumberArray,
  InvalidInputError,
  planTraining,
  resolveWeighting,
  sampleWeightStatistics,
} from '@weightspec/core';
import { checkRowList, float32Rest } from './onnx-fine-tune-checks.ts';
import type { FineTuneBatch, OnnxFineTuneFitOptions } from './onnx-fine-tuner-types.ts';

/** Raw losses of some rows in inference mode (SPEC pinned rule 5: no weight of any kind). */
export interface FineTuneRawLoss {
  /** Per sample: the mean raw loss over its unmasked elements (0 when all are masked). */
  readonly sampleLoss: Float32Array;
  /** Per loss element, flat in the step graph's element order. */
  readonly elementLoss: Float32Array;
  /** Per loss element: 1 unmasked, 0 masked (SPEC `elements.maskValue`). */
  readonly unmasked: Uint8Array;
}

/** The ONNX mechanics a planned fit drives; the fine-tuner supplies them (createOnnxFineTuner). */
export interface FineTuneFitMechanics {
  readonly spec: WeightingSpec;
  /** Seed of the plan's per-epoch shuffles. */
  readonly seed: number;
  /** Epochs trained by earlier fits: the plan's clock continues from there. */
  readonly firstEpoch: number;
  /** C: the output's width (classes for softmax CE). */
  readonly numClasses: number;
  /** Class counts of the targets (unmasked elements), or null when the loss has no classes. */
  classCounts(targets: FineTuneBatch['targets']): ClassStatistics | null;
  /** Raw losses of rows `indices` of the data (element weights given with the data, indexed like features). */
  rawLoss(indices: Int32Array, scheduled: ScheduledWeighting): Promise<FineTuneRawLoss>;
  /** One optimizer step on rows `indices` with per-sample `rest` weights and per-element factors; returns its loss. */
  step(
    indices: Int32Array,
    rest: Float32Array,
    scheduled: ScheduledWeighting,
    elementFactors: Float32Array | null,
  ): Promise<number>;
}

/**
 * Per-element factors of a batch's loss-dependent rules from core's plan (`plan.lossFactors`), over the
 * unmasked elements only: SPEC pinned rule 5 ranks unmasked elements for hard mining (k counts them
 * alone). Order is kept, so ties still go to the lower flat index. Masked elements get 0 (their
 * keep is 0 anyway).
 */
export function unmaskedLossFactors(
  lossFactors: (rawLoss: ArrayLike<number>) => Float64Array,
  rawLoss: FineTuneRawLoss,
): Float32Array {
  const positions: number[] = [];
  rawLoss.unmasked.forEach((keep, position) => {
    if (keep) positions.push(position);
  });
  const factors = new Float32Array(rawLoss.elementLoss.length);
  const compact = lossFactors(positions.map((position) => rawLoss.elementLoss[position] as number));
  positions.forEach((position, slot) => {
    factors[position] = compact[slot] as number;
  });
  return factors;
}

/**
 * Fits with core's training plan (planTraining), so the fine-tuner trains exactly as createOnnxTrainer
 * and the tfjs and ml.js trainers do: the plan owns the clock (SPEC "clock": steps left out by a
 * curriculum still count), the seeded per-epoch shuffles, the batches, curriculum admission (ranking
 * by the model's raw loss at each epoch's start for `difficulty: loss`) and the hard-mining and
 * self-paced factors; this function only turns each planned batch into ONNX runs.
 */
export async function fitWithPlan(
  mechanics: FineTuneFitMechanics,
  features: readonly ArrayLike<number>[],
  targets: FineTuneBatch['targets'],
  options: OnnxFineTuneFitOptions,
): Promise<{ losses: number[]; totalEpochs: number; totalSteps: number }> {
  const { spec } = mechanics;
  const count = features.length;
  if (count === 0) throw new InvalidInputError('features', 'has no rows');
  if (targets.length !== count)
    throw new InvalidInputError('targets', `has ${targets.length} entries for ${count} rows`);
  const sampleWeights = options.sampleWeights ?? null;
  if (sampleWeights) checkNumberArray('sampleWeights', sampleWeights, { length: count, nonNegative: true });
  if (options.elementWeights != null) checkRowList('elementWeights', options.elementWeights);
  checkCallbacks(options, ['onProgress', 'onBatchBegin']);
  const resolved = resolveWeighting(spec, {
    stats: options.stats ?? mechanics.classCounts(targets),
    numClasses: mechanics.numClasses,
    sampleWeights: sampleWeights ? sampleWeightStatistics(sampleWeights) : null,
  });
  const plan = planTraining(spec, resolved, {
    count,
    epochs: options.epochs,
    batchSize: options.batchSize,
    seed: mechanics.seed,
    difficulty: options.difficulty ?? null,
    firstEpoch: mechanics.firstEpoch,
  });
  const every = Int32Array.from({ length: count }, (_, index) => index);
  const losses: number[] = [];
  for (let epoch = plan.firstEpoch; epoch < plan.totalEpochs; epoch += 1) {
    const start = plan.startEpoch(epoch);
    const ranking = start.needsRanking ? (await mechanics.rawLoss(every, start.scheduled)).sampleLoss : null;
    const planned = start.admit(ranking);
    const curriculum = planned.curriculumWeights;
    let lossSum = 0;
    for (const batch of planned.batches) {
      options.onBatchBegin?.(batch);
      const rest = float32Rest(
        spec,
        Float64Array.from(
          batch.indices,
          (row) =>
            (sampleWeights ? (sampleWeights[row] as number) * resolved.sampleWeightScale : 1) *
            (curriculum ? (curriculum[row] as number) : 1),
        ),
      );
      const factors = batch.needsLoss
        ? await batchFactors(mechanics, (planned, loss) => plan.lossFactors(planned, loss), batch)
        : null;
      lossSum += await mechanics.step(batch.indices, rest, batch.scheduled, factors);
    }
    const epochLoss = planned.batches.length === 0 ? 0 : lossSum / planned.batches.length;
    losses.push(epochLoss);
    options.onProgress?.({
      epoch,
      totalEpochs: plan.totalEpochs,
      loss: epochLoss,
      admittedSamples: planned.admittedSamples,
      effectiveWeight: planned.effectiveWeight,
    });
  }
  return { losses, totalEpochs: plan.totalEpochs, totalSteps: plan.totalSteps };
}

/** The batch's hard-mining and self-paced factors from its raw losses (one inference-mode run). */
async function batchFactors(
  mechanics: FineTuneFitMechanics,
  lossFactors: (batch: PlannedBatch, rawLoss: ArrayLike<number>) => Float64Array,
  batch: PlannedBatch,
): Promise<Float32Array> {
  const raw = await mechanics.rawLoss(batch.indices, batch.scheduled);
  return unmaskedLossFactors((loss) => lossFactors(batch, loss), raw);
}
