import { prepareWeightingBatch } from './batch/weighting-batch.ts';
import type { WeightingBatch, WeightingInputs } from './batch/weighting-batch.ts';
import { resolveSchedules } from './resolve/resolve-schedules.ts';
import type { ScheduledWeighting } from './resolve/resolve-schedules.ts';
import { resolveWeighting } from './resolve/resolve-weighting.ts';
import {
  classStatisticsFromBatch,
  normalizeClassStatistics,
  sampleWeightStatistics,
} from './stats/class-statistics.ts';
import type { ClassStatistics } from './stats/class-statistics.ts';
import { parseWeightingSpec } from './spec/parse-weighting-spec.ts';
import type { WeightingSpec } from './spec/parse-weighting-spec.ts';
import type { WeightingComputation } from './adapter/weighting-adapter.ts';

/**
 * One call from a spec document and a batch to what an adapter computes on: parses the spec, validates
 * the batch, takes class counts from `stats` (else from the batch's targets), resolves the weights and
 * evaluates the schedules at the batch's clock. Throws the SPEC's typed errors.
 */
export function prepareWeightingComputation(
  specDocument: unknown,
  inputs: WeightingInputs,
  options: { stats?: ClassStatistics | unknown; wantGradient?: boolean } = {},
): WeightingComputation {
  const spec: WeightingSpec = parseWeightingSpec(specDocument);
  const batch: WeightingBatch = prepareWeightingBatch(spec, inputs);
  const stats = options.stats != null ? normalizeClassStatistics(options.stats) : classStatisticsFromBatch(batch);
  const resolved = resolveWeighting(spec, {
    stats,
    numClasses: batch.sampleCount === 0 && stats ? undefined : batch.classCount,
    sampleWeights: batch.sampleWeights ? sampleWeightStatistics(batch.sampleWeights) : null,
  });
  const scheduled: ScheduledWeighting = resolveSchedules(spec, resolved, batch.clock);
  return { spec, scheduled, batch, wantGradient: options.wantGradient ?? true };
}
