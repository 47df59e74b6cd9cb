import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { prepareWeightingComputation } from '../prepare-weighting.ts';
import { referenceWeightedLoss } from './reference-weighted-loss.ts';

/** Loss of a spec document on inputs, through the same path adapters and vectors use. */
function lossOf(spec: unknown, inputs: Record<string, unknown>, stats?: unknown) {
  const computation = prepareWeightingComputation(spec, inputs as never, { stats });
  return referenceWeightedLoss(computation.spec, computation.scheduled, computation.batch);
}

/** Central finite differences of the loss with respect to each prediction (flat). */
function numericGradient(spec: unknown, inputs: Record<string, unknown>, rows: number[][]): number[] {
  const flat = rows.flat();
  const width = (rows[0] ?? []).length;
  const reshape = (values: number[]) => rows.map((_, row) => values.slice(row * width, (row + 1) * width));
  return flat.map((value, index) => {
    const step = 1e-6;
    const plus = [...flat];
    const minus = [...flat];
    plus[index] = value + step;
    minus[index] = value - step;
    return (
      (lossOf(spec, { ...inputs, predictions: reshape(plus) }).loss -
        lossOf(spec, { ...inputs, predictions: reshape(minus) }).loss) /
      (2 * step)
    );
  });
}

const logitRows = (rows: number, columns: number) =>
  fc.array(fc.array(fc.double({ min: -4, max: 4, noNaN: true }), { minLength: columns, maxLength: columns }), {
    minLength: rows,
    maxLength: rows,
  });

// Every differentiable path of the reference: each loss kind and `from`, smoothing, class weights,
// focal in both forms. Weights that only switch (hard mining, selection) are piecewise constant, so
// finite differences of the whole loss equal the detached analytic gradient away from the switches.
const gradientSpecs: [string, object, (row: number) => unknown, number][] = [
  [
    'softmax logits + smoothing + class weights + focal',
    {
      loss: { kind: 'softmax_cross_entropy', labelSmoothing: 0.1 },
      class: { strategy: 'manual', weights: [1, 2, 0.5] },
      adaptive: [{ kind: 'focal', gamma: 1.5, alpha: [0.2, 0.5, 1] }],
    },
    (row) => row % 3,
    3,
  ],
  [
    'softmax probabilities + focal',
    { loss: { kind: 'softmax_cross_entropy', from: 'probabilities' }, adaptive: [{ kind: 'focal', gamma: 2 }] },
    (row) => row % 3,
    3,
  ],
  [
    'sigmoid logits + balanced + smoothing + focal',
    {
      loss: { kind: 'sigmoid_cross_entropy', labelSmoothing: 0.2 },
      class: { strategy: 'manual', positive: [3, 1, 2], negative: [1, 0.5, 1] },
      adaptive: [{ kind: 'focal', gamma: 2, alpha: 0.25 }],
    },
    (row) => [row % 2, 1, 0],
    3,
  ],
  [
    'sigmoid probabilities + focal',
    {
      loss: { kind: 'sigmoid_cross_entropy', from: 'probabilities' },
      adaptive: [{ kind: 'focal', gamma: 3, alpha: 0.6 }],
    },
    (row) => [row % 2, 0],
    2,
  ],
  ['mse with element weights', { loss: { kind: 'mse' }, elements: { weights: [1, 3] } }, (row) => [row * 0.3, -1], 2],
  ['mae', { loss: { kind: 'mae' }, reduction: { kind: 'mean' } }, (row) => [row * 0.37 + 0.011, -0.5], 2],
  [
    'huber delta 0.7',
    { loss: { kind: 'huber', delta: 0.7 }, reduction: { kind: 'sum' } },
    (row) => [row * 0.5 + 0.013, 0.9],
    2,
  ],
];

describe('reference gradient equals central finite differences', () => {
  for (const [name, body, target, width] of gradientSpecs) {
    it(name, () => {
      const isProbability = JSON.stringify(body).includes('probabilities');
      fc.assert(
        fc.property(logitRows(4, width), (raw) => {
          const rows = isProbability ? raw.map((row) => row.map((value) => 0.05 + (0.9 * (value + 4)) / 8)) : raw;
          const spec = { specVersion: 1, ...body };
          const inputs = {
            predictions: rows,
            targets: rows.map((_, row) => target(row)),
            sampleWeights: [1, 0.5, 2, 1.5],
          };
          const analytic = lossOf(spec, inputs).gradient as Float64Array;
          const numeric = numericGradient(spec, inputs, rows);
          numeric.forEach((value, index) => {
            expect(analytic[index]).toBeCloseTo(value, 5);
          });
        }),
        { numRuns: 25, seed: 7 },
      );
    });
  }
});

