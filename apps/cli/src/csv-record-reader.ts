import { createReadStream } from 'node:fs';
import { InvalidInputError, describeValue } from '@weightspec/core';
import { fileSystemError } from './file-system-errors.ts';

/** One CSV record and the 1-based line it starts on (for error messages). */
export interface CsvRecord {
  readonly line: number;
  readonly fields: string[];
}

/**
 * Longest record the reader holds (characters, line breaks inside quotes included). Memory stays
 * bounded by construction: a stray quote near the top of a 56 MB file, a file without line breaks or
 * /dev/zero fail here with a typed error instead of buffering the rest of the input.
 */
export const MAX_CSV_RECORD_CHARACTERS = 1 << 20;

/** Options for {@link readCsvRecords}. */
export interface CsvReadOptions {
  /** Longest record accepted (default {@link MAX_CSV_RECORD_CHARACTERS}). */
  readonly maxRecordCharacters?: number;
  /** Bytes per read (default 64 KiB); tests use tiny chunks to put every boundary mid-record. */
  readonly chunkBytes?: number;
}

/**
 * Streams RFC 4180 CSV records from a file in 64 KiB chunks, so memory stays bounded by the longest
 * record (at most `maxRecordCharacters`), not the file. Quoted fields may contain commas, doubled
 * quotes and line breaks (CRLF inside quotes is kept as LF). LF, CRLF and a lone CR end a record;
 * blank lines are skipped; a leading byte-order mark is dropped. A file that ends inside quotes, or a
 * record beyond the limit, is an InvalidInputError naming the line the record starts on.
 */
export async function* readCsvRecords(path: string, options: CsvReadOptions = {}): AsyncGenerator<CsvRecord> {
  const limit = options.maxRecordCharacters ?? MAX_CSV_RECORD_CHARACTERS;
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: options.chunkBytes ?? 1 << 16 });
  let line = 1;
  let startLine = 1;
  let fields: string[] = [];
  let field = '';
  /** Unquoted, inside quotes, or just after a quote inside quotes (a doubled quote or the closing one). */
  let state: 'unquoted' | 'quoted' | 'quote' = 'unquoted';
  /** Whether the current record has any character yet (a line with none is blank and skipped). */
  let started = false;
  let recordLength = 0;
  let afterCarriageReturn = false;
  let first = true;
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      const text = first && chunk.charCodeAt(0) === 0xfeff ? chunk.slice(1) : chunk;
      first = false;
      const records: CsvRecord[] = [];
      // Runs of plain characters are appended as one slice, not character by character.
      let sliceStart = 0;
      for (let index = 0; index < text.length; index += 1) {
        const code = text.charCodeAt(index);
        if (afterCarriageReturn) {
          afterCarriageReturn = false;
          if (code === 10) {
            sliceStart = index + 1;
            continue;
          }
        }
        recordLength += 1;
        if (recordLength > limit)
          throw new InvalidInputError(
            `${path}:${startLine}`,
            state === 'unquoted'
              ? `a record longer than ${limit} characters (no line break); is this a CSV file?`
              : `a quoted field that starts on this line is still open after ${limit} characters; is a closing quote missing?`,
          );
        if (state === 'quote') {
          state = code === 34 ? 'quoted' : 'unquoted';
          if (code === 34) continue; // the second quote of a doubled pair is part of the field
        }
        if (code !== 34 && code !== 44 && code !== 10 && code !== 13) {
          started = true;
          continue;
        }
        field += text.slice(sliceStart, index);
        sliceStart = index + 1;
        if (state === 'quoted') {
          if (code === 34) state = 'quote';
          else if (code === 44) field += ',';
          else {
            field += '\n';
            line += 1;
            afterCarriageReturn = code === 13;
          }
        } else if (code === 34) {
          state = 'quoted';
          started = true;
        } else if (code === 44) {
          fields.push(field);
          field = '';
          started = true;
        } else {
          if (started) records.push({ line: startLine, fields: [...fields, field] });
          fields = [];
          field = '';
          started = false;
          recordLength = 0;
          line += 1;
          startLine = line;
          afterCarriageReturn = code === 13;
        }
      }
      field += text.slice(sliceStart);
      for (const record of records) yield record;
    }
  } catch (cause) {
    if (InvalidInputError.isInstance(cause)) throw cause;
    throw fileSystemError(path, 'read the file', cause);
  } finally {
    stream.destroy();
  }
  if (state === 'quoted')
    throw new InvalidInputError(`${path}:${startLine}`, 'a quoted field is not closed before the end of the file');
  if (started) yield { line: startLine, fields: [...fields, field] };
}

/**
 * Column names (of a CSV header record, trimmed, or of an Arrow schema); two columns with the same name
 * are an InvalidInputError at `where` (a later lookup by name would silently pick the first).
 */
export function uniqueColumnNames(where: string, columnNames: readonly string[]): string[] {
  const names = columnNames.map((name) => name.trim());
  const seen = new Map<string, number>();
  for (const [index, name] of names.entries()) {
    const earlier = seen.get(name);
    if (earlier !== undefined)
      throw new InvalidInputError(
        where,
        `columns ${earlier + 1} and ${index + 1} are both named ${describeValue(name)}; column names must be unique`,
      );
    seen.set(name, index);
  }
  return names;
}
