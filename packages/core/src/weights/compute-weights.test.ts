import { describe, expect, it } from 'vitest';
import { computeClassWeights } from './compute-class-weights.ts';
import { computeSampleWeights } from './compute-sample-weights.ts';

// Worked by hand from scikit-learn's compute_class_weight formulas (n = 6, classes sorted fog < rain <
// sun, counts n_c = [1, 1, 4]); the balanced values agree with scikit-learn 1.2.1's output.
const weather = ['rain', 'sun', 'sun', 'sun', 'fog', 'sun'];

describe('computeClassWeights', () => {
  it("'balanced' is n / (C n_c) with string labels", () => {
    const result = computeClassWeights(weather, 'balanced');
    expect(result.classes).toEqual(['fog', 'rain', 'sun']);
    expect(result.counts).toEqual([1, 1, 4]);
    expect([...result.weights]).toEqual([6 / (3 * 1), 6 / (3 * 1), 6 / (3 * 4)]);
    expect(result.byClass).toEqual({ fog: 2, rain: 2, sun: 0.5 });
  });

  it('accepts typed arrays of class indices and gives a Keras class_weight dict', () => {
    // n = 3, counts [2, 1]: 3 / (2 * 2) and 3 / (2 * 1).
    expect(computeClassWeights(Int32Array.of(0, 0, 1), 'balanced').byClass).toEqual({ 0: 0.75, 1: 1.5 });
  });

  it("applies scikit-learn's dict rule: left-out classes weigh 1, unknown keys only matter then", () => {
    expect([...computeClassWeights(weather, { rain: 3 }).weights]).toEqual([1, 3, 1]);
    expect([...computeClassWeights(weather, new Map([['sun', 0.5]])).weights]).toEqual([1, 1, 0.5]);
    // Every class is listed: the extra "snow" is ignored, as scikit-learn does.
    expect([...computeClassWeights(weather, { fog: 1, rain: 2, sun: 0.5, snow: 9 }).weights]).toEqual([1, 2, 0.5]);
    expect(() => computeClassWeights(weather, { rain: 3, snow: 2 })).toThrow(
      /"fog", "sun" are not in the class weights/,
    );
    expect(() => computeClassWeights(weather, { rain: -1 })).toThrow(/strategyOrSpec\["rain"\]/);
    expect([...computeClassWeights(weather, [1, 2, 3]).weights]).toEqual([1, 2, 3]);
    expect([...computeClassWeights(weather, null).weights]).toEqual([1, 1, 1]);
  });

  it("resolves the spec's other strategies as core does for every trainer", () => {
    // median_frequency: f = [1/6, 1/6, 4/6], median 1/6, weights median / f_c.
    expect([...computeClassWeights(weather, 'median_frequency').weights]).toEqual([1, 1, 0.25]);
    // max_ratio: max(n_c) / n_c.
    expect([...computeClassWeights(weather, 'max_ratio').weights]).toEqual([4, 4, 1]);
    // effective_number (Cui et al.): (1 - b) / (1 - b^n_c), scaled so the C weights sum to C.
    const raw = [0.5 / (1 - 0.5), 0.5 / (1 - 0.5), 0.5 / (1 - 0.5 ** 4)];
    const sum = raw.reduce((total, value) => total + value, 0);
    const effective = computeClassWeights(weather, { strategy: 'effective_number', beta: 0.5 }).weights;
    [...effective].forEach((weight, index) => {
      expect(weight).toBeCloseTo((3 * (raw[index] as number)) / sum, 12);
    });
    // A whole spec works too, clip included: balanced [2, 2, 0.5] clipped to max 1.5.
    const spec = {
      specVersion: 1,
      loss: { kind: 'softmax_cross_entropy' },
      class: { strategy: 'balanced', clip: { max: 1.5 } },
    } as const;
    expect([...computeClassWeights(weather, spec).weights]).toEqual([1.5, 1.5, 0.5]);
  });

  it('gives a class named in `classes` but absent from the labels 0, and counts it in C', () => {
    const result = computeClassWeights(weather, 'balanced', { classes: ['fog', 'rain', 'sun', 'snow'] });
    expect([...result.weights]).toEqual([6 / (4 * 1), 6 / (4 * 1), 6 / (4 * 4), 0]);
  });

  it('rejects unknown strategy names, sigmoid specs and bad spec blocks with typed errors', () => {
    expect(() => computeClassWeights(weather, 'balance' as never)).toThrow(
      expect.objectContaining({ code: 'WS_INVALID_INPUT' }),
    );
    expect(() =>
      computeClassWeights(weather, {
        specVersion: 1,
        loss: { kind: 'sigmoid_cross_entropy' },
        class: { strategy: 'balanced' },
      }),
    ).toThrow(/softmax_cross_entropy spec/);
    expect(() => computeClassWeights(weather, { strategy: 'effective_number', beta: 2 })).toThrow(
      expect.objectContaining({ code: 'WS_INVALID_SPEC' }),
    );
    expect(() => computeClassWeights(['a', 'b'], 'balanced', { classes: ['a'] })).toThrow(/labels\[1\]/);
    expect(() => computeClassWeights([], 'balanced', { classes: ['a'] })).toThrow(/labels: is empty/);
    expect([...computeClassWeights([], { a: 2 }, { classes: ['a'] }).weights]).toEqual([2]);
  });
});

