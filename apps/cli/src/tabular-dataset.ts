import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import {
  InvalidInputError,
  MissingPeerError,
  WeightspecError,
  describeValue,
  parseDecimalNumber,
} from '@weightspec/core';
import { SEATTLE_WEATHER_CLASSES, loadSeattleWeather } from '@weightspec/conformance/datasets';
import { uniqueColumnNames, readCsvRecords } from './csv-record-reader.ts';
import { assertArrowDecodes } from './arrow-decode-guard.ts';
import { fileSystemError } from './file-system-errors.ts';
import { inferLabelEncoding, MAX_DISTINCT_LABELS } from './label-encoding.ts';

/** A labelled table in memory, ready for a ClassifierTrainer. */
export interface TabularDataset {
  readonly name: string;
  /** Row-major features [N][D]. */
  readonly features: number[][];
  /** Class index per row. */
  readonly labels: number[];
  readonly featureNames: readonly string[];
  readonly classNames: readonly string[];
  /** Per-row sample weights, when a sample-weight column was named. */
  readonly sampleWeights: number[] | null;
  /** Per-row difficulty (higher = harder) for `curriculum.difficulty: provided`, when a column was named. */
  readonly difficulty: number[] | null;
  /** Columns left out because their first value is not a number (e.g. dates). */
  readonly skippedColumns: readonly string[];
}

/** Which columns to use. */
export interface TabularColumns {
  readonly labelColumn?: string | null;
  readonly featureColumns?: readonly string[] | null;
  readonly sampleWeightColumn?: string | null;
  /** Column of per-row curriculum difficulty. */
  readonly difficultyColumn?: string | null;
  /** Fixed class order (the training set's, when loading a test file). */
  readonly classes?: readonly string[] | null;
}

/** The built-in dataset names accepted as `--data builtin:<name>`. */
export const BUILTIN_DATASETS = Object.freeze(['seattle-weather'] as const);

/** A column-oriented view: cell(row) gives a string or number, `where(row)` names it in errors. */
interface ColumnTable {
  readonly columnNames: readonly string[];
  readonly rowCount: number;
  cell(column: number, row: number): string | number | null;
  where(row: number): string;
  /** CSV cells are text that may hold a number; an Arrow string cell is a string, never a number. */
  readonly textIsNumeric: boolean;
}

async function readCsvTable(path: string): Promise<ColumnTable> {
  const rows: string[][] = [];
  const lines: number[] = [];
  let header: string[] | null = null;
  for await (const record of readCsvRecords(path)) {
    if (header === null) {
      header = uniqueColumnNames(`${path}:${record.line}`, record.fields);
      continue;
    }
    if (record.fields.length !== header.length)
      throw new InvalidInputError(
        `${path}:${record.line}`,
        `the row has ${record.fields.length} fields, the header has ${header.length}`,
      );
    rows.push(record.fields);
    lines.push(record.line);
  }
  if (header === null) throw new InvalidInputError(path, 'the file is empty (no header row)');
  return {
    columnNames: header,
    rowCount: rows.length,
    cell: (column, row) => (rows[row]?.[column] ?? '').trim(),
    where: (row) => `${path}:${lines[row]}`,
    textIsNumeric: true,
  };
}

async function readArrowTable(path: string): Promise<ColumnTable> {
  let arrow: typeof import('apache-arrow');
  try {
    arrow = await import('apache-arrow');
  } catch (cause) {
    throw new MissingPeerError('apache-arrow', `reading ${path}`, { cause });
  }
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (cause) {
    throw fileSystemError(path, 'read the file', cause);
  }
  await assertArrowDecodes(path, bytes);
  let table: import('apache-arrow').Table;
  try {
    table = arrow.tableFromIPC(bytes);
  } catch (cause) {
    throw new InvalidInputError(path, `not a readable Arrow IPC file: ${(cause as Error).message}`, { cause });
  }
  // A damaged header can claim billions of rows; every column needs at least one bit per row, so more
  // rows than 8 x the file's bytes cannot be real, and allocating for them would exhaust the heap.
  if (!Number.isSafeInteger(table.numRows) || table.numRows > bytes.length * 8)
    throw new InvalidInputError(path, `damaged Arrow file: it claims ${table.numRows} rows in ${bytes.length} bytes`);
  const columns = table.schema.fields.map((field) => table.getChild(field.name));
  return {
    columnNames: uniqueColumnNames(
      path,
      table.schema.fields.map((field) => field.name),
    ),
    rowCount: table.numRows,
    cell: (column, row) => {
      const value: unknown = columns[column]?.get(row);
      if (value === null || value === undefined) return null;
      if (typeof value === 'bigint') return Number(value);
      return typeof value === 'number' ? value : String(value);
    },
    where: (row) => `${path} row ${row + 1}`,
    textIsNumeric: false,
  };
}

/**
 * A cell as a number: an Arrow number, or CSV text that is a decimal number (SPEC: numbers in data
 * files are decimal, so `0x10`, `Infinity` and an empty cell are errors, never 16, Infinity or 0).
 */
function numericValue(table: ColumnTable, column: number, row: number): number {
  const cell = table.cell(column, row);
  const value =
    typeof cell === 'number' ? cell : table.textIsNumeric && cell !== null ? parseDecimalNumber(cell) : null;
  if (value === null || !Number.isFinite(value))
    throw new InvalidInputError(
      table.where(row),
      `column "${table.columnNames[column]}": ${describeValue(cell)} is not a finite decimal number`,
    );
  return value;
}

