import { describe, expect, it } from 'vitest';
import { parseCsv, splitCsvLine } from './parse-csv.ts';

describe('parseCsv', () => {
  it('reads quotes, doubled quotes, commas and line breaks inside quotes, CRLF and blank lines', () => {
    const table = parseCsv('a,b,c\r\n1,"x, y",3\n\n"multi\nline","say ""hi""",6\n');
    expect(table.columns).toEqual(['a', 'b', 'c']);
    expect(table.rows).toEqual([
      ['1', 'x, y', '3'],
      ['multi\nline', 'say "hi"', '6'],
    ]);
  });

  it('names the line of a short row and of an unterminated quote', () => {
    expect(() => parseCsv('a,b\n1,2\n3\n', 'data.csv')).toThrow(/data\.csv:3: row has 1 fields, the header has 2/);
    expect(() => parseCsv('a,b\n1,"open\n', 'data.csv')).toThrow(/data\.csv:2: the file ends inside a quoted field/);
    expect(() => parseCsv('', 'empty.csv')).toThrow(/empty\.csv: the file is empty/);
  });

  it('splitCsvLine carries an open quoted field to the next line', () => {
    const fields: string[] = [];
    const first = splitCsvLine('1,"a', fields, null);
    expect(first).toEqual({ open: true, pending: 'a\n' });
    expect(splitCsvLine('b",2', fields, first.pending)).toEqual({ open: false, pending: '' });
    expect(fields).toEqual(['1', 'a\nb', '2']);
  });
});
