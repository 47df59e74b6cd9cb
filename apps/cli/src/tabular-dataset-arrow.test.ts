import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { WeightspecError, hasErrorCode } from '@weightspec/core';
import { loadTabularDataset } from './tabular-dataset.ts';
import { temporaryFolder } from './test-cli-process.ts';

const folder = temporaryFolder('arrow');
afterAll(() => folder.remove());

let fileCount = 0;
function writeArrow(bytes: Uint8Array): string {
  fileCount += 1;
  const path = join(folder.path, `table-${fileCount}.arrow`);
  writeFileSync(path, bytes);
  return path;
}

/** Numbers that break naive readers: non-finite, signed zero, subnormal and the float64 edge. */
const hostileNumber = fc.constantFrom(Number.NaN, Infinity, -Infinity, -0, 1e-320, 1e308, -1, 0, 2.5);

/** The outcome every reader keeps: a dataset whose numbers are all finite, or a typed error. */
async function expectDatasetOrTypedError(path: string, columns: Parameters<typeof loadTabularDataset>[1]) {
  const outcome = await loadTabularDataset(path, columns).catch((error: unknown) => error);
  if (outcome instanceof Error || WeightspecError.isInstance(outcome)) {
    expect(WeightspecError.isInstance(outcome)).toBe(true);
    return;
  }
  const dataset = outcome as Awaited<ReturnType<typeof loadTabularDataset>>;
  for (const value of dataset.features.values) expect(Number.isFinite(value)).toBe(true);
  for (const weight of dataset.sampleWeights ?? []) expect(Number.isFinite(weight) && weight >= 0).toBe(true);
}

describe('loadTabularDataset on hostile Arrow files', () => {
  it('arbitrary feature and weight values: finite numbers in the dataset or a typed error', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(hostileNumber, hostileNumber, fc.constantFrom('a', 'b')), { minLength: 1, maxLength: 6 }),
        async (rows) => {
          const table = tableFromArrays({
            x: Float64Array.from(rows.map((row) => row[0])),
            w: Float64Array.from(rows.map((row) => row[1])),
            y: rows.map((row) => row[2]),
          });
          await expectDatasetOrTypedError(writeArrow(tableToIPC(table)), { labelColumn: 'y', sampleWeightColumn: 'w' });
        },
      ),
      { numRuns: 15 },
    );
  });

  it('damaged bytes (a valid file with bytes overwritten or cut): a dataset or a typed error', async () => {
    const table = tableFromArrays({ x: Float64Array.from([1, 2, 3, 4]), y: ['a', 'b', 'a', 'b'] });
    const bytes = tableToIPC(table);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(bytes.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
        fc.nat(bytes.length),
        async (edits, cut) => {
          // Each case decodes in a guard worker (~0.5 s), so the run count is kept small.
          const damaged = bytes.slice(0, Math.max(cut, 1));
          for (const [position, value] of edits) if (position < damaged.length) damaged[position] = value;
          await expectDatasetOrTypedError(writeArrow(damaged), { labelColumn: 'y' });
        },
      ),
      { numRuns: 25 },
    );
  });

  it('a string or null sample weight is an error naming the row, never a number or 0 (SPEC)', async () => {
    const strings = tableFromArrays({ x: Float64Array.from([1, 2]), y: ['a', 'b'], w: ['1', '2'] });
    const thrown = await loadTabularDataset(writeArrow(tableToIPC(strings)), {
      labelColumn: 'y',
      sampleWeightColumn: 'w',
    }).catch((error: unknown) => error);
    expect(hasErrorCode(thrown, 'WS_INVALID_INPUT')).toBe(true);
    expect((thrown as Error).message).toMatch(/row 1: column "w": "1" is not a finite decimal number$/);
    const nulls = tableFromArrays({ x: Float64Array.from([1, 2]), y: ['a', 'b'], w: [1, null] });
    const thrownForNull = await loadTabularDataset(writeArrow(tableToIPC(nulls)), {
      labelColumn: 'y',
      sampleWeightColumn: 'w',
    }).catch((error: unknown) => error);
    expect((thrownForNull as Error).message).toMatch(/row 2: column "w": null is not a finite decimal number$/);
  });
});
