import type { ClockState } from '../resolve/resolve-schedules.ts';
import { resolveWeighting } from '../resolve/resolve-weighting.ts';
import { parseWeightingSpec } from '../spec/parse-weighting-spec.ts';
import { countClasses } from '../stats/class-statistics.ts';
import { planTraining } from './plan-training.ts';
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

/** A run described by its data: what {@link tracePlannedRun} plans (class counts come from `labels`). */
export interface PlannedRun {
  readonly spec: unknown;
  readonly labels: readonly number[];
  readonly difficulty?: readonly number[] | null;
  readonly epochs: number;
  readonly seed: number;
}

/**
 * The trace every trainer must report for `run` at `batchSize`: the spec parsed and resolved on the
 * run's class counts (C = the largest label + 1), planned and traced.
 */
export function tracePlannedRun(run: PlannedRun, batchSize: number): EpochTrace[] {
  const spec = parseWeightingSpec(run.spec);
  const numClasses = Math.max(...run.labels) + 1;
  const resolved = resolveWeighting(spec, { stats: countClasses(run.labels, numClasses), numClasses });
  return tracePlan(
    planTraining(spec, resolved, {
      count: run.labels.length,
      epochs: run.epochs,
      batchSize,
      seed: run.seed,
      difficulty: run.difficulty ?? null,
    }),
  );
}
