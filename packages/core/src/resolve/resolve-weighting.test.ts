import { describe, expect, it } from 'vitest';
import { parseWeightingSpec } from '../spec/parse-weighting-spec.ts';
import {
  countClasses,
  countLabels,
  mergeClassStatistics,
  mergeSampleWeightStatistics,
  sampleWeightStatistics,
} from '../stats/class-statistics.ts';
import { resolveWeighting } from './resolve-weighting.ts';
import {
  classWeightExponent,
  curriculumAdmitCount,
  curriculumFactorsByRank,
  curriculumFraction,
  hardMiningKeepCount,
  resolveSchedules,
  selfPacedThreshold,
} from './resolve-schedules.ts';

const softmax = (classBlock: unknown) =>
  parseWeightingSpec({ specVersion: 1, loss: { kind: 'softmax_cross_entropy' }, class: classBlock });
// Counts n = (6, 3, 1): n = 10, C = 3.
const stats = countClasses([0, 0, 0, 0, 0, 0, 1, 1, 1, 2], 3);

describe('softmax class weights (each value worked by hand from n = (6, 3, 1))', () => {
  const weightsOf = (classBlock: unknown) => resolveWeighting(softmax(classBlock), { stats }).classWeights;

  it('balanced = n / (C n_c), as scikit-learn', () => {
    expect(weightsOf({ strategy: 'balanced' })).toEqual([10 / 18, 10 / 9, 10 / 3]);
  });
  it('inverse_frequency scales n_c^-p so that sum_i c_{y_i} = n', () => {
    // p = 1: raw (1/6, 1/3, 1); sum_c n_c raw_c = 3; scale 10/3.
    const inverse = weightsOf({ strategy: 'inverse_frequency' }) as number[];
    [10 / 18, 10 / 9, 10 / 3].forEach((value, index) => {
      expect(inverse[index]).toBeCloseTo(value, 12);
    });
    const half = weightsOf({ strategy: 'inverse_frequency', power: 0.5 }) as number[];
    const mean = (6 * (half[0] as number) + 3 * (half[1] as number) + (half[2] as number)) / 10;
    expect(mean).toBeCloseTo(1, 12);
    expect((half[0] as number) / (half[2] as number)).toBeCloseTo(6 ** -0.5, 12);
  });
  it('median_frequency = median(f) / f_c', () => {
    // f = (0.6, 0.3, 0.1), median 0.3.
    const weights = weightsOf({ strategy: 'median_frequency' }) as number[];
    [0.5, 1, 3].forEach((value, index) => {
      expect(weights[index]).toBeCloseTo(value, 12);
    });
  });
  it('effective_number = (1-b)/(1-b^n_c) scaled to sum C (Cui et al. 2019)', () => {
    const raw = [6, 3, 1].map((count) => 0.9 / (1 - 0.9 ** count) / 10);
    const weights = weightsOf({ strategy: 'effective_number', beta: 0.9 }) as number[];
    const total = raw.reduce((a, b) => a + b, 0);
    raw.forEach((value, index) => {
      expect(weights[index]).toBeCloseTo((value * 3) / total, 12);
    });
    expect(weights.reduce((a, b) => a + b, 0)).toBeCloseTo(3, 12);
  });
  it('max_ratio = max(n)/n_c, clip bounds it, empty classes get 0', () => {
    expect(weightsOf({ strategy: 'max_ratio' })).toEqual([1, 2, 6]);
    expect(weightsOf({ strategy: 'max_ratio', clip: { min: 1.5, max: 4 } })).toEqual([1.5, 2, 4]);
    const withEmpty = resolveWeighting(softmax({ strategy: 'max_ratio', clip: { min: 1 } }), {
      stats: { kind: 'classes', classCounts: [4, 0, 2] },
    });
    expect(withEmpty.classWeights).toEqual([1, 0, 2]);
  });
  it('manual weights, array or map with default; wrong length is an input error', () => {
    expect(weightsOf({ strategy: 'manual', weights: { '2': 5 }, default: 0.5 })).toEqual([0.5, 0.5, 5]);
    expect(() => weightsOf({ strategy: 'manual', weights: [1, 2] })).toThrow(
      /gives 2 class weights but the data has C = 3/,
    );
    expect(() => weightsOf({ strategy: 'manual', weights: { '7': 1 } })).toThrow(/out of range/);
  });
});

