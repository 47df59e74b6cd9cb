import type { ClockState } from '../resolve/resolve-schedules.ts';
import type { PlannedBatch, TrainingPlan } from './plan-training.ts';

/** One epoch of a training run as a trainer saw it: its batches' clocks and samples, and who was admitted. */
export interface EpochTrace {
  readonly epoch: number;
  /** The step of each batch, in order. */
  readonly steps: readonly number[];
  /** The sample indices of each batch, in training order. */
  readonly batches: readonly (readonly number[])[];
  /** Every sample that trained this epoch, ascending. */
  readonly admitted: readonly number[];
}

/**
 * Groups batches (as a trainer's `onBatchBegin` reports them, in order) by epoch into plain arrays, so
 * runs of different trainers can be compared with one `toEqual`: same spec, size and seed must give
 * the same trace in tfjs, mljs and onnx.
 */
export function traceBatches(
  batches: readonly { readonly clock: ClockState; readonly indices: ArrayLike<number> }[],
): EpochTrace[] {
  const epochs: { epoch: number; steps: number[]; batches: number[][]; admitted: number[] }[] = [];
  for (const batch of batches) {
    let last = epochs.at(-1);
    if (!last || last.epoch !== batch.clock.epoch) {
      last = { epoch: batch.clock.epoch, steps: [], batches: [], admitted: [] };
      epochs.push(last);
    }
    last.steps.push(batch.clock.step);
    last.batches.push(Array.from(batch.indices));
    last.admitted.push(...Array.from(batch.indices));
  }
  for (const epoch of epochs) epoch.admitted.sort((left, right) => left - right);
  return epochs;
}

/**
 * The trace of a whole plan without a model (for curricula on provided difficulty, or none): what a
 * trainer following the plan must report. A plan that needs a ranking loss cannot be traced here.
 */
export function tracePlan(plan: TrainingPlan): EpochTrace[] {
  const batches: PlannedBatch[] = [];
  for (let epoch = plan.firstEpoch; epoch < plan.totalEpochs; epoch += 1)
    batches.push(...plan.startEpoch(epoch).admit().batches);
  return traceBatches(batches);
}
