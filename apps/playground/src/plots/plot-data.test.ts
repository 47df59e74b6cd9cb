import { parseWeightingSpec } from '@weightspec/core';
import { describe, expect, it } from 'vitest';
import { classWeightBars, effectiveSampleWeights, histogram, scheduleSeries } from './plot-data.ts';

// n = 10 rows in C = 3 classes with counts 6, 3, 1: balanced weights n / (C n_c) = 10/18, 10/9, 10/3.
const labels = [0, 0, 0, 0, 0, 0, 1, 1, 1, 2];
const classNames = ['common', 'middle', 'rare'];
const balanced = [10 / 18, 10 / 9, 10 / 3];
const setupFor = (document: unknown, epochs = 4) => ({
  spec: parseWeightingSpec(document),
  labels,
  classNames,
  epochs,
  stepsPerEpoch: 2,
});
const loss = { kind: 'softmax_cross_entropy' };

describe('plot data', () => {
  it('pairs class counts with resolved weights; balanced gives every class the same total', () => {
    const bars = classWeightBars(setupFor({ specVersion: 1, loss, class: { strategy: 'balanced' } }));
    expect(bars.map((bar) => bar.count)).toEqual([6, 3, 1]);
    bars.forEach((bar, index) => {
      expect(bar.weight).toBeCloseTo(balanced[index] as number, 12);
      expect(bar.totalWeight).toBeCloseTo(10 / 3, 12);
    });
    const plain = classWeightBars(setupFor({ specVersion: 1, loss }));
    expect(plain.map((bar) => bar.weight)).toEqual([1, 1, 1]);
  });

  it('follows a deferred schedule: unweighted (alpha 0) before start, c from it (LDAM-DRW)', () => {
    const series = scheduleSeries(
      setupFor({ specVersion: 1, loss, class: { strategy: 'balanced', schedule: { kind: 'deferred', start: 2 } } }),
    );
    expect(series.map((point) => point.exponent)).toEqual([0, 0, 1, 1]);
    expect(series[1]?.classWeights).toEqual([1, 1, 1]);
    series[3]?.classWeights.forEach((weight, index) => {
      expect(weight).toBeCloseTo(balanced[index] as number, 12);
    });
  });

  it('anneals alpha linearly over [t0, t1] and evaluates step schedules at each epoch start', () => {
    const anneal = scheduleSeries(
      setupFor({
        specVersion: 1,
        loss,
        class: { strategy: 'balanced', schedule: { kind: 'anneal', from: 0, to: 1, over: [0, 4], unit: 'step' } },
      }),
    );
    // Two steps per epoch: epoch e starts at step 2e, so alpha = min(2e / 4, 1).
    expect(anneal.map((point) => point.exponent)).toEqual([0, 0.5, 1, 1]);
    expect(anneal[1]?.classWeights[2]).toBeCloseTo(Math.sqrt(10 / 3), 12);
  });

  it('gives the curriculum pacing g(t) = b + (1 - b) sqrt(min(t / (T a), 1)) for root pacing', () => {
    const series = scheduleSeries(
      setupFor(
        { specVersion: 1, loss, curriculum: { difficulty: 'loss', pacing: { kind: 'root', start: 0.3, fullAt: 0.8 } } },
        10,
      ),
    );
    series.forEach((point, epoch) => {
      expect(point.curriculumFraction).toBeCloseTo(0.3 + 0.7 * Math.sqrt(Math.min(epoch / 10 / 0.8, 1)), 12);
    });
    expect(scheduleSeries(setupFor({ specVersion: 1, loss }))[0]?.curriculumFraction).toBeNull();
  });

  it('divides effective weights by their mean, so 1 means unweighted', () => {
    // Mean of c_{y_i} under balanced is (6 * 10/18 + 3 * 10/9 + 10/3) / 10 = 1, so w_i = c_{y_i}.
    const weights = effectiveSampleWeights(setupFor({ specVersion: 1, loss, class: { strategy: 'balanced' } }), 0);
    labels.forEach((label, index) => {
      expect(weights[index]).toBeCloseTo(balanced[label] as number, 12);
    });
    const manual = effectiveSampleWeights(
      setupFor({ specVersion: 1, loss, class: { strategy: 'manual', weights: [2, 2, 6] } }),
      0,
    );
    // Mean of 2, 2, 6 per row: (6 * 2 + 3 * 2 + 6) / 10 = 2.4.
    expect(manual[0]).toBeCloseTo(2 / 2.4, 12);
    expect(manual[9]).toBeCloseTo(6 / 2.4, 12);
  });

  it('bins values into equal-width bins, the last one closed', () => {
    expect(histogram([0, 1, 2, 3, 4], 2)).toEqual([
      { from: 0, to: 2, count: 2 },
      { from: 2, to: 4, count: 3 },
    ]);
    expect(histogram([5, 5, 5], 4)).toEqual([{ from: 5, to: 5, count: 3 }]);
    expect(histogram([], 4)).toEqual([]);
    // A shared range compares two distributions bin by bin: [0, 8] in 4 bins of width 2.
    expect(histogram([1, 1, 3], 4, [0, 8]).map((bin) => bin.count)).toEqual([2, 1, 0, 0]);
  });
});
