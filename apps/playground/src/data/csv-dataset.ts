import { InvalidInputError } from '@weightspec/core';
import { parseCsv } from '@weightspec/conformance/datasets';
import type { CsvTable } from '@weightspec/conformance/datasets';
// The CLI's label-to-index rule, so the page numbers classes as `weightspec train` does.
import { inferLabelEncoding } from '../../../cli/src/label-encoding.ts';

/** A labelled table parsed in the browser, ready to split and train on. */
export interface PlaygroundDataset {
  readonly name: string;
  /** Row-major numeric features [N][D]. */
  readonly features: number[][];
  /** Class index per row. */
  readonly labels: number[];
  readonly featureNames: readonly string[];
  readonly classNames: readonly string[];
  readonly labelColumn: string;
  /** Columns left out because a value in them is not a number (e.g. dates, free text). */
  readonly skippedColumns: readonly string[];
}

/** Most classes the page trains on: more than this is almost surely the wrong label column. */
export const MAX_PLAYGROUND_CLASSES = 50;

/**
 * Largest CSV the page reads (bytes): parsing runs on the page's thread and the rows are copied to two
 * training workers, so a laptop stays responsive; bigger files belong to `weightspec train`, which streams.
 */
export const MAX_CSV_BYTES = 25 * 1024 * 1024;

/** Refuses a file over MAX_CSV_BYTES before reading it, naming the size and the alternative. */
export function checkCsvSize(name: string, bytes: number): void {
  if (bytes > MAX_CSV_BYTES)
    throw new InvalidInputError(
      name,
      `is ${(bytes / 1024 / 1024).toFixed(1)} MB; the page reads at most ${MAX_CSV_BYTES / 1024 / 1024} MB (use weightspec train for larger files)`,
    );
}

/** Parses CSV text (RFC 4180, as the conformance loader) into a header and rows; errors name the line. */
export function readCsvText(text: string, source: string): CsvTable {
  const table = parseCsv(text, source);
  if (table.rows.length === 0) throw new InvalidInputError(source, 'has a header but no rows');
  return { columns: table.columns.map((name) => name.trim()), rows: table.rows };
}

/** A label column to offer first: one named like a label, else the last column that is not numeric, else the last. */
export function guessLabelColumn(table: CsvTable): string {
  const named = table.columns.find((name) => /^(label|labels|class|target|y|weather|species)$/i.test(name));
  if (named) return named;
  const textual = [...table.columns].reverse().find((_, reversed) => {
    const column = table.columns.length - 1 - reversed;
    return table.rows.some((row) => !isNumberCell(row[column] ?? ''));
  });
  return textual ?? (table.columns[table.columns.length - 1] as string);
}

function isNumberCell(cell: string): boolean {
  const trimmed = cell.trim();
  // Decimal only (SPEC: no hexadecimal); Number('') is 0, so empty cells are not numbers.
  return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(trimmed) && Number.isFinite(Number(trimmed));
}

/**
 * Builds a dataset from a parsed table: `labelColumn` gives the classes (integers 0..C-1 are kept as
 * indices, names are sorted, as the CLI does); every other column whose cells are all decimal numbers
 * is a feature, the rest are skipped and listed. An empty label cell is an error naming its row.
 */
export function buildDataset(table: CsvTable, labelColumn: string, name: string): PlaygroundDataset {
  const labelIndex = table.columns.indexOf(labelColumn);
  if (labelIndex < 0)
    throw new InvalidInputError(
      'labelColumn',
      `"${labelColumn}" is not a column; columns: ${table.columns.join(', ')}`,
    );
  const featureColumns: number[] = [];
  const skippedColumns: string[] = [];
  table.columns.forEach((column, index) => {
    if (index === labelIndex) return;
    if (table.rows.every((row) => isNumberCell(row[index] ?? ''))) featureColumns.push(index);
    else skippedColumns.push(column);
  });
  if (featureColumns.length === 0)
    throw new InvalidInputError(name, `no numeric feature columns besides the label "${labelColumn}"`);
  const labelCells = table.rows.map((row, rowIndex) => {
    const cell = (row[labelIndex] ?? '').trim();
    // Row 1 is the header, so data row k sits on line k + 2 when no field spans lines.
    if (cell === '') throw new InvalidInputError(`${name}:${rowIndex + 2}`, `empty label in column "${labelColumn}"`);
    return cell;
  });
  const encoding = inferLabelEncoding(new Set(labelCells));
  if (encoding.classNames.length < 2)
    throw new InvalidInputError('labelColumn', `"${labelColumn}" has one class only; pick a column with 2 or more`);
  if (encoding.classNames.length > MAX_PLAYGROUND_CLASSES)
    throw new InvalidInputError(
      'labelColumn',
      `"${labelColumn}" has ${encoding.classNames.length} distinct values (at most ${MAX_PLAYGROUND_CLASSES}); is it the label?`,
    );
  return {
    name,
    features: table.rows.map((row) => featureColumns.map((column) => Number((row[column] as string).trim()))),
    labels: labelCells.map((cell) => encoding.indexOf(cell) as number),
    featureNames: featureColumns.map((column) => table.columns[column] as string),
    classNames: encoding.classNames,
    labelColumn,
    skippedColumns,
  };
}
