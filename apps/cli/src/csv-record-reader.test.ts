import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hasErrorCode } from '@weightspec/core';
import { readCsvRecords } from './csv-record-reader.ts';
import { temporaryFolder } from './test-cli-process.ts';

const folder = temporaryFolder('csv');
afterAll(() => folder.remove());

async function records(text: string) {
  const path = join(folder.path, `file-${Math.random().toString(36).slice(2)}.csv`);
  writeFileSync(path, text);
  const result = [];
  for await (const record of readCsvRecords(path)) result.push(record);
  return result;
}

describe('readCsvRecords', () => {
  it("splits plain and quoted fields (commas, doubled quotes, line breaks) and keeps each record's first line", async () => {
    // RFC 4180 examples written out by hand.
    const text = '\uFEFFa,b\r\n1,"x, y"\r\n\r\n2,"say ""hi"""\n3,"two\nlines"\n4,\n';
    expect(await records(text)).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['1', 'x, y'] },
      { line: 4, fields: ['2', 'say "hi"'] },
      { line: 5, fields: ['3', 'two\nlines'] },
      { line: 7, fields: ['4', ''] },
    ]);
  });

  it('reports a quoted field left open at the end of the file with the line it started on', async () => {
    const thrown = await records('a,b\n1,"open\n2,3\n').catch((error: unknown) => error);
    expect(hasErrorCode(thrown, 'WS_INVALID_INPUT')).toBe(true);
    expect((thrown as Error).message).toMatch(/file-\w+\.csv:2: a quoted field is not closed/);
  });

  it('turns a missing file into WS_INVALID_INPUT naming the path', async () => {
    const missing = join(folder.path, 'missing.csv');
    const iterator = readCsvRecords(missing);
    const thrown = await iterator.next().catch((error: unknown) => error);
    expect(hasErrorCode(thrown, 'WS_INVALID_INPUT')).toBe(true);
    expect((thrown as Error).message).toContain(`${missing}: cannot read the file (ENOENT)`);
  });
});
