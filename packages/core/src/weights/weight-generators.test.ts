import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { prepareWeightingComputation } from '../prepare-weighting.ts';
import { createSeededRandom } from '../random/seeded-random.ts';
import { referenceWeightedLoss } from '../reference/reference-weighted-loss.ts';
import { squaredDistanceTransform } from './euclidean-distance-transform.ts';
import { inverseVarianceWeights } from './inverse-variance-weights.ts';
import { labelDistributionSmoothingWeights, ldsKernelWindow } from './label-distribution-smoothing.ts';
import { parseDuration, recencyWeights } from './recency-weights.ts';
import { unetWeightMap } from './unet-weight-map.ts';

const day = 86_400_000;

describe('recencyWeights', () => {
  it('halves the weight every half-life, measured from the newest timestamp', () => {
    // Ages 20, 10, 0 with half-life 10: 2^-2, 2^-1, 2^0.
    expect([...recencyWeights([0, 10, 20], { halfLife: 10 })]).toEqual([0.25, 0.5, 1]);
    expect([...recencyWeights([0, 10, 20], { halfLife: 10, min: 0.3 })]).toEqual([0.3, 0.5, 1]);
    const dates = [new Date('2024-01-01'), new Date('2024-01-03'), new Date('2024-01-02')];
    const weights = recencyWeights(dates, { halfLife: '2d' });
    expect(weights[0]).toBe(0.5);
    expect(weights[1]).toBe(1);
    expect(weights[2]).toBeCloseTo(2 ** -0.5, 15);
  });

  it('parses durations and rejects bad ones, bad timestamps and a non-positive half-life', () => {
    expect(parseDuration('90d')).toBe(90 * day);
    expect(parseDuration('12h')).toBe(12 * 3_600_000);
    expect(parseDuration('2w')).toBe(14 * day);
    expect(parseDuration('1.5d')).toBe(1.5 * day);
    expect(() => parseDuration('3 months')).toThrow(/halfLife: must be a duration/);
    expect(() => parseDuration('0d')).toThrow(/longer than 0/);
    expect(() => recencyWeights([1, Number.NaN], { halfLife: 1 })).toThrow(/timestamps\[1\]/);
    expect(() => recencyWeights([new Date('nope')], { halfLife: '1d' })).toThrow(/invalid Date/);
    expect(() => recencyWeights([1], { halfLife: 0 })).toThrow(/halfLife/);
    expect(() => recencyWeights([1], { halfLife: 1, min: 2 })).toThrow(/min/);
  });
});

describe('inverseVarianceWeights', () => {
  it('is 1 / sigma^2 and rejects sigma <= 0 by index', () => {
    expect([...inverseVarianceWeights([0.5, 2, 1])]).toEqual([4, 0.25, 1]);
    expect(() => inverseVarianceWeights([1, 0])).toThrow(
      expect.objectContaining({ code: 'WS_INVALID_INPUT', field: 'sigma[1]' }),
    );
    expect(() => inverseVarianceWeights(Float64Array.of(-1))).toThrow(/sigma\[0\]: must be a standard deviation > 0/);
    expect(() => inverseVarianceWeights([1e-200])).toThrow(/overflows/);
  });
});

