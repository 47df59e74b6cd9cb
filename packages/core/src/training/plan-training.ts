import { InvalidInputError } from '../errors/invalid-input-error.ts';
import { createSeededRandom, shuffleInPlace } from '../random/seeded-random.ts';
import { referenceCurriculumWeights } from '../reference/reference-selection.ts';
import { hardMiningKeepCount, resolveSchedules } from '../resolve/resolve-schedules.ts';
import type { ClockState, ScheduledWeighting } from '../resolve/resolve-schedules.ts';
import type { ResolvedWeighting } from '../resolve/resolve-weighting.ts';
import { markLargest } from '../selection/mark-largest.ts';
import type { WeightingSpec } from '../spec/parse-weighting-spec.ts';
import { checkFiniteNumber, checkNumberArray, checkPositiveInteger } from '../validate/input-validators.ts';

/** What a training run looks like from outside the framework: sizes, seed, where it resumes. */
export interface TrainingPlanOptions {
  /** M: training samples (rows). */
  readonly count: number;
  /** Epochs this run trains. */
  readonly epochs: number;
  /** Samples per batch; `count` (or more) gives one full batch per epoch, as ml.js trains. */
  readonly batchSize: number;
  /** Seed of the per-epoch shuffles (default 0). */
  readonly seed?: number;
  /** Shuffle the admitted samples each epoch (default true; one full batch is never shuffled). */
  readonly shuffle?: boolean;
  /** Per-sample difficulty d_i for `curriculum.difficulty: provided`, length `count`. */
  readonly difficulty?: ArrayLike<number> | null;
  /** Epochs already trained by an earlier run (a resumed trainer); the clock continues from there. */
  readonly firstEpoch?: number;
}

/** One batch of an epoch: which samples, at which clock. */
export interface PlannedBatch {
  /** 0-based batch index within the epoch. */
  readonly index: number;
  /** The clock of this batch: its epoch and its own step (SPEC "clock"). */
  readonly clock: ClockState;
  /** Sample indices of this batch, in training order. */
  readonly indices: Int32Array;
  /** The spec's schedules at this batch's clock. */
  readonly scheduled: ScheduledWeighting;
  /** Hard mining or self-paced rules need this batch's raw per-element loss (see `lossFactors`). */
  readonly needsLoss: boolean;
}

/** An epoch once its samples are admitted: the curriculum's weights, the order, the batches. */
export interface EpochPlan {
  readonly epoch: number;
  /** The clock at the epoch's first step. */
  readonly clock: ClockState;
  /** The schedules at the epoch's start (what the curriculum used). */
  readonly scheduled: ScheduledWeighting;
  /** Per-sample curriculum weights [count] (0, 1, or between for `soft`); null without a curriculum. */
  readonly curriculumWeights: Float64Array | null;
  /** Samples with a curriculum weight > 0, in training order (shuffled when the plan shuffles). */
  readonly order: Int32Array;
  /** order.length. */
  readonly admittedSamples: number;
  /** Sum of the curriculum weights (`count` without a curriculum). */
  readonly effectiveWeight: number;
  readonly batches: readonly PlannedBatch[];
}

/** An epoch before admission: the adapter computes a ranking loss first when `needsRanking`. */
export interface EpochStart {
  readonly epoch: number;
  readonly clock: ClockState;
  readonly scheduled: ScheduledWeighting;
  /** `curriculum.difficulty: loss`: call `admit` with the model's per-sample raw loss over all samples. */
  readonly needsRanking: boolean;
  /** Admits samples (ranking them by `rankingLoss` when `needsRanking`), shuffles and batches them. */
  admit(rankingLoss?: ArrayLike<number> | null): EpochPlan;
}

