import { open, readFile, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { extname } from 'node:path';
import { InvalidInputError, MissingPeerError, WeightspecError } from '@weightspec/core';
import type { DenseFeatureMatrix } from '@weightspec/core';
import { SEATTLE_WEATHER_CLASSES, loadSeattleWeather } from '@weightspec/conformance/datasets';
import { uniqueColumnNames, readCsvRecords } from './csv-record-reader.ts';
import type { CsvRecord } from './csv-record-reader.ts';
import { cellNumber, createColumnarBuilder } from './columnar-table-builder.ts';
import type { ColumnPlan, ColumnarTable, RowCells } from './columnar-table-builder.ts';
import { assertArrowDecodes } from './arrow-decode-guard.ts';
import { fileSystemError } from './file-system-errors.ts';

/** A labelled table in memory, columnar, ready for a ClassifierTrainer. */
export interface TabularDataset {
  readonly name: string;
  /**
   * Features N x D row-major. CSV and Arrow tables hold float32 values minus `featureOffsets` (see
   * featureValue); builtin:seattle-weather holds float64 values with zero offsets, so it splits exactly
   * as @weightspec/conformance does.
   */
  readonly features: DenseFeatureMatrix;
  /** Per feature column, the number subtracted before storing (the column's first value, or 0). */
  readonly featureOffsets: Float64Array;
  /** Class index per row. */
  readonly labels: Int32Array;
  readonly featureNames: readonly string[];
  readonly classNames: readonly string[];
  /** Per-row sample weights, when a sample-weight column was named. */
  readonly sampleWeights: Float64Array | null;
  /** Per-row difficulty (higher = harder) for `curriculum.difficulty: provided`, when a column was named. */
  readonly difficulty: Float64Array | null;
  /** Columns left out because their first value is not a number (e.g. dates). */
  readonly skippedColumns: readonly string[];
}

/** The value of feature `column` in `row` as read from the file (the stored value plus the column's offset). */
export function featureValue(dataset: TabularDataset, row: number, column: number): number {
  const { values, columns } = dataset.features;
  return (values[row * columns + column] as number) + (dataset.featureOffsets[column] as number);
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

function columnIndex(columnNames: readonly string[], name: string, source: string): number {
  const index = columnNames.indexOf(name);
  if (index < 0) throw new InvalidInputError(source, `no column "${name}"; the columns are: ${columnNames.join(', ')}`);
  return index;
}

/**
 * Which columns hold what: the named ones, and as features either `--features` or every other column
 * whose first data cell is a number (the rest are reported as skipped).
 */
function planColumns(
  columnNames: readonly string[],
  first: RowCells,
  name: string,
  columns: TabularColumns,
  textIsNumeric: boolean,
): { plan: ColumnPlan; skippedColumns: string[] } {
  const labelName = columns.labelColumn as string;
  const labelColumn = columnIndex(columnNames, labelName, name);
  const weightColumn = columns.sampleWeightColumn ? columnIndex(columnNames, columns.sampleWeightColumn, name) : null;
  const difficultyColumn = columns.difficultyColumn ? columnIndex(columnNames, columns.difficultyColumn, name) : null;
  const skippedColumns: string[] = [];
  let featureColumns: number[];
  if (columns.featureColumns && columns.featureColumns.length > 0)
    featureColumns = columns.featureColumns.map((feature) => columnIndex(columnNames, feature, name));
  else {
    featureColumns = [];
    columnNames.forEach((column, index) => {
      if (index === labelColumn || index === weightColumn || index === difficultyColumn) return;
      const value = cellNumber(first.cell(index), textIsNumeric);
      if (value !== null && Number.isFinite(value)) featureColumns.push(index);
      else skippedColumns.push(column);
    });
  }
  if (featureColumns.length === 0) throw new InvalidInputError(name, 'has no numeric feature columns');
  return {
    plan: {
      columnNames,
      labelColumn,
      featureColumns,
      weightColumn,
      difficultyColumn,
      textIsNumeric,
      classes: columns.classes ?? null,
    },
    skippedColumns,
  };
}

function datasetFromColumnar(
  name: string,
  table: ColumnarTable,
  plan: ColumnPlan,
  skippedColumns: readonly string[],
): TabularDataset {
  return {
    name,
    features: { values: table.features, rows: table.rows, columns: plan.featureColumns.length },
    featureOffsets: table.featureOffsets,
    labels: table.labels,
    featureNames: plan.featureColumns.map((column) => plan.columnNames[column] as string),
    classNames: table.classNames,
    sampleWeights: table.sampleWeights,
    difficulty: table.difficulty,
    skippedColumns,
  };
}

/**
 * An upper bound on a CSV file's records, from one pass over its bytes: line feeds plus carriage
 * returns not followed by a line feed, plus one (1024 for a FIFO or device, which cannot be re-read). Sizing the arrays from it avoids regrowing them
 * (a doubling step holds the old and new arrays at once).
 */
async function countLineBreaks(path: string): Promise<number> {
  // One reused buffer: a read stream would hand out a fresh buffer per chunk, and ~100 MB of them can
  // wait for a garbage collection at once.
  const buffer = Buffer.allocUnsafe(1 << 20);
  let breaks = 0;
  let carriageReturnAtEnd = false;
  let handle: FileHandle | null = null;
  try {
    // Only a regular file can be read twice and ends: a FIFO would be drained by this pass (even
    // opening and closing it loses what its writer sent) and /dev/zero never ends. Those start small
    // and grow by doubling; the CSV reader bounds them. stat, unlike open, leaves a FIFO untouched.
    if (!(await stat(path)).isFile()) return 1024;
    handle = await open(path, 'r');
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      const chunk = buffer.subarray(0, bytesRead);
      if (carriageReturnAtEnd && chunk[0] !== 10) breaks += 1;
      for (let at = chunk.indexOf(10); at >= 0; at = chunk.indexOf(10, at + 1)) breaks += 1;
      for (let at = chunk.indexOf(13); at >= 0; at = chunk.indexOf(13, at + 1))
        if (at + 1 < chunk.length && chunk[at + 1] !== 10) breaks += 1;
      carriageReturnAtEnd = chunk[chunk.length - 1] === 13;
    }
  } catch (cause) {
    throw fileSystemError(path, 'read the file', cause);
  } finally {
    await handle?.close();
  }
  return breaks + (carriageReturnAtEnd ? 1 : 0) + 1;
}

async function readCsvDataset(path: string, columns: TabularColumns): Promise<TabularDataset> {
  const capacity = await countLineBreaks(path);
  let header: string[] | null = null;
  let record: CsvRecord = { line: 0, fields: [] };
  const cells: RowCells = {
    cell: (column) => (record.fields[column] ?? '').trim(),
    where: () => `${path}:${record.line}`,
  };
  let planned: { plan: ColumnPlan; skippedColumns: string[] } | null = null;
  let builder: ReturnType<typeof createColumnarBuilder> | null = null;
  for await (const next of readCsvRecords(path)) {
    record = next;
    if (header === null) {
      header = uniqueColumnNames(`${path}:${record.line}`, record.fields);
      continue;
    }
    if (record.fields.length !== header.length)
      throw new InvalidInputError(
        `${path}:${record.line}`,
        `the row has ${record.fields.length} fields, the header has ${header.length}`,
      );
    if (builder === null) {
      planned = planColumns(header, cells, path, columns, true);
      builder = createColumnarBuilder(planned.plan, capacity);
    }
    builder.add(cells);
  }
  if (header === null) throw new InvalidInputError(path, 'the file is empty (no header row)');
  if (builder === null || planned === null) throw new InvalidInputError(path, 'has no data rows');
  return datasetFromColumnar(path, builder.finish(), planned.plan, planned.skippedColumns);
}

async function readArrowDataset(path: string, columns: TabularColumns): Promise<TabularDataset> {
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
  const vectors = table.schema.fields.map((field) => table.getChild(field.name));
  const columnNames = uniqueColumnNames(
    path,
    table.schema.fields.map((field) => field.name),
  );
  if (table.numRows === 0) throw new InvalidInputError(path, 'has no data rows');
  let row = 0;
  const cells: RowCells = {
    cell: (column) => {
      const value: unknown = vectors[column]?.get(row);
      if (value === null || value === undefined) return null;
      if (typeof value === 'bigint') return Number(value);
      return typeof value === 'number' ? value : String(value);
    },
    where: () => `${path} row ${row + 1}`,
  };
  const { plan, skippedColumns } = planColumns(columnNames, cells, path, columns, false);
  const builder = createColumnarBuilder(plan, table.numRows);
  for (; row < table.numRows; row += 1) builder.add(cells);
  return datasetFromColumnar(path, builder.finish(), plan, skippedColumns);
}

/** builtin:seattle-weather as float64 (1,461 rows), so the split matches @weightspec/conformance exactly. */
async function builtinSeattleWeather(): Promise<TabularDataset> {
  const dataset = await loadSeattleWeather();
  const columns = dataset.features[0]?.length ?? 0;
  const values = new Float64Array(dataset.features.length * columns);
  dataset.features.forEach((row, index) => {
    values.set(row, index * columns);
  });
  return {
    name: dataset.name,
    features: { values, rows: dataset.features.length, columns },
    featureOffsets: new Float64Array(columns),
    labels: Int32Array.from(dataset.labels),
    featureNames: dataset.featureNames,
    classNames: [...SEATTLE_WEATHER_CLASSES],
    sampleWeights: null,
    difficulty: null,
    skippedColumns: ['date'],
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
    return builtinSeattleWeather();
  }
  if (!columns.labelColumn) throw new InvalidInputError('--label', 'name the label column');
  const extension = extname(source).toLowerCase();
  if (extension !== '.arrow' && extension !== '.feather' && extension !== '.arrows')
    return readCsvDataset(source, columns);
  try {
    return await readArrowDataset(source, columns);
  } catch (cause) {
    // apache-arrow decodes lazily: a damaged body can throw a raw error on the first cell read.
    if (WeightspecError.isInstance(cause)) throw cause;
    throw new InvalidInputError(source, `damaged Arrow data: ${(cause as Error).message}`, { cause });
  }
}
