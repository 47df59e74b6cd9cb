import { prepareWeightingComputation } from '@weightspec/core';
import { describe, expect, it } from 'vitest';
import { createTfjsWeightingAdapter } from './tfjs-weighting-adapter.ts';

const computation = (spec: object, inputs: Record<string, unknown>) =>
  prepareWeightingComputation({ specVersion: 1, ...spec }, inputs as never);

describe('tfjs adapter at the edges of float32 (SPEC pinned rule 11)', () => {
  it('rejects predictions beyond float32 range with WS_INVALID_INPUT naming the value', async () => {
    const adapter = await createTfjsWeightingAdapter({ backend: 'cpu' });
    const beyond = computation({ loss: { kind: 'softmax_cross_entropy' } }, { predictions: [[1e39, 0]], targets: [0] });
    await expect(adapter.computeWeightedLoss(beyond)).rejects.toThrow(
      expect.objectContaining({ code: 'WS_INVALID_INPUT', message: expect.stringContaining('predictions[0][0]') }),
    );
  });

  it('turns a float32 overflow inside the loss into WS_INVALID_INPUT, never Infinity', async () => {
    const adapter = await createTfjsWeightingAdapter({ backend: 'cpu' });
    // (1e20)^2 = 1e40 is finite in float64 (the reference) but Infinity in float32.
    const overflow = computation({ loss: { kind: 'mse' } }, { predictions: [[1e20]], targets: [[0]] });
    await expect(adapter.computeWeightedLoss(overflow)).rejects.toThrow(
      expect.objectContaining({ code: 'WS_INVALID_INPUT', message: expect.stringContaining('overflows float32') }),
    );
  });

  it('keeps tiny and huge sample weights exact under sum (rescaled in float64, scaled back)', async () => {
    const adapter = await createTfjsWeightingAdapter({ backend: 'cpu' });
    // sum of w * (z - y)^2 with z - y = (1, 2): 1e-40 * 1 + 3e-40 * 4 = 1.3e-39, worked by hand.
    const tiny = computation(
      { loss: { kind: 'mse' }, reduction: { kind: 'sum' } },
      { predictions: [[1], [2]], targets: [[0], [0]], sampleWeights: [1e-40, 3e-40] },
    );
    const result = await adapter.computeWeightedLoss(tiny);
    expect(result.loss / 1.3e-39).toBeCloseTo(1, 5);
    expect(Array.from(result.weights)).toEqual([expect.closeTo(1e-40, 46), expect.closeTo(3e-40, 46)]);
  });

  it('ranks curriculum difficulties in float64 (1.00000002 and 1.00000001 are one float32)', async () => {
    const adapter = await createTfjsWeightingAdapter({ backend: 'cpu' });
    // start 0.5 at epoch 0 admits ceil(0.5 * 2) = 1 sample: the easier, sample 1 (worked by hand).
    const close = computation(
      { loss: { kind: 'mse' }, curriculum: { difficulty: 'provided', pacing: { kind: 'linear', start: 0.5 } } },
      { predictions: [[1], [2]], targets: [[0], [0]], difficulty: [1.00000002, 1.00000001] },
    );
    const result = await adapter.computeWeightedLoss(close);
    expect(Array.from(result.weights)).toEqual([0, 1]);
    expect(result.loss).toBeCloseTo(4, 5);
  });
});
