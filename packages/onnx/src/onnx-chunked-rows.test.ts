import { describe, expect, it } from 'vitest';
import { scoreRowsInChunks } from './onnx-chunked-rows.ts';

/** A row's score that depends on the row only (so any chunking must give the same array). */
const rowScore = (row: number) => row * 0.5 + 0.25;

describe('scoreRowsInChunks', () => {
  it('scores every row once, in order, whatever the chunk size (all rows, and a list of rows)', async () => {
    const indices = Int32Array.of(9, 2, 7, 7, 0, 4, 11, 3, 1, 10, 5);
    for (const chunkRows of [1, 2, 4, 11, 100]) {
      const seen: number[] = [];
      const score = async (chunk: Int32Array) => {
        expect(chunk.length).toBeLessThanOrEqual(chunkRows);
        seen.push(...chunk);
        return Array.from(chunk, rowScore);
      };
      // Expected: the direct per-row formula over 0..11 and over the list, worked independently.
      expect(Array.from(await scoreRowsInChunks(12, null, score, chunkRows))).toEqual(
        Array.from({ length: 12 }, (_, row) => rowScore(row)),
      );
      expect(seen).toEqual(Array.from({ length: 12 }, (_, row) => row));
      seen.length = 0;
      expect(Array.from(await scoreRowsInChunks(indices.length, indices, score, chunkRows))).toEqual(
        Array.from(indices, rowScore),
      );
      expect(seen).toEqual(Array.from(indices));
    }
  });

  it('calls nothing for zero rows', async () => {
    let calls = 0;
    const result = await scoreRowsInChunks(0, null, async () => {
      calls += 1;
      return [];
    });
    expect(result).toHaveLength(0);
    expect(calls).toBe(0);
  });
});
