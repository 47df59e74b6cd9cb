import type { ScheduledWeighting, WeightingSpec } from '@weightspec/core';
import { curriculumAdmitCount, hardMiningKeepCount, markLargest, rankByDifficulty } from '@weightspec/core';

/**
 * The weighting decisions of a fit, kept apart from the ONNX mechanics so the fine-tuner can switch
 * to core's training plan when it lands. They follow createOnnxTrainer (onnx-trainer.ts) exactly:
 * curriculum weights per epoch from a difficulty ranking (SPEC "curriculum": select or soft), then per
 * batch hard mining and self-paced factors from the raw per-element losses.
 */
export function curriculumWeights(
  spec: WeightingSpec,
  scheduled: ScheduledWeighting,
  difficulty: ArrayLike<number>,
): Float32Array {
  const count = difficulty.length;
  const rank = rankByDifficulty(Array.from(difficulty));
  const fraction = scheduled.curriculumFraction ?? 1;
  const admitted = curriculumAdmitCount(fraction, count);
  const soft = spec.curriculum?.mode === 'soft';
  const softness = spec.curriculum?.softness ?? 0.1;
  return Float32Array.from(rank, (position) => {
    const quantile = (position + 1) / count;
    if (soft) return quantile <= fraction ? 1 : Math.max(0, 1 - (quantile - fraction) / softness);
    return position < admitted ? 1 : 0;
  });
}

/** True when a batch needs a forward pass for its raw losses (hard mining or self-paced rules). */
export const needsRawLoss = (spec: WeightingSpec) => (spec.adaptive ?? []).some((rule) => rule.kind !== 'focal');

/**
 * Multiplies `factors` in place by the hard-mining and self-paced factors of SPEC "adaptive", from each
 * element's raw loss. Hard mining ranks unmasked elements only (SPEC pinned rule: masked elements are
 * never kept and do not count toward k).
 */
export function applyLossRules(
  spec: WeightingSpec,
  scheduled: ScheduledWeighting,
  factors: Float32Array,
  rawLoss: ArrayLike<number>,
  unmasked: ArrayLike<number> | null = null,
): void {
  (spec.adaptive ?? []).forEach((rule, ruleIndex) => {
    if (rule.kind === 'hard_mining') {
      const ranked = Array.from(rawLoss, (loss, index) =>
        unmasked && !unmasked[index] ? Number.NEGATIVE_INFINITY : loss,
      );
      const count = unmasked ? Array.from(unmasked).filter(Boolean).length : rawLoss.length;
      const kept = markLargest(ranked, hardMiningKeepCount(rule, count));
      kept.forEach((isKept, position) => {
        if (!isKept) factors[position] = 0;
      });
    } else if (rule.kind === 'self_paced') {
      const threshold = scheduled.selfPacedThresholds[ruleIndex] as number;
      for (let position = 0; position < rawLoss.length; position += 1) {
        const loss = rawLoss[position] as number;
        const factor = rule.mode === 'hard' ? (loss < threshold ? 1 : 0) : Math.max(0, 1 - loss / threshold);
        factors[position] = (factors[position] as number) * factor;
      }
    }
  });
}
