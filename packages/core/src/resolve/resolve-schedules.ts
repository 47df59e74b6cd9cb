import { InvalidInputError } from '../errors/invalid-input-error.ts';
import { InvalidSpecError } from '../errors/invalid-spec-error.ts';
import type { WeightingBatch } from '../batch/weighting-batch.ts';
import type { WeightingSpec } from '../spec/parse-weighting-spec.ts';
import type { ClassScheduleSpec, CurriculumSpec, PacingSpec } from '../spec/v1/spec-v1-schema.ts';
import type { ResolvedWeighting } from './resolve-weighting.ts';

/** Counters of the clock, with defaults applied (epoch 0, step 0). */
export type ClockState = WeightingBatch['clock'];

/**
 * The scalars a spec's schedules take at one clock reading. Adapters apply these numbers with their own
 * tensors; computing them once here keeps every framework on the same schedule.
 */
export interface ScheduledWeighting extends ResolvedWeighting {
  /** alpha(t): class weights enter as c^alpha (SPEC class.schedule); 1 without a schedule. */
  readonly classWeightExponent: number;
  /** Softmax class weights at this clock: c^alpha; null without a `class` block. */
  readonly scheduledClassWeights: readonly number[] | null;
  /** Sigmoid a+ at this clock. */
  readonly scheduledPositiveWeights: readonly number[] | null;
  /** Sigmoid a- at this clock. */
  readonly scheduledNegativeWeights: readonly number[] | null;
  /** lambda(t) for each entry of `adaptive` that is self_paced (null for other kinds), in spec order. */
  readonly selfPacedThresholds: readonly (number | null)[];
  /** g: the fraction of samples the curriculum admits at this clock; null without a curriculum. */
  readonly curriculumFraction: number | null;
}

/** The counter a schedule with `unit` reads. */
export function clockTicks(clock: ClockState, unit: 'epoch' | 'step'): number {
  return unit === 'step' ? clock.step : clock.epoch;
}

/**
 * alpha(t) of a class-weight schedule: deferred is a 0/1 switch, anneal is linear and clamped. SPEC
 * pinned rule 1: `t >= t1` is checked first, so an anneal with t0 = t1 gives `to` from t1 on.
 */
export function classWeightExponent(schedule: ClassScheduleSpec | undefined, clock: ClockState): number {
  if (!schedule) return 1;
  const t = clockTicks(clock, schedule.unit);
  if (schedule.kind === 'deferred') return t >= schedule.start ? 1 : 0;
  const [t0, t1] = schedule.over;
  if (t >= t1) return schedule.to;
  if (t <= t0) return schedule.from;
  return schedule.from + ((schedule.to - schedule.from) * (t - t0)) / (t1 - t0);
}

/**
 * c^alpha with 0^0 = 1 (SPEC pinned rule 1): alpha 0 means unweighted, an empty class included. A weight
 * of 0 under any other alpha stays 0 (0^-1 would be Infinity). A power that overflows float64 is an
 * InvalidSpecError naming the schedule (pinned rule 11), never an Infinity that turns into NaN later.
 */
function powerWeights(weights: readonly number[] | null, exponent: number): readonly number[] | null {
  if (weights === null) return null;
  return Object.freeze(
    weights.map((weight, index) => {
      if (exponent === 0) return 1;
      if (weight === 0) return 0;
      const powered = weight ** exponent;
      if (!Number.isFinite(powered) || (powered === 0 && exponent < 0))
        throw InvalidSpecError.at(
          ['class', 'schedule'],
          `class weight ${weight} (index ${index}) raised to alpha = ${exponent} is beyond float64's range`,
        );
      return powered;
    }),
  );
}

/** log(e^a + e^b) without overflow or underflow. */
function logAddExp(a: number, b: number): number {
  const larger = Math.max(a, b);
  if (larger === Number.NEGATIVE_INFINITY) return larger;
  return larger + Math.log1p(Math.exp(-Math.abs(a - b)));
}

/** h(x) of a pacing kind on x in [0,1] (SPEC curriculum pacing). */
export function pacingShape(pacing: Exclude<PacingSpec, { kind: 'fixed_exponential' }>, x: number): number {
  switch (pacing.kind) {
    case 'linear':
      return x;
    case 'quadratic':
      return x * x;
    case 'root':
      return Math.sqrt(x);
    case 'exponential':
      // (e^{cx}-1)/(e^c-1) = e^{c(x-1)} (1-e^{-cx})/(1-e^{-c}): no overflow for c > 709 (pinned rule 11).
      return (Math.exp(pacing.c * (x - 1)) * -Math.expm1(-pacing.c * x)) / -Math.expm1(-pacing.c);
    case 'logarithmic':
      // ln(x + e^-c) as a log-sum-exp, so e^-c underflowing for large c does not give ln(0) at x = 0.
      return 1 + logAddExp(Math.log(x), -pacing.c) / pacing.c;
    case 'step':
      return Math.floor(x * pacing.levels) / pacing.levels;
  }
}

