import { composeSampleWeights, countClasses, resolveSchedules, resolveWeighting } from '@weightspec/core';
import type { ResolvedWeighting, WeightingSpec } from '@weightspec/core';

/** One class in the counts-against-weights chart. */
export interface ClassWeightBar {
  readonly className: string;
  /** n_c in the training set. */
  readonly count: number;
  /** Resolved class weight c (before any schedule); 1 when the spec has no `class` block. */
  readonly weight: number;
  /** n_c * c: the class's share of the total weight (equal for every class under `balanced`). */
  readonly totalWeight: number;
}

/** One epoch of the schedule chart. */
export interface SchedulePoint {
  readonly epoch: number;
  /** alpha(t): class weights enter as c^alpha. */
  readonly exponent: number;
  /** c^alpha(t) per class. */
  readonly classWeights: readonly number[];
  /** g(t): the fraction of samples the curriculum admits; null without a curriculum. */
  readonly curriculumFraction: number | null;
}

/** One bin of the effective-weight histogram. */
export interface HistogramBin {
  readonly from: number;
  readonly to: number;
  readonly count: number;
}

/** What the plots need from the training setup. */
export interface PlotSetup {
  readonly spec: WeightingSpec;
  readonly labels: readonly number[];
  readonly classNames: readonly string[];
  readonly epochs: number;
  /** Batches per epoch, for schedules and pacing that count steps. */
  readonly stepsPerEpoch: number;
}

/** Resolves the spec's class weights against the labels' counts (core's resolveWeighting). */
export function resolveForLabels(setup: PlotSetup): ResolvedWeighting {
  const stats = countClasses(setup.labels, setup.classNames.length);
  return resolveWeighting(setup.spec, { stats, numClasses: setup.classNames.length });
}

/** Class counts against resolved class weights, one bar pair per class. */
export function classWeightBars(setup: PlotSetup): ClassWeightBar[] {
  const stats = countClasses(setup.labels, setup.classNames.length);
  const resolved = resolveForLabels(setup);
  const counts = stats.kind === 'classes' ? stats.classCounts : [];
  return setup.classNames.map((className, index) => {
    const count = counts[index] ?? 0;
    const weight = resolved.classWeights?.[index] ?? 1;
    return { className, count, weight, totalWeight: count * weight };
  });
}

/** The clock at the start of `epoch` in a run of `epochs` epochs of `stepsPerEpoch` batches. */
function clockAt(setup: PlotSetup, epoch: number) {
  return {
    epoch,
    step: epoch * setup.stepsPerEpoch,
    totalEpochs: setup.epochs,
    totalSteps: setup.epochs * setup.stepsPerEpoch,
  };
}

/**
 * The class-weight schedule c^alpha(t) and the curriculum's admitted fraction g(t) at the start of
 * each epoch, evaluated by core's resolveSchedules (classWeightExponent, curriculumFraction).
 */
export function scheduleSeries(setup: PlotSetup): SchedulePoint[] {
  const resolved = resolveForLabels(setup);
  return Array.from({ length: setup.epochs }, (_, epoch) => {
    const scheduled = resolveSchedules(setup.spec, resolved, clockAt(setup, epoch));
    return {
      epoch,
      exponent: scheduled.classWeightExponent,
      classWeights: scheduled.scheduledClassWeights ?? setup.classNames.map(() => 1),
      curriculumFraction: scheduled.curriculumFraction,
    };
  });
}

/**
 * Effective per-sample weights w_i = c_{y_i}^alpha at `epoch` (core's composeSampleWeights), divided by
 * their mean so 1 means "as much as in unweighted training" whatever the strategy's scale.
 */
export function effectiveSampleWeights(setup: PlotSetup, epoch: number): Float64Array {
  const resolved = resolveForLabels(setup);
  const scheduled = resolveSchedules(setup.spec, resolved, clockAt(setup, epoch));
  const weights = composeSampleWeights({
    labels: Int32Array.from(setup.labels),
    classWeights: scheduled.scheduledClassWeights ? Float64Array.from(scheduled.scheduledClassWeights) : null,
  });
  const mean = weights.reduce((sum, weight) => sum + weight, 0) / Math.max(weights.length, 1);
  return mean > 0 ? weights.map((weight) => weight / mean) : weights;
}

/** The smallest and largest of `values` ([0, 0] when empty). */
export function valueRange(values: ArrayLike<number>): [number, number] {
  if (values.length === 0) return [0, 0];
  let low = Number.POSITIVE_INFINITY;
  let high = Number.NEGATIVE_INFINITY;
  for (let index = 0; index < values.length; index += 1) {
    low = Math.min(low, values[index] as number);
    high = Math.max(high, values[index] as number);
  }
  return [low, high];
}

/**
 * Equal-width histogram of `values` over `range` (default: their own min and max) with `binCount` bins,
 * the last bin closed; pass one range to compare two distributions bin by bin. An empty range (all
 * values equal) gives one bin around them.
 */
export function histogram(
  values: ArrayLike<number>,
  binCount: number,
  range: readonly [number, number] = valueRange(values),
): HistogramBin[] {
  if (values.length === 0) return [];
  const [low, high] = range;
  if (low === high) return [{ from: low, to: high, count: values.length }];
  const width = (high - low) / binCount;
  const counts = new Array<number>(binCount).fill(0);
  for (let index = 0; index < values.length; index += 1) {
    const bin = Math.min(binCount - 1, Math.max(0, Math.floor(((values[index] as number) - low) / width)));
    counts[bin] = (counts[bin] as number) + 1;
  }
  return counts.map((count, bin) => ({ from: low + bin * width, to: low + (bin + 1) * width, count }));
}