describe('properties of the weighted loss', () => {
  const spec = { specVersion: 1, loss: { kind: 'softmax_cross_entropy' }, class: { strategy: 'balanced' }, sample: {} };

  it('weighted_mean is invariant to scaling every weight', () => {
    fc.assert(
      fc.property(
        logitRows(5, 3),
        fc.array(fc.double({ min: 0.1, max: 5, noNaN: true }), { minLength: 5, maxLength: 5 }),
        fc.double({ min: 0.01, max: 100, noNaN: true }),
        (rows, weights, scale) => {
          const targets = [0, 1, 2, 0, 1];
          const base = lossOf(spec, { predictions: rows, targets, sampleWeights: weights }).loss;
          const scaled = lossOf(spec, {
            predictions: rows,
            targets,
            sampleWeights: weights.map((weight) => weight * scale),
          }).loss;
          expect(scaled).toBeCloseTo(base, 10);
        },
      ),
      { numRuns: 50, seed: 11 },
    );
  });

  it('is invariant to permuting the samples (weights permute with them)', () => {
    fc.assert(
      fc.property(
        logitRows(6, 3),
        fc.array(fc.double({ min: 0, max: 3, noNaN: true }), { minLength: 6, maxLength: 6 }),
        (rows, weights) => {
          fc.pre(weights.some((weight) => weight > 0));
          const targets = [0, 1, 2, 2, 1, 0];
          const order = [3, 0, 5, 1, 4, 2];
          const original = lossOf(spec, { predictions: rows, targets, sampleWeights: weights });
          const permuted = lossOf(spec, {
            predictions: order.map((i) => rows[i]),
            targets: order.map((i) => targets[i]),
            sampleWeights: order.map((i) => weights[i]),
          });
          expect(permuted.loss).toBeCloseTo(original.loss, 10);
          order.forEach((from, to) => {
            expect(permuted.weights[to]).toBeCloseTo(original.weights[from] as number, 12);
          });
        },
      ),
      { numRuns: 50, seed: 13 },
    );
  });

  it('balanced class weights give every present class the same total weight', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 4, maxLength: 60 }), (targets) => {
        const result = lossOf(spec, { predictions: targets.map(() => [0, 0, 0, 0]), targets });
        const totals = new Map<number, number>();
        targets.forEach((label, index) => {
          totals.set(label, (totals.get(label) ?? 0) + (result.weights[index] as number));
        });
        const values = [...totals.values()];
        // n/(C n_c) * n_c = n/C for each present class.
        values.forEach((total) => {
          expect(total).toBeCloseTo(targets.length / 4, 10);
        });
      }),
      { numRuns: 100, seed: 17 },
    );
  });
});

describe('every bad input in SPEC gets its error', () => {
  const softmaxSpec = { specVersion: 1, loss: { kind: 'softmax_cross_entropy' } };
  const cases: [string, object, Record<string, unknown>, RegExp][] = [
    ['ragged predictions', softmaxSpec, { predictions: [[1, 2], [1]], targets: [0, 1] }, /ragged/],
    ['targets of another length', softmaxSpec, { predictions: [[1, 2]], targets: [0, 1] }, /does not match/],
    ['non-finite prediction', softmaxSpec, { predictions: [[1, Number.NaN]], targets: [0] }, /must be finite/],
    [
      'infinite target',
      { specVersion: 1, loss: { kind: 'mse' } },
      { predictions: [1], targets: [Number.POSITIVE_INFINITY] },
      /must be finite/,
    ],
    [
      'negative sample weight',
      softmaxSpec,
      { predictions: [[1, 2]], targets: [0], sampleWeights: [-0.5] },
      /weights must be >= 0/,
    ],
    [
      'negative element weight',
      softmaxSpec,
      { predictions: [[1, 2]], targets: [0], elementWeights: [[-1]] },
      /weights must be >= 0/,
    ],
    ['class index out of range', softmaxSpec, { predictions: [[1, 2]], targets: [2] }, /out of range/],
    ['class index not an integer', softmaxSpec, { predictions: [[1, 2]], targets: [1.5] }, /must be an integer/],
    [
      'probability outside [0,1]',
      { specVersion: 1, loss: { kind: 'softmax_cross_entropy', from: 'probabilities' } },
      { predictions: [[1.2, -0.2]], targets: [0] },
      /probabilities must be in \[0,1\]/,
    ],
    [
      'sigmoid target outside [0,1]',
      { specVersion: 1, loss: { kind: 'sigmoid_cross_entropy' } },
      { predictions: [[0]], targets: [2] },
      /must be in \[0,1\]/,
    ],
    [
      'element weights of the wrong shape',
      softmaxSpec,
      { predictions: [[1, 2]], targets: [0], elementWeights: [[1, 1]] },
      /must be \[N,E\]/,
    ],
    ['negative clock', softmaxSpec, { predictions: [[1, 2]], targets: [0], clock: { epoch: -1 } }, /clock.epoch/],
  ];
  for (const [name, spec, inputs, message] of cases)
    it(name, () => {
      expect(() => lossOf(spec, inputs)).toThrow(
        expect.objectContaining({ code: 'WS_INVALID_INPUT', message: expect.stringMatching(message) }),
      );
    });

  it('masked elements are exempt from target validation', () => {
    const result = lossOf(
      { specVersion: 1, loss: { kind: 'softmax_cross_entropy' }, elements: { maskValue: 99 } },
      {
        predictions: [
          [0, 0],
          [0, 0],
        ],
        targets: [99, 1],
      },
    );
    expect(result.loss).toBeCloseTo(Math.LN2, 12);
    expect(Array.from(result.weights)).toEqual([0, 1]);
  });

  it('zero denominators follow the policy', () => {
    const inputs = { predictions: [[1, 2]], targets: [0], sampleWeights: [0] };
    const withPolicy = (zeroDenominator: string) => ({
      ...softmaxSpec,
      reduction: { kind: 'weighted_mean', zeroDenominator },
    });
    expect(lossOf(withPolicy('zero'), inputs).loss).toBe(0);
    expect(Number.isNaN(lossOf(withPolicy('nan'), inputs).loss)).toBe(true);
    expect(() => lossOf(withPolicy('error'), inputs)).toThrow(expect.objectContaining({ code: 'WS_ZERO_DENOMINATOR' }));
  });
});