describe('computeSampleWeights', () => {
  it("matches scikit-learn's compute_sample_weight('balanced', y)", () => {
    // y = [1,1,1,1,0,0]: n / (C n_c) = 6/8 for class 1 and 6/4 for class 0.
    expect([...computeSampleWeights([1, 1, 1, 1, 0, 0], 'balanced')]).toEqual([0.75, 0.75, 0.75, 0.75, 1.5, 1.5]);
  });

  it('multiplies per-output class weights for multi-output labels (the product rule)', () => {
    // Output 0 = [1,1,2,1]: balanced 4/(2*3) = 2/3 for 1, 4/(2*1) = 2 for 2.
    // Output 1 = [a,b,b,b]: 2 for a, 2/3 for b. Products by row; scikit-learn 1.2.1 prints the same.
    const labels = [
      [1, 'a'],
      [1, 'b'],
      [2, 'b'],
      [1, 'b'],
    ] as unknown as (string | number)[][];
    const balanced = computeSampleWeights(labels, 'balanced');
    [(2 / 3) * 2, (2 / 3) * (2 / 3), 2 * (2 / 3), (2 / 3) * (2 / 3)].forEach((expected, row) => {
      expect(balanced[row]).toBeCloseTo(expected, 12);
    });
    const perOutput = computeSampleWeights(labels, [
      { 1: 1, 2: 5 },
      { a: 2, b: 1 },
    ]);
    expect([...perOutput]).toEqual([2, 1, 5, 1]);
    expect(() => computeSampleWeights(labels, { 1: 1 })).toThrow(/one strategy per output/);
    expect(() => computeSampleWeights(labels, [{ 1: 1 }])).toThrow(/gives 1 strategies for 2 outputs/);
  });

  it('multiplies in per-sample weights, and a mean_one spec rescales them', () => {
    expect([...computeSampleWeights(['a', 'b', 'b'], 'balanced', { sampleWeights: [1, 2, 0] })]).toEqual([
      1.5 * 1,
      0.75 * 2,
      0,
    ]);
    const spec = {
      specVersion: 1,
      loss: { kind: 'softmax_cross_entropy' },
      class: { strategy: 'balanced' },
      sample: { normalize: 'mean_one' },
    } as const;
    // Balanced weights are [1, 1]; s = [1, 3] has mean 2, so s / 2 = [0.5, 1.5].
    expect([...computeSampleWeights(['a', 'b'], spec, { sampleWeights: [1, 3] })]).toEqual([0.5, 1.5]);
    expect(() => computeSampleWeights(['a', 'b'], spec, { sampleWeights: [1] })).toThrow(/sampleWeights: has 1/);
  });
});