describe('labelDistributionSmoothingWeights (Yang et al. 2021)', () => {
  // Targets binned by width 1 from 0: bins [0,0,1,1,1,2,3,0,0,1], counts [4, 4, 1, 1].
  const targets = [0.2, 0.7, 1.1, 1.5, 1.9, 2.2, 3.9, 0.4, 0.5, 1.2];

  it('without smoothing (kernel size 1) is inverse frequency scaled to mean 1, worked by hand', () => {
    // 1/count per target: eight 1/4 and two 1; sum 4, scale 10/4 = 2.5.
    const result = labelDistributionSmoothingWeights(targets, { binWidth: 1, origin: 0, kernelSize: 1 });
    expect([...result.density]).toEqual([4, 4, 1, 1]);
    expect([...result.weights]).toEqual([0.625, 0.625, 0.625, 0.625, 0.625, 2.5, 2.5, 0.625, 0.625, 0.625]);
  });

  it("matches Yang et al.'s code (scipy 1.10.1 gaussian_filter1d window, convolve1d constant)", () => {
    // Fixture printed by get_lds_kernel_window('gaussian', 5, 2) and _prepare_weights' formulas in scipy.
    const window = ldsKernelWindow(5, 2);
    [0.85828524, 0.94582765, 1, 0.94582765, 0.85828524].forEach((value, index) => {
      expect(window[index]).toBeCloseTo(value, 8);
    });
    [0.7260696, 1, 0.7260696].forEach((value, index) => {
      expect(ldsKernelWindow(3, 1)[index]).toBeCloseTo(value, 7);
    });
    const inverse = labelDistributionSmoothingWeights(targets, { binWidth: 1, origin: 0 });
    [8.64159583, 9.58742348, 9.1622792, 5.3789686].forEach((value, index) => {
      expect(inverse.smoothedDensity[index]).toBeCloseTo(value, 7);
    });
    const inverseWeights = [0.98472575, 0.98472575, 0.88757964, 0.88757964, 0.88757964, 0.92876475, 1.58201368];
    inverseWeights.forEach((value, index) => {
      expect(inverse.weights[index]).toBeCloseTo(value, 7);
    });
    const sqrt = labelDistributionSmoothingWeights(targets, { binWidth: 1, origin: 0, reweight: 'sqrt_inverse' });
    [1.05396991, 1.05396991, 0.87894982, 0.87894982, 0.87894982, 0.90137671, 1.36694435].forEach((value, index) => {
      expect(sqrt.weights[index]).toBeCloseTo(value, 7);
    });
  });

  it('bins over [min, max] by default with mean-one weights, and rejects bad options', () => {
    const result = labelDistributionSmoothingWeights(targets, { bins: 4 });
    expect(result.weights.reduce((sum, value) => sum + value, 0)).toBeCloseTo(targets.length, 10);
    expect(result.binOf[6]).toBe(3); // the maximum lands in the last bin
    expect(() => labelDistributionSmoothingWeights(targets, { kernelSize: 4 })).toThrow(/kernelSize: must be odd/);
    expect(() => labelDistributionSmoothingWeights(targets, { binWidth: 1, origin: 1 })).toThrow(/origin/);
    expect(() => labelDistributionSmoothingWeights([], {})).toThrow(/targets: must not be empty/);
    expect(() => labelDistributionSmoothingWeights([0, 1e300], { binWidth: 1e-300 })).toThrow(/wider bins/);
  });
});

