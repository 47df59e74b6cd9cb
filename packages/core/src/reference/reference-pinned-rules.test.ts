import { describe, expect, it } from 'vitest';
import { prepareWeightingComputation } from '../prepare-weighting.ts';
import { referenceWeightedLoss } from './reference-weighted-loss.ts';

/** Loss of a spec document on inputs, through the same path adapters and vectors use. */
function resultOf(spec: object, inputs: Record<string, unknown>, stats?: unknown) {
  const computation = prepareWeightingComputation({ specVersion: 1, ...spec }, inputs as never, { stats });
  return { ...referenceWeightedLoss(computation.spec, computation.scheduled, computation.batch), computation };
}

const sigmoidProbabilities = { kind: 'sigmoid_cross_entropy', from: 'probabilities' };

describe('SPEC pinned rules (v1.1), each value worked by hand from the rule text', () => {
  it('rule 1: alpha 0 before a deferred start makes every class weight 1, an empty class included', () => {
    const { computation } = resultOf(
      {
        loss: { kind: 'softmax_cross_entropy' },
        class: { strategy: 'balanced', schedule: { kind: 'deferred', start: 2 } },
      },
      { predictions: [[0, 0, 0]], targets: [0], clock: { epoch: 1 } },
      { classCounts: [3, 0, 1] },
    );
    expect(computation.scheduled.scheduledClassWeights).toEqual([1, 1, 1]);
  });

  it('rule 6: mean_one over all-zero sample weights follows zeroDenominator', () => {
    const spec = (zeroDenominator: string) => ({
      loss: { kind: 'mse' },
      sample: { normalize: 'mean_one' },
      reduction: { kind: 'weighted_mean', zeroDenominator },
    });
    const inputs = { predictions: [[1], [2]], targets: [[0], [0]], sampleWeights: [0, 0] };
    expect(resultOf(spec('zero'), inputs).loss).toBe(0);
    expect(resultOf(spec('nan'), inputs).loss).toBeNaN();
    expect(() => resultOf(spec('error'), inputs)).toThrow(expect.objectContaining({ code: 'WS_ZERO_DENOMINATOR' }));
  });

  it('rule 7: a curriculum without totalEpochs works at epoch 0 and is WS_INVALID_INPUT at epoch 1', () => {
    const spec = {
      loss: { kind: 'mse' },
      curriculum: { difficulty: 'provided', pacing: { kind: 'linear', start: 0.5 } },
    };
    const inputs = { predictions: [[1], [2]], targets: [[0], [0]], difficulty: [0.2, 0.1] };
    // g = 0.5 admits ceil(0.5 * 2) = 1 sample, the easier (sample 1, loss 4): weighted_mean 4.
    expect(resultOf(spec, inputs).loss).toBe(4);
    expect(() => resultOf(spec, { ...inputs, clock: { epoch: 1 } })).toThrow(
      expect.objectContaining({ code: 'WS_INVALID_INPUT' }),
    );
  });

  it('rule 8: an empty batch under `sum` follows zeroDenominator too', () => {
    const spec = { loss: { kind: 'mse' }, reduction: { kind: 'sum', zeroDenominator: 'nan' } };
    expect(resultOf(spec, { predictions: [], targets: [] }).loss).toBeNaN();
  });

  it('rule 9: log(max(p, 1e-7)) and log(max(1 - p, 1e-7)), each clipped on its own', () => {
    // y = 1, p = 1: -log(max(1, 1e-7)) = 0 and the slope -1/p = -1 (the clip is not active on p).
    // y = 0, p = 1: -log(max(0, 1e-7)) = -log(1e-7) = 16.118..., slope 0 (the clip is active on 1 - p).
    const result = resultOf(
      { loss: sigmoidProbabilities, reduction: { kind: 'sum' } },
      { predictions: [[1], [1]], targets: [1, 0] },
    );
    expect(result.loss).toBeCloseTo(-Math.log(1e-7), 12);
    expect(Array.from(result.gradient ?? [])).toEqual([-1, 0]);
  });

  it('rule 10: focal with gamma < 1 at a saturated p_t has a finite gradient', () => {
    const result = resultOf(
      { loss: { kind: 'sigmoid_cross_entropy' }, adaptive: [{ kind: 'focal', gamma: 0.5 }] },
      { predictions: [[60], [-60]], targets: [1, 0] },
    );
    expect(Array.from(result.gradient ?? []).every(Number.isFinite)).toBe(true);
  });

  it('rule 11: weights near 1e308 with weighted_mean give the unweighted ratio, not NaN', () => {
    // Class weights 1e308 and 1.5e308: sum 2.5e308 overflows; the loss is (1e308 l0 + 1.5e308 l1) / 2.5e308
    // = 0.4 l0 + 0.6 l1 with l = squared error... here softmax from logits [0, 0]: l = log 2 for both.
    const result = resultOf(
      { loss: { kind: 'softmax_cross_entropy' }, class: { strategy: 'manual', weights: [1e308, 1.5e308] } },
      {
        predictions: [
          [0, 0],
          [0, 0],
        ],
        targets: [0, 1],
      },
    );
    expect(result.loss).toBeCloseTo(Math.log(2), 12);
    expect(Array.from(result.weights)).toEqual([1e308, 1.5e308]);
  });

  it('rule 11: tiny sample weights (1e-320) give the reference result under weighted_mean and sum', () => {
    const inputs = { predictions: [[1], [3]], targets: [[0], [0]], sampleWeights: [1e-320, 3e-320] };
    // weighted_mean: (1 * 1 + 3 * 9) / 4 = 7 (subnormals carry ~4 digits, hence the looser check).
    expect(resultOf({ loss: { kind: 'mse' } }, inputs).loss).toBeCloseTo(7, 3);
    expect(resultOf({ loss: { kind: 'mse' }, reduction: { kind: 'sum' } }, inputs).loss).toBeCloseTo(2.8e-319, 322);
  });
});

