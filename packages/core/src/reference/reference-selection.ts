import { curriculumFactorsByRank, hardMiningKeepCount } from '../resolve/resolve-schedules.ts';
import type { CurriculumSpec, HardMiningRuleSpec } from '../spec/v1/spec-v1-schema.ts';

/**
 * Hard-example mining (OHEM): 1 for the k elements with the largest raw loss, 0 otherwise; ties go to
 * the lower flat index; elements with `eligible` 0 (masked) are never kept and do not count.
 */
export function referenceHardMiningWeights(
  rule: HardMiningRuleSpec,
  rawLoss: Float64Array,
  eligible: Uint8Array,
): Float64Array {
  const candidates: number[] = [];
  for (let element = 0; element < rawLoss.length; element += 1) if (eligible[element]) candidates.push(element);
  candidates.sort((left, right) => (rawLoss[right] as number) - (rawLoss[left] as number) || left - right);
  const keep = candidates.length === 0 ? 0 : hardMiningKeepCount(rule, candidates.length);
  const weights = new Float64Array(rawLoss.length);
  for (let rank = 0; rank < keep; rank += 1) weights[candidates[rank] as number] = 1;
  return weights;
}

/** Self-paced weights v = 1[l < lambda] (hard) or max(0, 1 - l/lambda) (linear), per element. */
export function referenceSelfPacedWeights(
  mode: 'hard' | 'linear',
  threshold: number,
  rawLoss: Float64Array,
): Float64Array {
  return rawLoss.map((loss) => (mode === 'hard' ? (loss < threshold ? 1 : 0) : Math.max(0, 1 - loss / threshold)));
}

/** Ranks samples by difficulty ascending, ties by lower index: rank[i] is sample i's 0-based rank. */
export function rankByDifficulty(difficulty: ArrayLike<number>): Int32Array {
  const order = Array.from({ length: difficulty.length }, (_, index) => index);
  order.sort((left, right) => (difficulty[left] as number) - (difficulty[right] as number) || left - right);
  const rank = new Int32Array(difficulty.length);
  order.forEach((sample, position) => {
    rank[sample] = position;
  });
  return rank;
}

/**
 * Curriculum weights per sample (SPEC curriculum): select admits the ceil(g*M) easiest; soft gives 1 up
 * to quantile g and falls off linearly over `softness` beyond it.
 */
export function referenceCurriculumWeights(
  curriculum: CurriculumSpec,
  fraction: number,
  difficulty: ArrayLike<number>,
): Float64Array {
  const sampleCount = difficulty.length;
  const rank = rankByDifficulty(difficulty);
  const byRank = curriculumFactorsByRank(curriculum, fraction, sampleCount);
  const weights = new Float64Array(sampleCount);
  for (let sample = 0; sample < sampleCount; sample += 1) weights[sample] = byRank[rank[sample] as number] as number;
  return weights;
}