/** The training policy of a spec for one run, shared by every trainer (tfjs, mljs, onnx). */
export interface TrainingPlan {
  readonly spec: WeightingSpec;
  readonly count: number;
  readonly batchSize: number;
  /** ceil(count / batchSize): steps per epoch, also for epochs whose curriculum admits fewer samples. */
  readonly stepsPerEpoch: number;
  /** First epoch of this run (0 unless resumed). */
  readonly firstEpoch: number;
  /** firstEpoch + epochs: the clock's totalEpochs. */
  readonly totalEpochs: number;
  /** totalEpochs * stepsPerEpoch: the clock's totalSteps. */
  readonly totalSteps: number;
  /** The curriculum ranks by the model's loss at each epoch's start. */
  readonly needsRanking: boolean;
  /** Some batch needs its raw loss (hard mining, self-paced). */
  readonly needsBatchLoss: boolean;
  /** Nothing varies per epoch but the clock: no curriculum, no shuffle, no loss-dependent rule. */
  readonly isStatic: boolean;
  /** Starts epoch `epoch` (firstEpoch <= epoch < totalEpochs). */
  startEpoch(epoch: number): EpochStart;
  /**
   * Per-element factors of the loss-dependent rules for one batch, in spec order (SPEC "adaptive"):
   * hard mining keeps the k largest raw losses (ties: lower flat index), self-paced multiplies by
   * 1[l < lambda] or max(0, 1 - l/lambda). `rawLoss` is the batch's raw loss, flat.
   */
  lossFactors(batch: PlannedBatch, rawLoss: ArrayLike<number>): Float64Array;
}

/** The shuffle seed of one epoch: each epoch's order depends only on (seed, epoch), so a resumed run matches. */
function epochSeed(seed: number, epoch: number): number {
  return (seed + Math.imul(epoch + 1, 0x9e3779b9)) >>> 0;
}

/** Does any of the spec's schedules read the step counter (so the schedules can move inside an epoch)? */
function readsSteps(spec: WeightingSpec): boolean {
  if (spec.class?.schedule?.unit === 'step') return true;
  return (spec.adaptive ?? []).some((rule) => rule.kind === 'self_paced' && rule.unit === 'step');
}

/**
 * Plans a training run from a parsed spec and its resolution (SPEC "clock", "curriculum", "adaptive"):
 * epoch e's step s has clock {epoch e, step e * stepsPerEpoch + s, totalEpochs, totalSteps}, so steps
 * the curriculum leaves out still advance the clock; the curriculum ranks all samples at each epoch's
 * start (difficulty given, or the model's loss fed back by the adapter) and admits them as SPEC says;
 * the admitted samples are shuffled with a seeded per-epoch stream and cut into batches. Adapters only
 * turn each batch into a loss and a gradient with their framework.
 */
