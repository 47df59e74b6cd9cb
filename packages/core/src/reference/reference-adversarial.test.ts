import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WeightspecError } from '../errors/weightspec-error.ts';
import { prepareWeightingComputation } from '../prepare-weighting.ts';
import { referenceWeightedLoss } from './reference-weighted-loss.ts';

/** Numbers a hostile caller sends: non-finite, signed zero, subnormal, near float64's and float32's limits. */
const adversarial = fc.oneof(
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 1e-320, 1e308, -1e308, 1e39),
  fc.double({ min: -5, max: 5, noNaN: true }),
  fc.constantFrom(0, 1, 0.5),
);
const weight = fc.oneof(fc.constantFrom(0, 1e-320, 1e-46, 1e308, 2, -1, Number.NaN), fc.double({ min: 0, max: 3 }));

const specs = [
  { loss: { kind: 'softmax_cross_entropy' }, class: { strategy: 'balanced' } },
  { loss: { kind: 'softmax_cross_entropy', from: 'probabilities' }, adaptive: [{ kind: 'focal', gamma: 0.5 }] },
  { loss: { kind: 'sigmoid_cross_entropy' }, class: { strategy: 'manual', positive: [1e308, 1] } },
  { loss: { kind: 'sigmoid_cross_entropy', from: 'probabilities' }, sample: { normalize: 'mean_one' } },
  { loss: { kind: 'mse' }, reduction: { kind: 'sum' } },
  { loss: { kind: 'huber' }, adaptive: [{ kind: 'hard_mining', keepFraction: 0.5 }] },
  {
    loss: { kind: 'softmax_cross_entropy' },
    class: { strategy: 'inverse_frequency', power: 1e6 },
    curriculum: { difficulty: 'loss', pacing: { kind: 'exponential', start: 0.1, c: 5000 } },
    reduction: { kind: 'nonzero_mean', zeroDenominator: 'nan' },
  },
];

describe('the reference on adversarial numbers (issue 12: a finite result or a typed error)', () => {
  it('never returns a non-finite loss or gradient it was not asked for, and throws only WeightspecErrors', () => {
    let computed = 0;
    fc.assert(
      fc.property(
        fc.constantFrom(...specs),
        fc.array(fc.tuple(adversarial, adversarial), { minLength: 0, maxLength: 4 }),
        fc.array(fc.integer({ min: 0, max: 1 }), { minLength: 4, maxLength: 4 }),
        fc.array(weight, { minLength: 4, maxLength: 4 }),
        fc.constantFrom(0, 1, 7),
        (spec, rows, labels, weights, epoch) => {
          const isSoftmax = spec.loss.kind === 'softmax_cross_entropy';
          const inputs = {
            predictions: rows,
            targets: rows.map((_, index) => (isSoftmax ? labels[index] : [labels[index], 1 - (labels[index] ?? 0)])),
            sampleWeights: weights.slice(0, rows.length),
            clock: { epoch, totalEpochs: 10 },
          };
          let result: ReturnType<typeof referenceWeightedLoss>;
          try {
            const computation = prepareWeightingComputation({ specVersion: 1, ...spec }, inputs as never);
            result = referenceWeightedLoss(computation.spec, computation.scheduled, computation.batch);
          } catch (error) {
            expect(WeightspecError.isInstance(error), String(error)).toBe(true);
            return;
          }
          const nanAllowed =
            (spec as { reduction?: { zeroDenominator?: string } }).reduction?.zeroDenominator === 'nan';
          if (!(nanAllowed && Number.isNaN(result.loss))) expect(Number.isFinite(result.loss)).toBe(true);
          for (const value of result.gradient ?? []) expect(Number.isFinite(value)).toBe(true);
          computed += 1;
        },
      ),
      { numRuns: 400, seed: 13 },
    );
    // The property is only worth something if many runs get past validation to a result.
    expect(computed).toBeGreaterThan(40);
  });
});