describe('sigmoid class weights', () => {
  const spec = (classBlock: unknown) =>
    parseWeightingSpec({ specVersion: 1, loss: { kind: 'sigmoid_cross_entropy' }, class: classBlock });
  // Two labels over 4 samples: label 0 positives 1 of 4, label 1 positives 2 of 4.
  const labelStats = countLabels([1, 0, 0, 1, 0, 0, 0, 1], 2);

  it('balanced a+ = n/(2 n+), a- = n/(2 n-)', () => {
    const resolved = resolveWeighting(spec({ strategy: 'balanced' }), { stats: labelStats });
    expect(resolved.positiveWeights).toEqual([2, 1]);
    expect(resolved.negativeWeights).toEqual([4 / 6, 1]);
  });
  it('positive_ratio a+ = n-/n+ (PyTorch pos_weight), a- = 1', () => {
    const resolved = resolveWeighting(spec({ strategy: 'positive_ratio' }), { stats: labelStats });
    expect(resolved.positiveWeights).toEqual([3, 1]);
    expect(resolved.negativeWeights).toEqual([1, 1]);
  });
});

describe('statistics', () => {
  it('merge shard counts into the counts of the whole', () => {
    const labels = [0, 2, 2, 1, 0, 0, 2, 1, 1, 1];
    const merged = mergeClassStatistics(countClasses(labels.slice(0, 4), 3), countClasses(labels.slice(4), 3));
    expect(merged).toEqual(countClasses(labels, 3));
    const weights = [1, 2, 3, 4];
    expect(
      mergeSampleWeightStatistics(
        sampleWeightStatistics(weights.slice(0, 1)),
        sampleWeightStatistics(weights.slice(1)),
      ),
    ).toEqual({ weightSum: 10, sampleCount: 4 });
  });
  it('mean_one divides by the mean; a zero mean leaves the weights 0 (SPEC pinned rule 6)', () => {
    const spec = parseWeightingSpec({ specVersion: 1, loss: { kind: 'mse' }, sample: { normalize: 'mean_one' } });
    expect(resolveWeighting(spec, { sampleWeights: { weightSum: 8, sampleCount: 4 } }).sampleWeightScale).toBe(0.5);
    expect(resolveWeighting(spec, { sampleWeights: { weightSum: 0, sampleCount: 4 } }).sampleWeightScale).toBe(1);
  });
  it('mean_one whose 1/mean or sum overflows float64 is WS_INVALID_SPEC at sample.normalize (pinned rule 11)', () => {
    const spec = parseWeightingSpec({ specVersion: 1, loss: { kind: 'mse' }, sample: { normalize: 'mean_one' } });
    for (const weightSum of [2e-320, Number.POSITIVE_INFINITY])
      expect(() => resolveWeighting(spec, { sampleWeights: { weightSum, sampleCount: 2 } })).toThrow(
        expect.objectContaining({ code: 'WS_INVALID_SPEC', message: expect.stringContaining('$.sample.normalize') }),
      );
  });
  it('inverse_frequency with a huge power is computed in log space (pinned rule 11)', () => {
    // n = (4, 2), p = 2000: raw (4^-2000, 2^-2000) underflow; relative to the rarest: (2^-2000, 1).
    // sum_c n_c w_c = n fixes the scale: w_1 = 6 / (4 * 2^-2000 + 2) = 3 (to float64), w_0 = 3 * 2^-2000 = 0.
    const weights = resolveWeighting(softmax({ strategy: 'inverse_frequency', power: 2000 }), {
      stats: { kind: 'classes', classCounts: [4, 2] },
    }).classWeights;
    expect(weights).toEqual([0, 3]);
  });
});

