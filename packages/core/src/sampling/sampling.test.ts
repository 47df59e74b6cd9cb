import { describe, expect, it } from 'vitest';
import { computeSampleWeights } from '../weights/compute-sample-weights.ts';
import { classBalancedBatches } from './class-balanced-batches.ts';
import { downsampleAndUpweight } from './downsample-and-upweight.ts';
import { weightedSampler } from './weighted-sampler.ts';

// Statistical checks use fixed seeds (so they are deterministic) and bounds of 4 standard errors that
// the test computes from the exact distribution, not from the sampler's output.

const mean = (values: readonly number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;

describe('weightedSampler (PyTorch WeightedRandomSampler semantics)', () => {
  const weights = [1, 2, 3, 0, 4];
  const quantity = [10, -2, 5, 100, 1];
  const total = 10;
  const probabilities = weights.map((weight) => weight / total);

  it('with replacement: the sample mean of f estimates the weighted mean within 4 standard errors', () => {
    const numSamples = 20000;
    const drawn = weightedSampler(weights, { numSamples, seed: 7 });
    expect(drawn.length).toBe(numSamples);
    // Weighted mean sum w f / sum w = (10 - 4 + 15 + 0 + 4) / 10 = 2.5.
    const weightedMean = probabilities.reduce((sum, p, index) => sum + p * (quantity[index] as number), 0);
    expect(weightedMean).toBeCloseTo(2.5, 12);
    const variance = probabilities.reduce((sum, p, index) => sum + p * ((quantity[index] as number) - 2.5) ** 2, 0);
    const estimate = mean(Array.from(drawn, (index) => quantity[index] as number));
    expect(Math.abs(estimate - weightedMean)).toBeLessThan(4 * Math.sqrt(variance / numSamples));
    // Each index is drawn with frequency w_i / sum w; a zero weight is never drawn.
    probabilities.forEach((p, index) => {
      const frequency = drawn.filter((value) => value === index).length / numSamples;
      expect(Math.abs(frequency - p)).toBeLessThanOrEqual(4 * Math.sqrt((p * (1 - p)) / numSamples));
    });
  });

  it('without replacement: ordered pairs follow sequential draws w_i/W * w_j/(W - w_i)', () => {
    const pairWeights = [1, 2, 3];
    const runs = 6000;
    const counts = new Map<string, number>();
    for (let seed = 0; seed < runs; seed += 1) {
      const [first, second] = weightedSampler(pairWeights, { numSamples: 2, replacement: false, seed });
      expect(first).not.toBe(second);
      const key = `${first},${second}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    for (let first = 0; first < 3; first += 1)
      for (let second = 0; second < 3; second += 1) {
        if (first === second) continue;
        const wFirst = pairWeights[first] as number;
        const p = (wFirst / 6) * ((pairWeights[second] as number) / (6 - wFirst));
        const frequency = (counts.get(`${first},${second}`) ?? 0) / runs;
        expect(Math.abs(frequency - p)).toBeLessThanOrEqual(4 * Math.sqrt((p * (1 - p)) / runs));
      }
  });

  it('without replacement draws every non-zero weight once when numSamples equals their count', () => {
    const drawn = weightedSampler(weights, { numSamples: 4, replacement: false, seed: 3 });
    expect([...drawn].sort()).toEqual([0, 1, 2, 4]);
    expect(weightedSampler(weights, { numSamples: 4, replacement: false, seed: 3 })).toEqual(drawn);
  });

  it('raises the errors PyTorch raises, as typed WS_INVALID_INPUT errors', () => {
    expect(() => weightedSampler(weights, { numSamples: 5, replacement: false, seed: 1 })).toThrow(
      /not enough non-zero weights/,
    );
    expect(() => weightedSampler(weights, { numSamples: 6, replacement: false, seed: 1 })).toThrow(
      /cannot sample 6 > 5 indices without replacement/,
    );
    expect(() => weightedSampler([0, 0], { numSamples: 1, seed: 1 })).toThrow(/sum of weights <= 0/);
    expect(() => weightedSampler([1, -1], { numSamples: 1, seed: 1 })).toThrow(/weights\[1\]: must be >= 0/);
    expect(() => weightedSampler([1], { numSamples: 0, seed: 1 })).toThrow(/numSamples/);
    expect(() => weightedSampler([[1, 2]] as never, { numSamples: 1, seed: 1 })).toThrow(/weights\[0\]/);
    expect(() => weightedSampler([1], undefined as never)).toThrow(/options: must be an object/);
    expect(() => weightedSampler([1], { numSamples: 1 } as never)).toThrow(
      expect.objectContaining({ code: 'WS_INVALID_INPUT', field: 'seed' }),
    );
  });
});

describe('classBalancedBatches', () => {
  const labels = [...new Array<string>(90).fill('a'), ...new Array<string>(9).fill('b'), 'c'];

  it('gives every class the same share of each batch, rotating the remainder', () => {
    const batches = classBalancedBatches(labels, { batchSize: 6, numBatches: 50, seed: 1 });
    for (const batch of batches) {
      const classOf = Array.from(batch, (row) => labels[row]);
      expect(['a', 'b', 'c'].map((name) => classOf.filter((label) => label === name).length)).toEqual([2, 2, 2]);
    }
    // batchSize 7 = 2 per class + 1 extra, given to a, b, c in turn: 7 of each over 3 batches.
    const rotated = classBalancedBatches(labels, { batchSize: 7, numBatches: 3, seed: 1 }).flatMap((batch) =>
      Array.from(batch, (row) => labels[row]),
    );
    expect(['a', 'b', 'c'].map((name) => rotated.filter((label) => label === name).length)).toEqual([7, 7, 7]);
    expect(classBalancedBatches(labels, { batchSize: 10, seed: 1 }).length).toBe(10);
  });

  it('rejects an empty label list, a bad batch size and a missing seed', () => {
    expect(() => classBalancedBatches([], { batchSize: 2, seed: 1 })).toThrow(/labels: needs at least one label/);
    expect(() => classBalancedBatches(labels, { batchSize: 0, seed: 1 })).toThrow(/batchSize/);
    expect(() => classBalancedBatches(labels, { batchSize: 2, numBatches: 1.5, seed: 1 })).toThrow(/numBatches/);
    expect(() => classBalancedBatches(labels, { batchSize: 2 } as never)).toThrow(/seed/);
  });

  it("agrees in expectation with 'balanced' class weights: the batch mean estimates the weighted mean", () => {
    const quantity = labels.map((label, row) => (label === 'a' ? 0 : label === 'b' ? 5 : 10) + Math.sin(row));
    const weights = computeSampleWeights(labels, 'balanced');
    const weightSum = weights.reduce((sum, weight) => sum + weight, 0);
    const weightedMean = quantity.reduce((sum, value, row) => sum + (weights[row] as number) * value, 0) / weightSum;
    const batches = classBalancedBatches(labels, { batchSize: 30, numBatches: 20, seed: 11 });
    const rows = batches.flatMap((batch) => Array.from(batch));
    const estimate = mean(rows.map((row) => quantity[row] as number));
    // The estimate is (1/C) sum_c (mean of m_c draws of class c); its variance is at most
    // sum_c Var_c / (C^2 m_c) (draws without replacement within a pass vary less).
    const perClassDraws = rows.length / 3;
    const variance = ['a', 'b', 'c'].reduce((sum, name) => {
      const values = quantity.filter((_, row) => labels[row] === name);
      const classMean = mean(values);
      const classVariance = mean(values.map((value) => (value - classMean) ** 2));
      return sum + classVariance / (9 * perClassDraws);
    }, 0);
    expect(Math.abs(estimate - weightedMean)).toBeLessThanOrEqual(4 * Math.sqrt(variance) + 1e-12);
  });
});

describe('downsampleAndUpweight (Google ML Crash Course)', () => {
  const labels = [...new Array<string>(1000).fill('negative'), ...new Array<string>(50).fill('positive')];

  it('keeps 1 in k majority rows with weight k and every minority row with weight 1', () => {
    const result = downsampleAndUpweight(labels, { factor: 10, seed: 1 });
    expect(result.majorityClass).toBe('negative');
    expect(result.keptMajority).toBe(100);
    expect(result.factor).toBe(10);
    expect(result.indices.length).toBe(150);
    const kept = Array.from(result.indices, (row) => labels[row]);
    expect(kept.filter((label) => label === 'positive').length).toBe(50);
    result.indices.forEach((row, index) => {
      expect(result.sampleWeights[index]).toBe(labels[row] === 'negative' ? 10 : 1);
    });
    // targetRatio 2:1 from 20:1 is the same factor 10.
    expect(downsampleAndUpweight(labels, { targetRatio: 2, seed: 1 }).keptMajority).toBe(100);
    // 1000 / 3 is not whole: round(333.3) = 333 rows kept, each weighted 1000/333 so the total stays 1000.
    expect(downsampleAndUpweight(labels, { factor: 3, seed: 1 }).factor).toBeCloseTo(1000 / 333, 12);
  });

  it('agrees in expectation: the weighted sum over kept rows is unbiased for the sum over all rows', () => {
    const quantity = labels.map((label, row) => (label === 'positive' ? 3 : 0) + 5 * Math.sin(row * 0.37));
    const fullSum = quantity.reduce((sum, value) => sum + value, 0);
    const majority = quantity.slice(0, 1000);
    const majorityMean = mean(majority);
    const populationVariance = majority.reduce((sum, value) => sum + (value - majorityMean) ** 2, 0) / 999;
    const kept = 100;
    // Sampling m of N without replacement: Var(N * sample mean) = N^2 (1 - m/N) S^2 / m.
    const estimateVariance = 1000 ** 2 * (1 - kept / 1000) * (populationVariance / kept);
    const runs = 200;
    const estimates = Array.from({ length: runs }, (_, seed) => {
      const result = downsampleAndUpweight(labels, { factor: 10, seed });
      return Array.from(result.indices).reduce(
        (sum, row, index) => sum + (result.sampleWeights[index] as number) * (quantity[row] as number),
        0,
      );
    });
    expect(Math.abs((estimates[0] as number) - fullSum)).toBeLessThan(4 * Math.sqrt(estimateVariance));
    expect(Math.abs(mean(estimates) - fullSum)).toBeLessThan(4 * Math.sqrt(estimateVariance / runs));
  });

  it('rejects a factor below 1, a target ratio above the data, both or neither option, one class', () => {
    expect(() => downsampleAndUpweight(labels, { factor: 0.5, seed: 1 })).toThrow(/factor/);
    expect(() => downsampleAndUpweight(labels, { targetRatio: 30, seed: 1 })).toThrow(/already at 20:1/);
    expect(() => downsampleAndUpweight(labels, { factor: 2, targetRatio: 2, seed: 1 })).toThrow(/exactly one/);
    expect(() => downsampleAndUpweight(labels, { seed: 1 })).toThrow(/exactly one/);
    expect(() => downsampleAndUpweight(['a', 'a'], { factor: 2, seed: 1 })).toThrow(/two classes/);
  });
});