/**
 * g(t), the admitted fraction, clamped to [0,1]: b + (1-b) h(min(tau/a, 1)) with tau = t/T, or
 * min(b * increase^floor(t/every), 1) for fixed_exponential (Hacohen & Weinshall 2019; Wu et al. 2021).
 * SPEC pinned rule 7: at t = 0 (or without a clock) tau = 0 whatever the totals; a total is needed
 * only for t > 0.
 */
export function curriculumFraction(curriculum: CurriculumSpec, clock: ClockState): number {
  const pacing = curriculum.pacing;
  const t = clockTicks(clock, curriculum.unit);
  if (pacing.kind === 'fixed_exponential')
    return Math.min(pacing.start * pacing.increase ** Math.floor(t / pacing.every), 1);
  if (t === 0) return Math.min(Math.max(pacing.start + (1 - pacing.start) * pacingShape(pacing, 0), 0), 1);
  const total = curriculum.unit === 'step' ? clock.totalSteps : clock.totalEpochs;
  if (total === undefined)
    throw new InvalidInputError(
      `clock.${curriculum.unit === 'step' ? 'totalSteps' : 'totalEpochs'}`,
      `curriculum pacing ${pacing.kind} needs the total to compute progress t/T`,
    );
  const progress = Math.min(t / total / pacing.fullAt, 1);
  const fraction = pacing.start + (1 - pacing.start) * pacingShape(pacing, progress);
  return Math.min(Math.max(fraction, 0), 1);
}

/** lambda(t) = lambda0 * mu^floor(t/every) (Kumar et al. 2010). */
export function selfPacedThreshold(
  rule: { threshold: number; growth: number; every: number; unit: 'epoch' | 'step' },
  clock: ClockState,
): number {
  return rule.threshold * rule.growth ** Math.floor(clockTicks(clock, rule.unit) / rule.every);
}

/** Evaluates every schedule of the spec at `clock`. */
export function resolveSchedules(
  spec: WeightingSpec,
  resolved: ResolvedWeighting,
  clock: ClockState,
): ScheduledWeighting {
  const exponent = classWeightExponent(spec.class?.schedule, clock);
  return Object.freeze({
    ...resolved,
    classWeightExponent: exponent,
    scheduledClassWeights: powerWeights(resolved.classWeights, exponent),
    scheduledPositiveWeights: powerWeights(resolved.positiveWeights, exponent),
    scheduledNegativeWeights: powerWeights(resolved.negativeWeights, exponent),
    selfPacedThresholds: Object.freeze(
      (spec.adaptive ?? []).map((rule) => (rule.kind === 'self_paced' ? selfPacedThreshold(rule, clock) : null)),
    ),
    curriculumFraction: spec.curriculum ? curriculumFraction(spec.curriculum, clock) : null,
  });
}

/** Removes float noise such as 0.7 * 10 = 7.000000000000001 before a ceil, so k is what a person expects. */
function ceilOfProduct(fraction: number, count: number): number {
  return Math.ceil(Number((fraction * count).toPrecision(12)));
}

/** k for hard mining: max(minKeep, ceil(keepFraction * count)), at most `count` (SPEC adaptive.hard_mining). */
export function hardMiningKeepCount(rule: { keepFraction: number; minKeep: number }, count: number): number {
  return Math.min(count, Math.max(rule.minKeep, ceilOfProduct(rule.keepFraction, count)));
}

/** How many of M ranked samples a `select` curriculum admits: ceil(g * M). */
export function curriculumAdmitCount(fraction: number, rankedCount: number): number {
  return Math.min(rankedCount, ceilOfProduct(fraction, rankedCount));
}

/**
 * The curriculum factor of each rank position, easiest first (SPEC curriculum): `select` gives 1 to
 * the ceil(g * M) easiest and 0 to the rest; `soft` gives 1 up to quantile (rank + 1) / M = g and falls
 * off linearly to 0 over `softness` beyond it. One implementation for the reference and every adapter,
 * which then only map positions back to their samples.
 */
export function curriculumFactorsByRank(
  curriculum: Pick<CurriculumSpec, 'mode' | 'softness'>,
  fraction: number,
  rankedCount: number,
): Float64Array {
  const factors = new Float64Array(rankedCount);
  if (curriculum.mode === 'select') {
    factors.fill(1, 0, curriculumAdmitCount(fraction, rankedCount));
    return factors;
  }
  for (let position = 0; position < rankedCount; position += 1) {
    const quantile = (position + 1) / rankedCount;
    factors[position] = quantile <= fraction ? 1 : Math.max(0, 1 - (quantile - fraction) / curriculum.softness);
  }
  return factors;
}