describe('schedules (values worked by hand)', () => {
  const clock = (epoch: number, extra: object = {}) => ({ epoch, step: 0, ...extra });

  it('class weight exponent: deferred switches at start, anneal is linear and clamped', () => {
    expect(classWeightExponent({ kind: 'deferred', start: 3, unit: 'epoch' }, clock(2))).toBe(0);
    expect(classWeightExponent({ kind: 'deferred', start: 3, unit: 'epoch' }, clock(3))).toBe(1);
    const anneal = { kind: 'anneal', from: 1, to: 0, over: [2, 6] as [number, number], unit: 'epoch' } as const;
    expect([0, 2, 3, 6, 9].map((epoch) => classWeightExponent(anneal, clock(epoch)))).toEqual([1, 1, 0.75, 0, 0]);
    // Pinned rule 1: t0 = t1 gives `to` from t1 on (t >= t1 is checked first), `from` before.
    const instant = { kind: 'anneal', from: 0, to: 1, over: [3, 3] as [number, number], unit: 'epoch' } as const;
    expect([2, 3, 4].map((epoch) => classWeightExponent(instant, clock(epoch)))).toEqual([0, 1, 1]);
  });

  it('tau = 0 at epoch 0 whatever the totals, so no total is needed there (pinned rule 7)', () => {
    const curriculum = parseWeightingSpec({
      specVersion: 1,
      loss: { kind: 'mse' },
      curriculum: { difficulty: 'provided', pacing: { kind: 'linear', start: 0.3 } },
    }).curriculum!;
    expect(curriculumFraction(curriculum, clock(0))).toBe(0.3);
  });

  it('exponential pacing with c far above 709 and logarithmic with e^-c underflowing stay finite (rule 11)', () => {
    const at = (pacing: object, epoch: number) =>
      curriculumFraction(
        parseWeightingSpec({ specVersion: 1, loss: { kind: 'mse' }, curriculum: { difficulty: 'provided', pacing } })
          .curriculum!,
        clock(epoch, { totalEpochs: 10 }),
      );
    // (e^{cx}-1)/(e^c-1) with c = 1000: e^{-500} at x = 0.5 (0 to float64 printing), 1 at x = 1, 0 at x = 0.
    expect(at({ kind: 'exponential', start: 0.2, c: 1000 }, 5)).toBeCloseTo(0.2 + 0.8 * Math.exp(-500), 15);
    expect(at({ kind: 'exponential', start: 0.2, c: 1000 }, 10)).toBe(1);
    // 1 + ln(0 + e^-c)/c = 0 exactly at x = 0, even where e^-c underflows (c = 800): g = start.
    expect(at({ kind: 'logarithmic', start: 0.2, c: 800 }, 0)).toBeCloseTo(0.2, 12);
    expect(at({ kind: 'logarithmic', start: 0.2, c: 800 }, 5)).toBeCloseTo(0.2 + 0.8 * (1 + Math.log(0.5) / 800), 12);
  });

  it('pacing functions at tau = 0.3 with start 0.2 and fullAt 0.6 (x = 0.5)', () => {
    const at = (pacing: object) =>
      curriculumFraction(
        parseWeightingSpec({ specVersion: 1, loss: { kind: 'mse' }, curriculum: { difficulty: 'provided', pacing } })
          .curriculum!,
        clock(3, { totalEpochs: 10 }),
      );
    const base = { start: 0.2, fullAt: 0.6 };
    expect(at({ kind: 'linear', ...base })).toBeCloseTo(0.2 + 0.8 * 0.5, 12);
    expect(at({ kind: 'quadratic', ...base })).toBeCloseTo(0.2 + 0.8 * 0.25, 12);
    expect(at({ kind: 'root', ...base })).toBeCloseTo(0.2 + 0.8 * Math.SQRT1_2, 12);
    expect(at({ kind: 'exponential', ...base })).toBeCloseTo(0.2 + (0.8 * (Math.exp(5) - 1)) / (Math.exp(10) - 1), 12);
    expect(at({ kind: 'logarithmic', ...base, c: 2 })).toBeCloseTo(
      0.2 + 0.8 * (1 + Math.log(0.5 + Math.exp(-2)) / 2),
      12,
    );
    expect(at({ kind: 'step', ...base, levels: 3 })).toBeCloseTo(0.2 + 0.8 * (1 / 3), 12);
    // fixed_exponential: 0.2 * 1.5^floor(3/2) = 0.3.
    expect(at({ kind: 'fixed_exponential', start: 0.2, increase: 1.5, every: 2 })).toBeCloseTo(0.3, 12);
    expect(
      () =>
        at({ kind: 'linear', start: 0.5 }) &&
        curriculumFraction(
          parseWeightingSpec({
            specVersion: 1,
            loss: { kind: 'mse' },
            curriculum: { difficulty: 'provided', pacing: { kind: 'linear', start: 0.5 } },
          }).curriculum!,
          clock(1),
        ),
    ).toThrow(/totalEpochs/);
  });

  it('self-paced threshold grows by mu every `every` ticks', () => {
    expect(selfPacedThreshold({ threshold: 2, growth: 1.5, every: 2, unit: 'epoch' }, clock(5))).toBeCloseTo(
      2 * 1.5 ** 2,
      12,
    );
  });

  it('keep and admit counts ignore float noise (0.7 * 10 is 7, not 8)', () => {
    expect(hardMiningKeepCount({ keepFraction: 0.7, minKeep: 1 }, 10)).toBe(7);
    expect(hardMiningKeepCount({ keepFraction: 0.01, minKeep: 3 }, 10)).toBe(3);
    expect(hardMiningKeepCount({ keepFraction: 0.5, minKeep: 20 }, 10)).toBe(10);
    expect(curriculumAdmitCount(0.3, 10)).toBe(3);
    expect(curriculumAdmitCount(0.31, 10)).toBe(4);
  });

  it('curriculum factors by rank, worked by hand from SPEC curriculum (M = 5, g = 0.4, softness 0.25)', () => {
    // select: ceil(0.4 * 5) = 2 easiest admitted.
    expect(Array.from(curriculumFactorsByRank({ mode: 'select', softness: 0.25 }, 0.4, 5))).toEqual([1, 1, 0, 0, 0]);
    // soft: quantiles 0.2 0.4 0.6 0.8 1.0; past g: 1 - (0.6 - 0.4) / 0.25 = 0.2, then max(0, 1 - 0.4 / 0.25) = 0.
    const soft = Array.from(curriculumFactorsByRank({ mode: 'soft', softness: 0.25 }, 0.4, 5));
    expect(soft.slice(0, 2)).toEqual([1, 1]);
    expect(soft[2]).toBeCloseTo(0.2, 12);
    expect(soft.slice(3)).toEqual([0, 0]);
    // g = 1 admits everyone in both modes; no samples gives no factors.
    expect(Array.from(curriculumFactorsByRank({ mode: 'soft', softness: 0.1 }, 1, 3))).toEqual([1, 1, 1]);
    expect(curriculumFactorsByRank({ mode: 'select', softness: 0.1 }, 0.5, 0)).toHaveLength(0);
  });

  it('resolveSchedules powers class weights by alpha; an empty class is 0 unless alpha = 0 (0^0 = 1)', () => {
    const spec = softmax({ strategy: 'max_ratio', schedule: { kind: 'anneal', from: 0, to: 1, over: [1, 5] } });
    const resolved = resolveWeighting(spec, { stats: { kind: 'classes', classCounts: [8, 2, 0] } });
    const scheduled = resolveSchedules(spec, resolved, clock(3));
    expect(scheduled.classWeightExponent).toBe(0.5);
    expect(scheduled.scheduledClassWeights).toEqual([1, 2, 0]);
    // Pinned rule 1: before the anneal starts alpha = 0 and every class weight is 1, the empty one too.
    expect(resolveSchedules(spec, resolved, clock(0)).scheduledClassWeights).toEqual([1, 1, 1]);
  });

  it('a class weight whose power overflows float64 is WS_INVALID_SPEC at class.schedule (rule 11)', () => {
    const spec = softmax({
      strategy: 'manual',
      weights: [1e200, 1],
      schedule: { kind: 'anneal', from: 1, to: 2, over: [0, 1] },
    });
    const resolved = resolveWeighting(spec, { numClasses: 2 });
    expect(() => resolveSchedules(spec, resolved, clock(1))).toThrow(
      expect.objectContaining({ code: 'WS_INVALID_SPEC', message: expect.stringContaining('$.class.schedule') }),
    );
  });
});

