import { parseWeightingSpec, resolveSchedules, resolveWeighting } from '@weightspec/core';
import { describe, expect, it } from 'vitest';
import { applyLossRules } from './onnx-fine-tune-policy.ts';

const scheduleOf = (document: unknown) => {
  const spec = parseWeightingSpec(document);
  return { spec, scheduled: resolveSchedules(spec, resolveWeighting(spec, { numClasses: 3 }), { epoch: 0, step: 0 }) };
};

describe('applyLossRules', () => {
  it('hard mining keeps the k largest unmasked elements (k = ceil(0.5 * 3) = 2, worked by hand)', () => {
    const { spec, scheduled } = scheduleOf({
      specVersion: 1,
      loss: { kind: 'softmax_cross_entropy' },
      adaptive: [{ kind: 'hard_mining', keepFraction: 0.5 }],
    });
    const factors = new Float32Array(4).fill(1);
    // Element 2 is masked: never kept, and not counted toward k although its raw loss would rank first.
    applyLossRules(spec, scheduled, factors, [0.5, 2, 9, 3], [1, 1, 0, 1]);
    expect(Array.from(factors)).toEqual([0, 1, 0, 1]);
  });

  it('self-paced linear weights are max(0, 1 - l / lambda) (SPEC "adaptive", lambda = 2)', () => {
    const { spec, scheduled } = scheduleOf({
      specVersion: 1,
      loss: { kind: 'softmax_cross_entropy' },
      adaptive: [{ kind: 'self_paced', threshold: 2, mode: 'linear' }],
    });
    const factors = Float32Array.of(1, 0.5, 1);
    applyLossRules(spec, scheduled, factors, [0.5, 1, 3]);
    expect(Array.from(factors)).toEqual([0.75, 0.25, 0]);
  });
});
