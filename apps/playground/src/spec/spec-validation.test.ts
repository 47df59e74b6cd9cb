import { describe, expect, it } from 'vitest';
import { presetText } from './spec-presets.ts';
import { validateSpecText } from './spec-validation.ts';

/** 1-based line of the first line containing `needle`, found by reading the text (not by the parser). */
const lineOf = (text: string, needle: string) => text.split('\n').findIndex((line) => line.includes(needle)) + 1;

describe('validateSpecText', () => {
  it('accepts a preset and returns the parsed spec with defaults', () => {
    const result = validateSpecText(presetText('balanced'));
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.spec.class?.strategy).toBe('balanced');
      expect(result.spec.reduction?.kind ?? 'weighted_mean').toBe('weighted_mean');
    }
  });

  it('places a bad enum value at its JSON path and line', () => {
    const text = presetText('deferred').replace('"balanced"', '"balancd"');
    const result = validateSpecText(text);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.issues).toHaveLength(1);
      expect(result.issues[0]).toMatchObject({ jsonPath: '$.class.strategy', line: lineOf(text, 'balancd') });
    }
  });

  it('places an unknown key at the key itself and a bad array item at its index', () => {
    const text = [
      '{',
      '  "specVersion": 1,',
      '  "loss": { "kind": "softmax_cross_entropy" },',
      '  "adaptive": [',
      '    { "kind": "focal", "gamma": 2 },',
      '    { "kind": "focal", "gamma": -1 }',
      '  ],',
      '  "clas": {}',
      '}',
    ].join('\n');
    const result = validateSpecText(text);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      const byPath = new Map(result.issues.map((issue) => [issue.jsonPath, issue]));
      expect(byPath.get('$.adaptive[1].gamma')?.line).toBe(6);
      expect(byPath.get('$')?.line).toBe(8);
      expect(byPath.get('$')?.message).toContain('clas');
    }
  });

  it('reports a syntax error at its line and column', () => {
    // Line 3 lacks the comma after `1`: the parser meets `"loss"` at line 3, column 3.
    const text = '{\n  "specVersion": 1\n  "loss": { "kind": "mse" }\n}';
    const result = validateSpecText(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues[0]).toMatchObject({ jsonPath: '$', line: 3, column: 3 });
  });

  it('points an unsupported version at specVersion, and a missing block at the object lacking it', () => {
    const version = validateSpecText('{\n  "specVersion": 2,\n  "loss": { "kind": "mse" }\n}');
    expect(version.ok).toBe(false);
    if (!version.ok) expect(version.issues[0]).toMatchObject({ jsonPath: '$.specVersion', line: 2 });
    const missing = validateSpecText('\n{ "specVersion": 1 }');
    expect(missing.ok).toBe(false);
    if (!missing.ok) expect(missing.issues[0]).toMatchObject({ jsonPath: '$.loss', line: 2 });
  });

  it('allows // comments, as weightspec init writes them', () => {
    const result = validateSpecText('// starter\n{ "specVersion": 1, "loss": { "kind": "mse" } }');
    expect(result.ok).toBe(true);
  });
});
