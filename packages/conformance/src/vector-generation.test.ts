import { describe, expect, it } from 'vitest';
import { buildVectors } from '../scripts/build-vectors.ts';
import { defaultVectorDirectory, loadVectorsSync } from './vector/load-vectors.ts';

describe('committed vectors', () => {
  // buildVectors re-derives every expected value from the reference, re-checks every reference
  // gradient against finite differences and every hand-worked or published value; it throws on any
  // disagreement, so this test fails when the reference math drifts from those independent values.
  const rebuilt = buildVectors();
  const { vectors, problems } = loadVectorsSync([defaultVectorDirectory()]);

  it('are exactly what the generator produces (run `pnpm --filter @weightspec/conformance generate`)', () => {
    expect(problems).toEqual([]);
    const committed = Object.fromEntries(vectors.map((vector) => [vector.id, vector]));
    expect(Object.keys(committed).sort()).toEqual(rebuilt.map((vector) => vector.id).sort());
    for (const vector of rebuilt) {
      const {
        file: _file,
        tolerance: _tolerance,
        ...stored
      } = committed[vector.id] as unknown as Record<string, unknown>;
      const { tolerance: _rebuiltTolerance, ...fresh } = vector;
      expect(stored, vector.id).toEqual(JSON.parse(JSON.stringify(fresh)));
    }
  });

  it('cover every error code that data can trigger and at least a dozen independent checks', () => {
    const codes = new Set(vectors.map((vector) => vector.expected.error).filter(Boolean));
    expect([...codes].sort()).toEqual([
      'WS_INVALID_INPUT',
      'WS_INVALID_SPEC',
      'WS_UNSUPPORTED_VERSION',
      'WS_ZERO_DENOMINATOR',
    ]);
    const independent = vectors.filter((vector) => vector.source.includes('independently worked'));
    expect(independent.length).toBeGreaterThanOrEqual(12);
  });

  it('include every pacing kind in both modes, every reduction and every zero-denominator policy', () => {
    const ids = new Set(vectors.map((vector) => vector.id));
    for (const pacing of ['linear', 'quadratic', 'root', 'exponential', 'logarithmic', 'step', 'fixed_exponential'])
      for (const mode of ['select', 'soft'])
        expect(ids.has(`curriculum/${pacing}-${mode}`), `${pacing}-${mode}`).toBe(true);
    for (const reduction of ['sum', 'mean', 'weighted-mean', 'nonzero-mean'])
      expect(ids.has(`reduction/${reduction}`)).toBe(true);
    for (const policy of ['zero', 'nan', 'error']) expect(ids.has(`zero-denominator/empty-batch-${policy}`)).toBe(true);
  });

  it('pin every SPEC v1.1 rule and cover dense outputs with independently computed values', () => {
    for (let rule = 1; rule <= 12; rule += 1)
      expect(
        vectors.some((vector) => vector.id.startsWith(`pinned/rule-${rule}-`)),
        `a vector for pinned rule ${rule}`,
      ).toBe(true);
    const dense = vectors.filter((vector) => vector.id.startsWith('dense/'));
    expect(dense.length).toBeGreaterThanOrEqual(12);
    const independentDense = dense.filter((vector) => vector.source.includes('scripts/independent-loss.ts'));
    expect(independentDense.length).toBeGreaterThanOrEqual(12);
  });
});