describe('dense outputs (SPEC "Dense outputs"), worked by hand', () => {
  it('softmax [N,H,W,C] with per-pixel weights [N,H,W] and elements.weights flat [H*W]', () => {
    // One image 1x2 pixels, C = 2, logits 0: each pixel loss log 2. Pixel weights (2, 1) x spec (1, 3).
    const result = resultOf(
      { loss: { kind: 'softmax_cross_entropy' }, elements: { weights: [1, 3] }, reduction: { kind: 'sum' } },
      {
        predictions: [
          [
            [
              [0, 0],
              [0, 0],
            ],
          ],
        ],
        targets: [[[0, 1]]],
        elementWeights: [[[2, 1]]],
      },
    );
    expect(result.computation.batch.elementCount).toBe(2);
    expect(Array.from(result.weights)).toEqual([2, 3]);
    expect(result.loss).toBeCloseTo(5 * Math.log(2), 12);
  });

  it('elements.weights may be given on the element axes [H,W]; a ragged or wrong-sized one is rejected', () => {
    const inputs = {
      predictions: [
        [
          [
            [0, 0],
            [0, 0],
          ],
          [
            [0, 0],
            [0, 0],
          ],
        ],
      ],
      targets: [
        [
          [0, 1],
          [1, 0],
        ],
      ],
    };
    const nested = resultOf(
      {
        loss: { kind: 'softmax_cross_entropy' },
        elements: {
          weights: [
            [1, 2],
            [3, 4],
          ],
        },
      },
      inputs,
    );
    expect(Array.from(nested.weights)).toEqual([1, 2, 3, 4]);
    expect(() =>
      resultOf({ loss: { kind: 'softmax_cross_entropy' }, elements: { weights: [[1, 2], [3]] } }, inputs),
    ).toThrow(expect.objectContaining({ code: 'WS_INVALID_SPEC', message: expect.stringContaining('ragged') }));
    expect(() =>
      resultOf({ loss: { kind: 'softmax_cross_entropy' }, elements: { weights: [[1, 2, 3]] } }, inputs),
    ).toThrow(expect.objectContaining({ code: 'WS_INVALID_INPUT' }));
  });

  it('a void label masked by maskValue is exempt from validation and from the class counts', () => {
    const result = resultOf(
      { loss: { kind: 'softmax_cross_entropy' }, class: { strategy: 'balanced' }, elements: { maskValue: 255 } },
      {
        predictions: [
          [
            [
              [0, 0],
              [0, 0],
              [0, 0],
            ],
          ],
        ],
        targets: [[[0, 255, 1]]],
      },
    );
    // Counts over unmasked pixels: (1, 1), balanced 2/(2*1) = 1 each; the void pixel weighs 0.
    expect(result.computation.scheduled.scheduledClassWeights).toEqual([1, 1]);
    expect(Array.from(result.weights)).toEqual([1, 0, 1]);
  });

  it('rejects element weights that fit neither [N,E] nor [N,d1..dk]', () => {
    expect(() =>
      resultOf(
        { loss: { kind: 'mse' } },
        {
          predictions: [
            [
              [1, 2],
              [3, 4],
            ],
          ],
          targets: [
            [
              [0, 0],
              [0, 0],
            ],
          ],
          elementWeights: [[1, 2, 3]],
        },
      ),
    ).toThrow(expect.objectContaining({ code: 'WS_INVALID_INPUT' }));
  });
});
