import { InvalidInputError } from '@weightspec/core';

/** A parsed CSV: header names and rows of raw string cells. */
export interface CsvTable {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

/**
 * Parses RFC 4180 CSV (quoted fields, doubled quotes, CRLF or LF). A row with the wrong number of
 * fields is an InvalidInputError naming the 1-based line.
 */
export function parseCsv(text: string, source = 'csv'): CsvTable {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let inQuotes = false;
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
      record.push(field);
      field = '';
    } else if (character === '\n' || character === '\r') {
      if (character === '\r' && text[index + 1] === '\n') index += 1;
      record.push(field);
      field = '';
      if (record.length > 1 || record[0] !== '') records.push(record);
      record = [];
    } else field += character;
  }
  if (field !== '' || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  const [header, ...rows] = records;
  if (!header) throw new InvalidInputError(source, 'the file is empty');
  rows.forEach((row, index) => {
    if (row.length !== header.length)
      throw new InvalidInputError(`${source}:${index + 2}`, `row has ${row.length} fields, the header has ${header.length}`);
  });
  return { columns: header, rows };
}
