import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { hasErrorCode } from '@weightspec/core';
import { uniqueColumnNames, readCsvRecords } from './csv-record-reader.ts';
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
    expect((thrown as Error).message).toContain(`${missing}: cannot read the file (ENOENT: no such file or directory)`);
  });
});

/** RFC 4180 as the test writes it, independently of the reader: quote a field when it needs it. */
function writeCsv(rows: readonly (readonly string[])[], lineBreak: string): string {
  const quote = (field: string) => (/[",\r\n]/.test(field) ? `"${field.replaceAll('"', '""')}"` : field);
  return rows.map((row) => row.map(quote).join(',')).join(lineBreak) + lineBreak;
}

async function recordsOf(text: string, options: { chunkBytes?: number; maxRecordCharacters?: number }) {
  const path = join(folder.path, `file-${Math.random().toString(36).slice(2)}.csv`);
  writeFileSync(path, text);
  const result = [];
  for await (const record of readCsvRecords(path, options)) result.push(record.fields);
  return result;
}

describe('readCsvRecords (properties and hostile input)', () => {
  const field = fc.string({ unit: fc.constantFrom('a', 'é', '😀', ',', '"', '\n', ' ', '1') });
  // A row whose only field is empty is written as a blank line, which CSV readers skip; keep rows non-blank.
  const row = fc
    .array(field, { minLength: 1, maxLength: 5 })
    .filter((cells) => !(cells.length === 1 && cells[0] === ''));

  it('reads back what an RFC 4180 writer wrote, whatever the chunk size (boundaries fall mid-quote, mid-CRLF, mid-character)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(row, { maxLength: 6 }),
        fc.constantFrom('\n', '\r\n'),
        fc.integer({ min: 1, max: 9 }),
        async (rows, lineBreak, chunkBytes) => {
          // Line breaks inside quoted fields come back as LF (CRLF normalized), as the reader documents.
          const expected = rows.map((cells) => cells.map((cell) => cell.replaceAll('\r\n', '\n')));
          expect(await recordsOf(writeCsv(rows, lineBreak), { chunkBytes })).toEqual(expected);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('arbitrary text: records or a typed error, never another exception', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: fc.constantFrom('a', ',', '"', '\n', '\r', '\u0000', '\uFEFF') }),
        fc.integer({ min: 1, max: 5 }),
        async (text, chunkBytes) => {
          const outcome = await recordsOf(text, { chunkBytes, maxRecordCharacters: 16 }).catch(
            (error: unknown) => error,
          );
          if (!Array.isArray(outcome)) expect(hasErrorCode(outcome, 'WS_INVALID_INPUT')).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a stray quote near the top of a large file fails at its line once the record passes the limit', async () => {
    const body = Array.from({ length: 20_000 }, (_, index) => `${index},${index % 3}`).join('\n');
    const thrown = await recordsOf(`a,b\n1,2\n3,"4\n${body}\n`, { maxRecordCharacters: 1000 }).catch(
      (error: unknown) => error,
    );
    expect(hasErrorCode(thrown, 'WS_INVALID_INPUT')).toBe(true);
    expect((thrown as Error).message).toMatch(
      /\.csv:3: a quoted field that starts on this line is still open after 1000 characters/,
    );
  });

  it('/dev/zero (no line break, ever) is a typed error, not a crash or an endless read', async () => {
    const thrown = await (async () => {
      for await (const _ of readCsvRecords('/dev/zero', { maxRecordCharacters: 100_000 })) {
        // no record is expected
      }
    })().catch((error: unknown) => error);
    expect(hasErrorCode(thrown, 'WS_INVALID_INPUT')).toBe(true);
    expect((thrown as Error).message).toBe(
      '/dev/zero:1: a record longer than 100000 characters (no line break); is this a CSV file?',
    );
  });

  it('names both columns of a duplicate header', () => {
    expect(() => uniqueColumnNames('data.csv:1', ['a', ' b', 'c', 'b '])).toThrow(
      'data.csv:1: columns 2 and 4 are both named "b"; column names must be unique',
    );
    expect(uniqueColumnNames('data.csv:1', [' a', 'b'])).toEqual(['a', 'b']);
  });
});