export function planTraining(
  spec: WeightingSpec,
  resolved: ResolvedWeighting,
  options: TrainingPlanOptions,
): TrainingPlan {
  const count = checkPositiveInteger('count', options.count);
  const epochs = checkPositiveInteger('epochs', options.epochs);
  const batchSize = checkPositiveInteger('batchSize', options.batchSize);
  const seed = checkFiniteNumber('seed', options.seed ?? 0, { integer: true });
  const firstEpoch = checkFiniteNumber('firstEpoch', options.firstEpoch ?? 0, { integer: true, min: 0 });
  const curriculum = spec.curriculum;
  let providedDifficulty: Float64Array | null = null;
  if (curriculum?.difficulty === 'provided') {
    if (options.difficulty == null)
      throw new InvalidInputError('difficulty', 'curriculum.difficulty is "provided": give one difficulty per sample');
    providedDifficulty = checkNumberArray('difficulty', options.difficulty, { length: count });
  }
  const stepsPerEpoch = Math.ceil(count / batchSize);
  const totalEpochs = firstEpoch + epochs;
  const totalSteps = totalEpochs * stepsPerEpoch;
  const singleBatch = stepsPerEpoch === 1;
  const shuffles = (options.shuffle ?? true) && !singleBatch;
  const needsRanking = curriculum?.difficulty === 'loss';
  const needsBatchLoss = (spec.adaptive ?? []).some((rule) => rule.kind !== 'focal');
  const stepSchedules = readsSteps(spec);
  const everySample = Int32Array.from({ length: count }, (_, index) => index);
  const clockAt = (epoch: number, step: number): ClockState => ({ epoch, step, totalEpochs, totalSteps });

  const admit = (start: EpochStart, losses: Float64Array | null): EpochPlan => {
    const { epoch, clock } = start;
    let curriculumWeights: Float64Array | null = null;
    let order = everySample;
    let effectiveWeight = count;
    if (curriculum) {
      const difficulty = (providedDifficulty ?? losses) as Float64Array;
      const weights = referenceCurriculumWeights(curriculum, start.scheduled.curriculumFraction ?? 1, difficulty);
      order = everySample.filter((sample) => (weights[sample] as number) > 0);
      effectiveWeight = weights.reduce((sum, weight) => sum + weight, 0);
      curriculumWeights = weights;
    }
    if (shuffles) {
      if (order === everySample) order = Int32Array.from(everySample);
      shuffleInPlace(order, createSeededRandom(epochSeed(seed, epoch)));
    }
    const batches: PlannedBatch[] = [];
    for (let first = 0, index = 0; first < order.length; first += batchSize, index += 1) {
      const batchClock = clockAt(epoch, clock.step + index);
      // Schedules read the epoch unless a unit says step; then each batch resolves its own clock.
      let batchScheduled: ScheduledWeighting | null = null;
      const sharesEpochSchedule = !stepSchedules || index === 0;
      batches.push({
        index,
        clock: batchClock,
        indices: order.subarray(first, first + batchSize),
        needsLoss: needsBatchLoss,
        get scheduled() {
          batchScheduled ??= sharesEpochSchedule ? start.scheduled : resolveSchedules(spec, resolved, batchClock);
          return batchScheduled;
        },
      });
    }
    return {
      epoch,
      clock,
      get scheduled() {
        return start.scheduled;
      },
      curriculumWeights,
      order,
      admittedSamples: order.length,
      effectiveWeight,
      batches,
    };
  };

  return {
    spec,
    count,
    batchSize,
    stepsPerEpoch,
    firstEpoch,
    totalEpochs,
    totalSteps,
    needsRanking,
    needsBatchLoss,
    isStatic: !curriculum && !shuffles && !needsBatchLoss,
    startEpoch(epoch) {
      checkFiniteNumber('epoch', epoch, { integer: true, min: firstEpoch, max: totalEpochs - 1 });
      const clock = clockAt(epoch, epoch * stepsPerEpoch);
      // Resolved on first use: a static plan's fast path reads it only when a class schedule can move.
      let scheduled: ScheduledWeighting | null = null;
      const start: EpochStart = {
        epoch,
        clock,
        get scheduled() {
          scheduled ??= resolveSchedules(spec, resolved, clock);
          return scheduled;
        },
        needsRanking,
        admit(rankingLoss) {
          let losses: Float64Array | null = null;
          if (needsRanking) {
            if (rankingLoss == null)
              throw new InvalidInputError('rankingLoss', 'curriculum.difficulty is "loss": give the per-sample loss');
            losses = checkNumberArray('rankingLoss', rankingLoss, { length: count });
          }
          return admit(start, losses);
        },
      };
      return start;
    },
    lossFactors(batch, rawLoss) {
      const factors = new Float64Array(rawLoss.length).fill(1);
      (spec.adaptive ?? []).forEach((rule, ruleIndex) => {
        if (rule.kind === 'hard_mining') {
          const kept = markLargest(rawLoss, hardMiningKeepCount(rule, rawLoss.length));
          for (let element = 0; element < factors.length; element += 1) if (!kept[element]) factors[element] = 0;
        } else if (rule.kind === 'self_paced') {
          const threshold = batch.scheduled.selfPacedThresholds[ruleIndex] as number;
          for (let element = 0; element < factors.length; element += 1) {
            const loss = rawLoss[element] as number;
            const factor = rule.mode === 'hard' ? (loss < threshold ? 1 : 0) : Math.max(0, 1 - loss / threshold);
            factors[element] = (factors[element] as number) * factor;
          }
        }
      });
      return factors;
    },
  };
}
