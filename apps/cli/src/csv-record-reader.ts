import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { InvalidInputError } from '@weightspec/core';
import { splitCsvLine } from '@weightspec/conformance/datasets';

/** One CSV record and the 1-based line it starts on (for error messages). */
export interface CsvRecord {
  readonly line: number;
  readonly fields: string[];
}

/**
 * Streams RFC 4180 CSV records from a file, line by line through node:readline, so memory stays
 * bounded by the longest record, not the file. Quoted fields may contain commas, doubled quotes and
 * line breaks. Blank lines are skipped. A file that ends inside quotes is an InvalidInputError.
 */
export async function* readCsvRecords(path: string): AsyncGenerator<CsvRecord> {
  const stream = createReadStream(path, { encoding: 'utf8' });
  const opened = new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', reject);
  });
  try {
    await opened;
  } catch (cause) {
    throw new InvalidInputError(
      path,
      `cannot read the file (${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message})`,
      { cause },
    );
  }
  const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  let lineNumber = 0;
  let startLine = 0;
  let fields: string[] = [];
  let pending: string | null = null;
  try {
    for await (const rawLine of lines) {
      lineNumber += 1;
      const text = lineNumber === 1 && rawLine.charCodeAt(0) === 0xfeff ? rawLine.slice(1) : rawLine;
      if (pending === null) {
        if (text === '') continue;
        startLine = lineNumber;
        if (!text.includes('"')) {
          yield { line: startLine, fields: text.split(',') };
          continue;
        }
      }
      const split = splitCsvLine(text, fields, pending);
      if (split.open) {
        pending = split.pending;
        continue;
      }
      yield { line: startLine, fields };
      fields = [];
      pending = null;
    }
  } finally {
    lines.close();
    stream.destroy();
  }
  if (pending !== null)
    throw new InvalidInputError(`${path}:${startLine}`, 'a quoted field is not closed before the end of the file');
}
