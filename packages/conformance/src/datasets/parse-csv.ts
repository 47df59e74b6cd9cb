import { InvalidInputError } from '@weightspec/core';

/** A parsed CSV: header names and rows of raw string cells. */
export interface CsvTable {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

/**
 * Splits one physical line of RFC 4180 CSV into `fields` (appending). `pending` carries a quoted field
 * that began on an earlier line; the result says whether the quotes are still open at the line's end
 * (then `pending` holds the partial field, with the line break it contained).
 */
export function splitCsvLine(
  text: string,
  fields: string[],
  pending: string | null,
): { open: boolean; pending: string } {
  let field = pending ?? '';
  let inQuotes = pending !== null;
  for (let index = 0; index < text.length; index += 1) {
    const character = text[index];
    if (inQuotes) {
      if (character === '"') {
        if (text[index + 1] === '"') {
          field += '"';
          index += 1;
        } else inQuotes = false;
      } else field += character;
    } else if (character === '"') inQuotes = true;
    else if (character === ',') {
      fields.push(field);
      field = '';
    } else field += character;
  }
  if (inQuotes) return { open: true, pending: `${field}\n` };
  fields.push(field);
  return { open: false, pending: '' };
}

/**
 * Parses RFC 4180 CSV held in memory (quoted fields, doubled quotes, line breaks inside quotes, CRLF or
 * LF; blank lines skipped). A row with the wrong number of fields, or a file ending inside quotes, is
 * an InvalidInputError naming the 1-based line.
 */
export function parseCsv(text: string, source = 'csv'): CsvTable {
  const records: { line: number; fields: string[] }[] = [];
  let fields: string[] = [];
  let pending: string | null = null;
  let startLine = 0;
  text.split(/\r?\n/).forEach((line, index) => {
    if (pending === null) {
      if (line === '') return;
      startLine = index + 1;
    }
    const split = splitCsvLine(line, fields, pending);
    if (split.open) {
      pending = split.pending;
      return;
    }
    records.push({ line: startLine, fields });
    fields = [];
    pending = null;
  });
  if (pending !== null) throw new InvalidInputError(`${source}:${startLine}`, 'the file ends inside a quoted field');
  const [header, ...rows] = records;
  if (!header) throw new InvalidInputError(source, 'the file is empty');
  for (const row of rows)
    if (row.fields.length !== header.fields.length)
      throw new InvalidInputError(
        `${source}:${row.line}`,
        `row has ${row.fields.length} fields, the header has ${header.fields.length}`,
      );
  return { columns: header.fields, rows: rows.map((row) => row.fields) };
}
