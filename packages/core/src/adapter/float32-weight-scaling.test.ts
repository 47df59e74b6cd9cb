import { describe, expect, it } from 'vitest';
import { prepareWeightingComputation } from '../prepare-weighting.ts';
import { checkFloat32Result, scaleWeightsForFloat32 } from './float32-weight-scaling.ts';

describe('scaleWeightsForFloat32 (SPEC pinned rule 11), values worked by hand', () => {
  it('folds sample x mean_one scale x element x spec element weights into one [N*E] list over its maximum', () => {
    const computation = prepareWeightingComputation(
      {
        specVersion: 1,
        loss: { kind: 'mse' },
        sample: { normalize: 'mean_one' },
        elements: { weights: [1, 2] },
        reduction: { kind: 'sum' },
      },
      {
        predictions: [
          [0, 0],
          [0, 0],
        ],
        targets: [
          [0, 0],
          [0, 0],
        ],
        sampleWeights: [1e-40, 3e-40],
        elementWeights: [
          [1, 1],
          [1, 0.5],
        ],
      },
    );
    const scaled = scaleWeightsForFloat32(computation);
    // mean 2e-40: sample factors 0.5 and 1.5; times element (1,1 / 1,0.5) and spec (1,2):
    // (0.5, 1, 1.5, 1.5), maximum 1.5, so the kernel sees (1/3, 2/3, 1, 1) and the factor is 1.5.
    expect(Array.from(scaled.computation.batch.elementWeights ?? [])).toEqual(
      [1 / 3, 2 / 3, 1, 1].map((value) => expect.closeTo(value, 14)),
    );
    expect(scaled.computation.batch.sampleWeights).toBeNull();
    expect(scaled.computation.scheduled.sampleWeightScale).toBe(1);
    expect(scaled.computation.spec.elements?.weights).toBeUndefined();
    expect(scaled.weightFactor).toBeCloseTo(1.5, 14);
    expect(scaled.lossFactor).toBe(scaled.weightFactor);
  });

  it('divides class weights by their maximum; weighted_mean needs no loss factor', () => {
    const computation = prepareWeightingComputation(
      {
        specVersion: 1,
        loss: { kind: 'softmax_cross_entropy' },
        class: { strategy: 'manual', weights: [1e308, 4e307] },
      },
      { predictions: [[0, 0]], targets: [1] },
    );
    const scaled = scaleWeightsForFloat32(computation);
    expect(scaled.computation.scheduled.scheduledClassWeights).toEqual([1, expect.closeTo(0.4, 14)]);
    expect(scaled.weightFactor).toBe(1e308);
    expect(scaled.lossFactor).toBe(1);
  });

  it('checkFloat32Result lets zeroDenominator nan through and rejects other non-finite results', () => {
    const spec = (zeroDenominator: string) =>
      prepareWeightingComputation(
        { specVersion: 1, loss: { kind: 'mse' }, reduction: { kind: 'weighted_mean', zeroDenominator } },
        { predictions: [[1]], targets: [[0]] },
      );
    expect(checkFloat32Result({ loss: Number.NaN, weights: [0] }, spec('nan')).loss).toBeNaN();
    expect(() => checkFloat32Result({ loss: Number.POSITIVE_INFINITY, weights: [1] }, spec('nan'))).toThrow(
      expect.objectContaining({ code: 'WS_INVALID_INPUT' }),
    );
    expect(() => checkFloat32Result({ loss: 1, weights: [1], gradient: [Number.NaN] }, spec('zero'))).toThrow(
      expect.objectContaining({ code: 'WS_INVALID_INPUT', message: expect.stringContaining('flat index 0') }),
    );
  });
});