function columnIndex(table: ColumnTable, name: string, source: string): number {
  const index = table.columnNames.indexOf(name);
  if (index < 0)
    throw new InvalidInputError(source, `no column "${name}"; the columns are: ${table.columnNames.join(', ')}`);
  return index;
}

function datasetFromTable(table: ColumnTable, name: string, columns: TabularColumns): TabularDataset {
  const labelName = columns.labelColumn;
  if (!labelName) throw new InvalidInputError('--label', 'name the label column');
  if (table.rowCount === 0) throw new InvalidInputError(name, 'has no data rows');
  const labelColumn = columnIndex(table, labelName, name);
  const weightColumn = columns.sampleWeightColumn ? columnIndex(table, columns.sampleWeightColumn, name) : null;
  const difficultyColumn = columns.difficultyColumn ? columnIndex(table, columns.difficultyColumn, name) : null;
  const skippedColumns: string[] = [];
  let featureColumns: number[];
  if (columns.featureColumns && columns.featureColumns.length > 0)
    featureColumns = columns.featureColumns.map((feature) => columnIndex(table, feature, name));
  else {
    featureColumns = [];
    table.columnNames.forEach((column, index) => {
      if (index === labelColumn || index === weightColumn || index === difficultyColumn) return;
      const first = table.cell(index, 0);
      const firstNumber = typeof first === 'string' && table.textIsNumeric ? parseDecimalNumber(first) : null;
      if (typeof first === 'number' || (firstNumber !== null && Number.isFinite(firstNumber)))
        featureColumns.push(index);
      else skippedColumns.push(column);
    });
  }
  if (featureColumns.length === 0) throw new InvalidInputError(name, 'has no numeric feature columns');
  const labelCells: string[] = [];
  const distinct = new Set<string>();
  for (let row = 0; row < table.rowCount; row += 1) {
    const cell = table.cell(labelColumn, row);
    if (cell === null || cell === '') throw new InvalidInputError(table.where(row), `column "${labelName}" is empty`);
    labelCells.push(String(cell));
    distinct.add(String(cell));
    if (distinct.size > MAX_DISTINCT_LABELS)
      throw new InvalidInputError(
        table.where(row),
        `column "${labelName}" has more than ${MAX_DISTINCT_LABELS} distinct values; is it the label column?`,
      );
  }
  const encoding = inferLabelEncoding(distinct, columns.classes ?? undefined);
  const labels = labelCells.map((label, row) => {
    const index = encoding.indexOf(label);
    if (index === undefined)
      throw new InvalidInputError(
        table.where(row),
        `label "${label}" is not one of the classes ${encoding.classNames.join(', ')}`,
      );
    return index;
  });
  const features = Array.from({ length: table.rowCount }, (_, row) =>
    featureColumns.map((column) => numericValue(table, column, row)),
  );
  let sampleWeights: number[] | null = null;
  if (weightColumn !== null)
    sampleWeights = Array.from({ length: table.rowCount }, (_, row) => {
      const weight = numericValue(table, weightColumn, row);
      if (weight < 0)
        throw new InvalidInputError(
          table.where(row),
          `column "${columns.sampleWeightColumn}": sample weight ${weight} is negative`,
        );
      return weight;
    });
  const difficulty =
    difficultyColumn === null
      ? null
      : Array.from({ length: table.rowCount }, (_, row) => numericValue(table, difficultyColumn, row));
  return {
    name,
    features,
    labels,
    featureNames: featureColumns.map((column) => table.columnNames[column] as string),
    classNames: encoding.classNames,
    sampleWeights,
    difficulty,
    skippedColumns,
  };
}

/**
 * Loads `builtin:seattle-weather` (from vega-datasets), an Arrow IPC file (`.arrow`, `.feather`) or a
 * CSV file. Bad cells are InvalidInputErrors naming the file, line (or row) and column.
 */
export async function loadTabularDataset(source: string, columns: TabularColumns): Promise<TabularDataset> {
  if (source.startsWith('builtin:')) {
    const name = source.slice('builtin:'.length);
    if (name !== 'seattle-weather')
      throw new InvalidInputError(
        '--data',
        `unknown built-in dataset "${name}"; available: ${BUILTIN_DATASETS.join(', ')}`,
      );
    if (columns.labelColumn && columns.labelColumn !== 'weather')
      throw new InvalidInputError('--label', 'builtin:seattle-weather has the label column "weather"');
    if (columns.sampleWeightColumn || columns.difficultyColumn)
      throw new InvalidInputError('--data', 'builtin:seattle-weather has no sample-weight or difficulty column');
    const dataset = await loadSeattleWeather();
    return {
      ...dataset,
      classNames: [...SEATTLE_WEATHER_CLASSES],
      sampleWeights: null,
      difficulty: null,
      skippedColumns: ['date'],
    };
  }
  const extension = extname(source).toLowerCase();
  if (extension !== '.arrow' && extension !== '.feather' && extension !== '.arrows')
    return datasetFromTable(await readCsvTable(source), source, columns);
  const table = await readArrowTable(source);
  try {
    return datasetFromTable(table, source, columns);
  } catch (cause) {
    // apache-arrow decodes lazily: a damaged body can throw a raw error on the first cell read.
    if (WeightspecError.isInstance(cause)) throw cause;
    throw new InvalidInputError(source, `damaged Arrow data: ${(cause as Error).message}`, { cause });
  }
}