describe('statistics from users (stats options, JSON)', () => {
  const balanced = softmax({ strategy: 'balanced' });
  it('checks them in resolveWeighting: malformed counts are typed errors, never a TypeError', () => {
    const resolve = (given: unknown) => () => resolveWeighting(balanced, { numClasses: 3, stats: given as never });
    expect(resolve('x')).toThrow(
      expect.objectContaining({ code: 'WS_INVALID_INPUT', message: 'stats: must be an object' }),
    );
    expect(resolve({ counts: [1, 2, 3] })).toThrow(/stats: needs classCounts, or positiveCounts and negativeCounts/);
    expect(resolve({ classCounts: [6, -3, 1] })).toThrow(
      /stats.classCounts\[1\]: counts must be finite numbers >= 0, got -3/,
    );
    expect(resolve({ kind: 'classes', classCounts: [6, '2', 1] })).toThrow(
      /stats.classCounts\[1\]: counts must be finite numbers >= 0, got "2"/,
    );
  });

  it('accepts the conformance-vector form without `kind` and gives what countClasses gives', () => {
    // n = (6, 3, 1): balanced = n / (C n_c) = 10/18, 10/9, 10/3 (scikit-learn's formula, by hand).
    const fromJson = resolveWeighting(balanced, { numClasses: 3, stats: { classCounts: [6, 3, 1] } as never });
    expect(fromJson.classWeights).toEqual(resolveWeighting(balanced, { numClasses: 3, stats }).classWeights);
    expect(fromJson.classWeights?.[2]).toBeCloseTo(10 / 3, 12);
  });

  it('takes fractional counts (weighted or merged estimates): balanced = n / (C n_c) with real n_c', () => {
    // By hand: n = 409.6 + 410.6 = 820.2, so the weights are 820.2 / 819.2 and 820.2 / 821.2.
    const twoClasses = { specVersion: 1, loss: { kind: 'softmax_cross_entropy' }, class: { strategy: 'balanced' } };
    const resolved = resolveWeighting(parseWeightingSpec(twoClasses), {
      numClasses: 2,
      stats: { kind: 'classes', classCounts: [409.6, 410.6] },
    });
    expect(resolved.classWeights?.[0]).toBeCloseTo(820.2 / 819.2, 12);
    expect(resolved.classWeights?.[1]).toBeCloseTo(820.2 / 821.2, 12);
    expect(() =>
      resolveWeighting(parseWeightingSpec(twoClasses), {
        numClasses: 2,
        stats: { classCounts: [1, Number.NaN] } as never,
      }),
    ).toThrow('stats.classCounts[1]: counts must be finite numbers >= 0, got NaN');
  });

  it('names a label that is not a class index, quoting strings', () => {
    expect(() => countClasses(['1' as unknown as number], 3)).toThrow(
      'labels[0]: class index "1" is not an integer in [0, 3)',
    );
  });
});