describe('unetWeightMap (Ronneberger et al. 2015)', () => {
  it('worked by hand on one row: a gap of 3 background pixels between two objects', () => {
    // Background pixels 2, 3, 4 are 1+3, 2+2, 3+1 pixels from the two objects: d1 + d2 = 4.
    // Balanced class term over 7 pixels: background 7 / (2 * 3), foreground 7 / (2 * 4).
    const [row] = unetWeightMap([[1, 1, 0, 0, 0, 2, 2]]);
    const border = 10 * Math.exp(-(4 * 4) / (2 * 5 * 5));
    const expected = [7 / 8, 7 / 8, 7 / 6 + border, 7 / 6 + border, 7 / 6 + border, 7 / 8, 7 / 8];
    expected.forEach((value, index) => {
      expect(row?.[index]).toBeCloseTo(value, 12);
    });
    // borderOn 'all': inside an object d1 = 0 and d2 is the distance to the other object (4 or 5).
    const [literal] = unetWeightMap([[1, 1, 0, 0, 0, 2, 2]], { borderOn: 'all' });
    expect(literal?.[0]).toBeCloseTo(7 / 8 + 10 * Math.exp(-25 / 50), 12);
    expect(literal?.[1]).toBeCloseTo(7 / 8 + 10 * Math.exp(-16 / 50), 12);
  });

  it('uses Euclidean distances in 2-D and no border term with a single object', () => {
    const map = unetWeightMap(
      [
        [1, 0, 0],
        [0, 0, 0],
        [0, 0, 2],
      ],
      { classWeights: { background: 1, foreground: 1 } },
    );
    // Centre: sqrt(2) from each object; (0,1): 1 and sqrt(5); (0,2): 2 and 2.
    expect(map[1]?.[1]).toBeCloseTo(1 + 10 * Math.exp(-((2 * Math.SQRT2) ** 2) / 50), 12);
    expect(map[0]?.[1]).toBeCloseTo(1 + 10 * Math.exp(-((1 + Math.sqrt(5)) ** 2) / 50), 12);
    expect(map[0]?.[2]).toBeCloseTo(1 + 10 * Math.exp(-16 / 50), 12);
    expect(unetWeightMap([[0, 3, 0]], { classWeights: { background: 1, foreground: 2 } })).toEqual([[1, 2, 1]]);
  });

  it('equals the map computed with scipy distance_transform_edt on a 12x14 image with 4 objects', () => {
    // Fixture: /usr/bin/python3 packages/core/scripts/generate-unet-weight-map-fixture.py (scipy 1.10.1).
    const fixture = JSON.parse(
      readFileSync(new URL('../../fixtures/unet-weight-map-fixture.json', import.meta.url), 'utf8'),
    ) as { instances: number[][]; weights: number[][] };
    const map = unetWeightMap(fixture.instances);
    fixture.weights.forEach((row, rowIndex) => {
      row.forEach((value, column) => {
        expect(map[rowIndex]?.[column]).toBeCloseTo(value, 12);
      });
    });
  });

  it("feeds a dense softmax output's element weights (SPEC row-major element order)", () => {
    const map = unetWeightMap([[1, 0, 2]], { classWeights: { background: 1, foreground: 1 } });
    const computation = prepareWeightingComputation(
      { specVersion: 1, loss: { kind: 'softmax_cross_entropy' } },
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
        targets: [[[1, 0, 1]]],
        elementWeights: [map.flat()],
      },
    );
    const { weights } = referenceWeightedLoss(computation.spec, computation.scheduled, computation.batch);
    // The gap pixel is 1 px from each object: 1 + 10 exp(-(1 + 1)^2 / 50).
    expect([...weights]).toEqual([1, 1 + 10 * Math.exp(-4 / 50), 1]);
  });

  it('rejects ragged rows and ids that are not non-negative integers', () => {
    expect(() => unetWeightMap([[0, 1], [0]])).toThrow(/instances\[1\]/);
    expect(() => unetWeightMap([[0, -1]])).toThrow(/instances\[0\]\[1\]/);
    expect(() => unetWeightMap([[0, 1.5]])).toThrow(/instance id/);
  });

  it('computes exact distances: the transform equals brute force on a random image', () => {
    const random = createSeededRandom(5);
    const height = 9;
    const width = 11;
    const sources = Array.from({ length: height * width }, () => random() < 0.08);
    const transform = squaredDistanceTransform((index) => sources[index] === true, height, width);
    for (let index = 0; index < height * width; index += 1) {
      let best = Number.POSITIVE_INFINITY;
      sources.forEach((isSource, source) => {
        if (!isSource) return;
        const rows = Math.floor(index / width) - Math.floor(source / width);
        const columns = (index % width) - (source % width);
        best = Math.min(best, rows * rows + columns * columns);
      });
      expect(transform[index]).toBe(best);
    }
    expect([...squaredDistanceTransform(() => false, 2, 2)]).toEqual([
      Number.POSITIVE_INFINITY,
      Number.POSITIVE_INFINITY,
      Number.POSITIVE_INFINITY,
      Number.POSITIVE_INFINITY,
    ]);
  });
});
