import { describe, expect, it } from 'vitest';
import { composeSampleWeights } from './compose-sample-weights.ts';

describe('composeSampleWeights', () => {
  it('multiplies class, sample and curriculum weights (values by hand)', () => {
    const weights = composeSampleWeights({
      labels: Int32Array.of(0, 1, 1, 2),
      classWeights: Float64Array.of(2, 0.5, 4),
      sampleWeights: Float64Array.of(1, 2, 3, 0.5),
      sampleWeightScale: 0.5,
      curriculumWeights: Float64Array.of(1, 1, 0, 0.25),
    });
    // 2*1*0.5*1, 0.5*2*0.5*1, 0.5*3*0.5*0, 4*0.5*0.5*0.25
    expect(Array.from(weights)).toEqual([1, 0.5, 0, 0.25]);
    expect(
      Array.from(composeSampleWeights({ labels: Int32Array.of(5, 7), sampleWeights: Float64Array.of(2, 3) })),
    ).toEqual([2, 3]);
  });

  it('rejects a label without a class weight and mismatched lengths', () => {
    expect(() => composeSampleWeights({ labels: Int32Array.of(0, 3), classWeights: Float64Array.of(1, 1) })).toThrow(
      /labels\[1\]: class 3 has no class weight/,
    );
    expect(() => composeSampleWeights({ labels: Int32Array.of(0, -1), classWeights: Float64Array.of(1, 1) })).toThrow(
      /class -1/,
    );
    expect(() => composeSampleWeights({ labels: Int32Array.of(0, 1), sampleWeights: Float64Array.of(1) })).toThrow(
      /length 1 does not match 2/,
    );
  });
});
