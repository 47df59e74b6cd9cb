import { countClasses, hasErrorCode, parseWeightingSpec, resolveWeighting } from '@weightspec/core';
import { describe, expect, it } from 'vitest';
import { SPEC_PRESETS, presetById, presetText } from './spec-presets.ts';

// Counts worked by hand: n = 10, C = 3.
const stats = countClasses([0, 0, 0, 0, 0, 0, 1, 1, 1, 2], 3);

describe('spec presets', () => {
  it('offers the five presets the issue names, each a valid spec with a unique id', () => {
    expect(SPEC_PRESETS.map((preset) => preset.id)).toEqual([
      'balanced',
      'effective-number',
      'focal',
      'deferred',
      'curriculum',
    ]);
    for (const preset of SPEC_PRESETS) expect(() => parseWeightingSpec(presetText(preset.id)), preset.id).not.toThrow();
  });

  it('balanced resolves to n / (C n_c) (scikit-learn compute_class_weight)', () => {
    const resolved = resolveWeighting(parseWeightingSpec(presetById('balanced').document), { stats });
    const expected = [10 / (3 * 6), 10 / (3 * 3), 10 / (3 * 1)];
    resolved.classWeights?.forEach((weight, index) => {
      expect(weight).toBeCloseTo(expected[index] as number, 12);
    });
  });

  it('effective number resolves to (1 - beta) / (1 - beta^n_c) scaled to sum to C (Cui et al. 2019)', () => {
    const beta = 0.999;
    const raw = [6, 3, 1].map((count) => (1 - beta) / (1 - beta ** count));
    const total = raw.reduce((sum, value) => sum + value, 0);
    const expected = raw.map((value) => (value * 3) / total);
    const resolved = resolveWeighting(parseWeightingSpec(presetById('effective-number').document), { stats });
    resolved.classWeights?.forEach((weight, index) => {
      expect(weight).toBeCloseTo(expected[index] as number, 12);
    });
  });

  it('deferred starts at epoch 10 and curriculum paces by the model loss', () => {
    const deferred = parseWeightingSpec(presetById('deferred').document);
    expect(deferred.class?.schedule).toMatchObject({ kind: 'deferred', start: 10 });
    const curriculum = parseWeightingSpec(presetById('curriculum').document);
    expect(curriculum.curriculum).toMatchObject({ difficulty: 'loss', pacing: { kind: 'root', start: 0.3 } });
    expect(parseWeightingSpec(presetById('focal').document).adaptive?.[0]).toMatchObject({ kind: 'focal', gamma: 2 });
  });

  it('an unknown preset is WS_INVALID_INPUT naming the known ones', () => {
    let caught: unknown;
    try {
      presetById('smote');
    } catch (error) {
      caught = error;
    }
    expect(hasErrorCode(caught, 'WS_INVALID_INPUT')).toBe(true);
    expect((caught as Error).message).toContain('balanced, effective-number');
  });
});
