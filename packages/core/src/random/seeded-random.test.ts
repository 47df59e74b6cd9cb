import { describe, expect, it } from 'vitest';
import { createSeededRandom, shuffleInPlace } from './seeded-random.ts';

describe('createSeededRandom', () => {
  it('repeats for a seed, differs across seeds, stays in [0, 1)', () => {
    const first = Array.from({ length: 5 }, createSeededRandom(7));
    expect(Array.from({ length: 5 }, createSeededRandom(7))).toEqual(first);
    expect(Array.from({ length: 5 }, createSeededRandom(8))).not.toEqual(first);
    const draws = Array.from({ length: 10000 }, createSeededRandom(1));
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThan(1);
    // Mean of U[0,1) is 1/2; 10000 draws have a standard error of about 0.003.
    expect(draws.reduce((sum, value) => sum + value, 0) / draws.length).toBeCloseTo(0.5, 1);
  });

  it('shuffles in place to a permutation', () => {
    const values = Int32Array.from({ length: 50 }, (_, index) => index);
    shuffleInPlace(values, createSeededRandom(3));
    expect([...values].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, index) => index));
    expect([...values]).not.toEqual(Array.from({ length: 50 }, (_, index) => index));
  });
});
