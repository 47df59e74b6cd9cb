import { FLOAT32_MAX, InvalidInputError, describeValue, parseDecimalNumber } from '@weightspec/core';
import { MAX_DISTINCT_LABELS, inferLabelEncoding } from './label-encoding.ts';

/** One data row as the builder reads it: a cell by column index, and where the row is (for errors). */
export interface RowCells {
  cell(column: number): string | number | null;
  /** `file:line` or `file row N`; built only when an error needs it. */
  where(): string;
}

/** The columns a table is read into; indices into the source's columns. */
export interface ColumnPlan {
  readonly columnNames: readonly string[];
  readonly labelColumn: number;
  readonly featureColumns: readonly number[];
  readonly weightColumn: number | null;
  readonly difficultyColumn: number | null;
  /** CSV cells are text that may hold a number; an Arrow string cell is a string, never a number. */
  readonly textIsNumeric: boolean;
  /** Fixed class order (`--classes`, or the training set's when reading a test file). */
  readonly classes?: readonly string[] | null;
}

/** The columnar result: features row-major float32 (offset per column), labels, weights, difficulty. */
export interface ColumnarTable {
  readonly rows: number;
  readonly features: Float32Array;
  readonly featureOffsets: Float64Array;
  readonly labels: Int32Array;
  readonly classNames: readonly string[];
  readonly sampleWeights: Float64Array | null;
  readonly difficulty: Float64Array | null;
}

/** A cell as a number, or null when it is not one (SPEC: numbers in data files are decimal). */
export function cellNumber(cell: string | number | null, textIsNumeric: boolean): number | null {
  if (typeof cell === 'number') return cell;
  return textIsNumeric && cell !== null ? parseDecimalNumber(cell) : null;
}

/** Grows a typed array to `length` elements (doubling), keeping its contents. */
function grown<T extends Float32Array | Float64Array | Int32Array>(array: T, length: number): T {
  if (array.length >= length) return array;
  const bigger = new (array.constructor as new (size: number) => T)(Math.max(length, array.length * 2));
  bigger.set(array);
  return bigger;
}

/**
 * Reads rows straight into typed arrays (no per-row JS arrays survive a row): features as float32
 * row-major, stored as (value - the column's first value), so float32's 24-bit mantissa spends its
 * digits on the spread of a column rather than on a large common offset (a timestamp column keeps its
 * seconds); labels as Int32Array class indices; weights and difficulty as Float64Array. `capacity` is
 * a row-count estimate (an upper bound avoids any regrowth); beyond it the arrays double.
 */
export function createColumnarBuilder(plan: ColumnPlan, capacity: number) {
  const width = plan.featureColumns.length;
  let size = Math.max(1, capacity);
  let features = new Float32Array(size * width);
  let labels = new Int32Array(size);
  let weights = plan.weightColumn === null ? null : new Float64Array(size);
  let difficulty = plan.difficultyColumn === null ? null : new Float64Array(size);
  const offsets = new Float64Array(width);
  /** Distinct label text -> provisional id (first-seen order), and the row and place it first appeared. */
  const distinct = new Map<string, number>();
  const firstSeen: { row: number; where: string }[] = [];
  let rows = 0;

  const number = (cells: RowCells, column: number): number => {
    const cell = cells.cell(column);
    const value = cellNumber(cell, plan.textIsNumeric);
    if (value === null || !Number.isFinite(value))
      throw new InvalidInputError(
        cells.where(),
        `column "${plan.columnNames[column]}": ${describeValue(cell)} is not a finite decimal number`,
      );
    return value;
  };

  return {
    /** Adds one row; a bad cell is an InvalidInputError naming the row and column. */
    add(cells: RowCells): void {
      if (rows === size) {
        size *= 2;
        features = grown(features, size * width);
        labels = grown(labels, size);
        if (weights) weights = grown(weights, size);
        if (difficulty) difficulty = grown(difficulty, size);
      }
      const labelCell = cells.cell(plan.labelColumn);
      if (labelCell === null || labelCell === '')
        throw new InvalidInputError(cells.where(), `column "${plan.columnNames[plan.labelColumn]}" is empty`);
      const label = String(labelCell);
      let id = distinct.get(label);
      if (id === undefined) {
        id = distinct.size;
        if (id >= MAX_DISTINCT_LABELS)
          throw new InvalidInputError(
            cells.where(),
            `column "${plan.columnNames[plan.labelColumn]}" has more than ${MAX_DISTINCT_LABELS} distinct values; is it the label column?`,
          );
        distinct.set(label, id);
        firstSeen.push({ row: rows, where: cells.where() });
      }
      labels[rows] = id;
      const base = rows * width;
      for (let feature = 0; feature < width; feature += 1) {
        const column = plan.featureColumns[feature] as number;
        const value = number(cells, column);
        if (rows === 0) offsets[feature] = value;
        const stored = value - (offsets[feature] as number);
        if (!(Math.abs(stored) <= FLOAT32_MAX))
          throw new InvalidInputError(
            cells.where(),
            `column "${plan.columnNames[column]}": ${describeValue(value)} is beyond float32's range from the column's first value ${describeValue(offsets[feature])}`,
          );
        features[base + feature] = stored;
      }
      if (weights && plan.weightColumn !== null) {
        const weight = number(cells, plan.weightColumn);
        if (weight < 0)
          throw new InvalidInputError(
            cells.where(),
            `column "${plan.columnNames[plan.weightColumn]}": sample weight ${weight} is negative`,
          );
        weights[rows] = weight;
      }
      if (difficulty && plan.difficultyColumn !== null) difficulty[rows] = number(cells, plan.difficultyColumn);
      rows += 1;
    },
    /** The table: class indices from inferLabelEncoding; views of the arrays (no trimming copy). */
    finish(): ColumnarTable {
      const encoding = inferLabelEncoding(distinct.keys(), plan.classes ?? undefined);
      const remap = new Int32Array(distinct.size);
      let unknown: { label: string; row: number; where: string } | null = null;
      for (const [label, id] of distinct) {
        const index = encoding.indexOf(label);
        const seen = firstSeen[id] as { row: number; where: string };
        if (index === undefined) {
          if (unknown === null || seen.row < unknown.row) unknown = { label, ...seen };
        } else remap[id] = index;
      }
      if (unknown)
        throw new InvalidInputError(
          unknown.where,
          `label "${unknown.label}" is not one of the classes ${encoding.classNames.join(', ')}`,
        );
      const used = labels.subarray(0, rows);
      for (let row = 0; row < rows; row += 1) used[row] = remap[used[row] as number] as number;
      return {
        rows,
        features: features.subarray(0, rows * width),
        featureOffsets: offsets,
        labels: used,
        classNames: encoding.classNames,
        sampleWeights: weights ? weights.subarray(0, rows) : null,
        difficulty: difficulty ? difficulty.subarray(0, rows) : null,
      };
    },
  };
}
