import { parseWeightingSpec, planTraining, resolveWeighting } from '@weightspec/core';
import { describe, expect, it } from 'vitest';
import { unmaskedLossFactors } from './onnx-fine-tune-fit.ts';

/** A one-batch plan of 4 samples for `adaptive`, so its first batch carries the rule's schedules. */
const firstBatchOf = (adaptive: unknown[]) => {
  const spec = parseWeightingSpec({ specVersion: 1, loss: { kind: 'softmax_cross_entropy' }, adaptive });
  const plan = planTraining(spec, resolveWeighting(spec, { numClasses: 3 }), { count: 4, epochs: 1, batchSize: 4 });
  const batch = plan.startEpoch(0).admit().batches[0];
  if (!batch) throw new Error('the plan has no batch');
  return (loss: ArrayLike<number>) => plan.lossFactors(batch, loss);
};

describe('unmaskedLossFactors', () => {
  it('hard mining keeps the k largest unmasked elements (k = ceil(0.5 * 3) = 2, worked by hand)', () => {
    const factors = unmaskedLossFactors(firstBatchOf([{ kind: 'hard_mining', keepFraction: 0.5 }]), {
      sampleLoss: new Float32Array(0),
      elementLoss: Float32Array.of(0.5, 2, 9, 3),
      // Element 2 is masked: never kept, and not counted toward k although its raw loss would rank first.
      unmasked: Uint8Array.of(1, 1, 0, 1),
    });
    expect(Array.from(factors)).toEqual([0, 1, 0, 1]);
  });

  it('keeps ties on the lower flat index among the unmasked (SPEC pinned tie order)', () => {
    const factors = unmaskedLossFactors(firstBatchOf([{ kind: 'hard_mining', keepFraction: 0.25 }]), {
      sampleLoss: new Float32Array(0),
      elementLoss: Float32Array.of(5, 1, 1, 0),
      unmasked: Uint8Array.of(0, 1, 1, 1),
    });
    // k = ceil(0.25 * 3) = 1; elements 1 and 2 tie at 1, the lower index wins.
    expect(Array.from(factors)).toEqual([0, 1, 0, 0]);
  });

  it('self-paced linear weights are max(0, 1 - l / lambda) per unmasked element (SPEC "adaptive", lambda = 2)', () => {
    const factors = unmaskedLossFactors(firstBatchOf([{ kind: 'self_paced', threshold: 2, mode: 'linear' }]), {
      sampleLoss: new Float32Array(0),
      elementLoss: Float32Array.of(0.5, 1, 3, 0),
      unmasked: Uint8Array.of(1, 1, 1, 0),
    });
    expect(Array.from(factors)).toEqual([0.75, 0.5, 0, 0]);
  });
});
