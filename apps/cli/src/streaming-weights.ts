import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { InvalidInputError, describeValue, parseDecimalNumber, resolveWeighting } from '@weightspec/core';
import type { ClassStatistics, ResolvedWeighting, WeightingSpec } from '@weightspec/core';
import { readCsvRecords, uniqueColumnNames } from './csv-record-reader.ts';
import { fileSystemError } from './file-system-errors.ts';
import type { CsvRecord } from './csv-record-reader.ts';
import { MAX_DISTINCT_LABELS, inferLabelEncoding } from './label-encoding.ts';
import type { LabelEncoding } from './label-encoding.ts';
import type { RowWeightGenerator } from './generated-sample-weights.ts';

/** What `weightspec weights` reads: a CSV file, the columns to use and the spec. */
export interface StreamingWeightsOptions {
  readonly dataPath: string;
  readonly spec: WeightingSpec;
  /** Class column (softmax: class names or indices; sigmoid: 0/1 targets). Optional for regression losses. */
  readonly labelColumn?: string | null;
  /** Column of per-sample weights s_i >= 0. */
  readonly sampleWeightColumn?: string | null;
  /** Fixed class order for softmax labels (see inferLabelEncoding). */
  readonly classes?: readonly string[] | null;
  /** Generated per-row factors (recency, 1/sigma^2) that multiply the sample weight. */
  readonly rowWeights?: RowWeightGenerator | null;
}

/** The statistics of the first pass and the weights they resolve to. */
export interface WeightsSummary {
  readonly rowCount: number;
  readonly encoding: LabelEncoding | null;
  readonly stats: ClassStatistics | null;
  readonly resolved: ResolvedWeighting;
  /** Sum of the raw sample weights (null without a sample-weight column). */
  readonly sampleWeightSum: number | null;
}

interface ColumnIndices {
  readonly label: number | null;
  readonly sampleWeight: number | null;
  readonly generated: readonly number[];
  readonly width: number;
}

type Row = { readonly label: string | null; readonly sampleWeight: number };

function findColumns(path: string, header: CsvRecord | undefined, options: StreamingWeightsOptions): ColumnIndices {
  if (!header) throw new InvalidInputError(path, 'the file is empty (no header row)');
  const names = uniqueColumnNames(`${path}:${header.line}`, header.fields);
  const columnIndex = (name: string | null | undefined): number | null => {
    if (name === null || name === undefined) return null;
    const index = names.indexOf(name);
    if (index < 0)
      throw new InvalidInputError(
        `${path}:${header.line}`,
        `no column "${name}"; the columns are: ${header.fields.join(', ')}`,
      );
    return index;
  };
  const isClassification =
    options.spec.loss.kind === 'softmax_cross_entropy' || options.spec.loss.kind === 'sigmoid_cross_entropy';
  if (isClassification && !options.labelColumn)
    throw new InvalidInputError('--label', `a ${options.spec.loss.kind} spec needs the label column`);
  return {
    label: columnIndex(options.labelColumn),
    sampleWeight: columnIndex(options.sampleWeightColumn),
    generated: (options.rowWeights?.columns ?? []).map((name) => columnIndex(name) as number),
    width: header.fields.length,
  };
}

function readRow(path: string, record: CsvRecord, columns: ColumnIndices, options: StreamingWeightsOptions): Row {
  const where = `${path}:${record.line}`;
  if (record.fields.length !== columns.width)
    throw new InvalidInputError(where, `the row has ${record.fields.length} fields, the header has ${columns.width}`);
  let label: string | null = null;
  if (columns.label !== null) {
    label = (record.fields[columns.label] as string).trim();
    if (label === '') throw new InvalidInputError(where, `column "${options.labelColumn}" is empty`);
  }
  let sampleWeight = 1;
  if (columns.sampleWeight !== null) {
    const cell = (record.fields[columns.sampleWeight] as string).trim();
    // SPEC: a missing or non-numeric weight is an error, never 0; numbers are decimal (no 0x10).
    sampleWeight = parseDecimalNumber(cell) ?? Number.NaN;
    if (!Number.isFinite(sampleWeight) || sampleWeight < 0)
      throw new InvalidInputError(
        where,
        `column "${options.sampleWeightColumn}": sample weight ${describeValue(cell)} is not a finite decimal number >= 0`,
      );
  }
  if (options.rowWeights)
    sampleWeight *= options.rowWeights.factor(
      columns.generated.map((index) => record.fields[index] as string),
      where,
    );
  return { label, sampleWeight };
}

function sigmoidTarget(where: string, label: string, column: string | null | undefined): number {
  const target = parseDecimalNumber(label) ?? Number.NaN;
  if (!Number.isFinite(target) || target < 0 || target > 1)
    throw new InvalidInputError(
      where,
      `column "${column}": sigmoid target ${describeValue(label)} is not a decimal number in [0, 1]`,
    );
  return target;
}

async function* dataRows(
  options: StreamingWeightsOptions,
): AsyncGenerator<{ line: number; row: Row; columns: ColumnIndices }> {
  const records = readCsvRecords(options.dataPath);
  const first = await records.next();
  const columns = findColumns(options.dataPath, first.done ? undefined : first.value, options);
  for await (const record of records)
    yield { line: record.line, row: readRow(options.dataPath, record, columns, options), columns };
}

/**
 * The weights command reads its input twice; a pipe (FIFO), socket or device would hang or differ in
 * the second pass, so only a regular file is accepted, with a message that says what to do instead.
 */
async function assertRegularFile(path: string): Promise<void> {
  let stats: Stats;
  try {
    stats = await stat(path);
  } catch (cause) {
    throw fileSystemError(path, 'read the file', cause);
  }
  if (stats.isDirectory()) throw new InvalidInputError(path, 'is a directory, not a CSV file');
  if (!stats.isFile())
    throw new InvalidInputError(
      path,
      'is not a regular file (a pipe, socket or device); weightspec weights reads its data twice, so save it to a file first',
    );
}

/**
 * First pass over the CSV: counts classes (or positives/negatives) and sums sample weights, holding
 * only the counts in memory, then resolves the spec with core's resolveWeighting.
 */
export async function summarizeWeights(options: StreamingWeightsOptions): Promise<WeightsSummary> {
  const { spec, dataPath } = options;
  await assertRegularFile(dataPath);
  const labelCounts = new Map<string, number>();
  let positive = 0;
  let negative = 0;
  let rowCount = 0;
  let sampleWeightSum = 0;
  for await (const { line, row } of dataRows(options)) {
    rowCount += 1;
    sampleWeightSum += row.sampleWeight;
    if (row.label === null) continue;
    if (spec.loss.kind === 'sigmoid_cross_entropy') {
      if (sigmoidTarget(`${dataPath}:${line}`, row.label, options.labelColumn) >= 0.5) positive += 1;
      else negative += 1;
    } else if (spec.loss.kind === 'softmax_cross_entropy') {
      labelCounts.set(row.label, (labelCounts.get(row.label) ?? 0) + 1);
      if (labelCounts.size > MAX_DISTINCT_LABELS)
        throw new InvalidInputError(
          `${dataPath}:${line}`,
          `column "${options.labelColumn}" has more than ${MAX_DISTINCT_LABELS} distinct values; is it the label column?`,
        );
    }
  }
  let encoding: LabelEncoding | null = null;
  let stats: ClassStatistics | null = null;
  if (spec.loss.kind === 'softmax_cross_entropy') {
    encoding = inferLabelEncoding(labelCounts.keys(), options.classes ?? undefined);
    const classCounts = new Array<number>(encoding.classNames.length).fill(0);
    for (const [label, count] of labelCounts) {
      const index = encoding.indexOf(label);
      if (index === undefined)
        throw new InvalidInputError(
          `column "${options.labelColumn}"`,
          `label "${label}" is not one of --classes ${encoding.classNames.join(',')}`,
        );
      classCounts[index] = (classCounts[index] as number) + count;
    }
    stats = { kind: 'classes', classCounts };
  } else if (spec.loss.kind === 'sigmoid_cross_entropy')
    stats = { kind: 'labels', positiveCounts: [positive], negativeCounts: [negative] };
  const hasSampleWeights = Boolean(options.sampleWeightColumn || options.rowWeights);
  const resolved = resolveWeighting(spec, {
    stats,
    numClasses: encoding ? encoding.classNames.length : stats ? 1 : undefined,
    sampleWeights: hasSampleWeights ? { weightSum: sampleWeightSum, sampleCount: rowCount } : null,
  });
  return { rowCount, encoding, stats, resolved, sampleWeightSum: hasSampleWeights ? sampleWeightSum : null };
}

/**
 * The static per-sample weight of one row: class factor x s_i x sampleWeightScale (SPEC "class",
 * "sample"). Softmax: c_{y_i}; sigmoid: y' a+ + (1-y') a- with y' the smoothed target (as core does).
 */
export function staticSampleWeight(
  spec: WeightingSpec,
  summary: WeightsSummary,
  label: string | null,
  sampleWeight: number,
): number {
  const { resolved } = summary;
  let classFactor = 1;
  if (label !== null && spec.loss.kind === 'softmax_cross_entropy' && resolved.classWeights)
    classFactor = resolved.classWeights[summary.encoding?.indexOf(label) ?? -1] ?? Number.NaN;
  else if (
    label !== null &&
    spec.loss.kind === 'sigmoid_cross_entropy' &&
    resolved.positiveWeights &&
    resolved.negativeWeights
  ) {
    const smoothing = spec.loss.labelSmoothing;
    const target = (parseDecimalNumber(label) ?? Number.NaN) * (1 - smoothing) + smoothing / 2;
    classFactor =
      target * (resolved.positiveWeights[0] as number) + (1 - target) * (resolved.negativeWeights[0] as number);
  }
  return classFactor * sampleWeight * resolved.sampleWeightScale;
}

/** Output formats of the per-sample weight file. */
export type WeightsFileFormat = 'csv' | 'json';

/**
 * Second pass: streams one weight per data row to `outputPath` (CSV `index,label,weight`, or a JSON
 * array of numbers), writing in chunks and waiting for the stream to drain. Returns the rows written.
 */
export async function writeSampleWeights(
  options: StreamingWeightsOptions,
  summary: WeightsSummary,
  outputPath: string,
  format: WeightsFileFormat,
): Promise<number> {
  const output = createWriteStream(outputPath, { encoding: 'utf8' });
  const failed = new Promise<never>((_, reject) => output.once('error', reject));
  failed.catch(() => undefined);
  const write = async (text: string) => {
    if (!output.write(text)) await Promise.race([once(output, 'drain'), failed]);
  };
  const quote = (text: string) => (/[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text);
  let chunk = format === 'csv' ? 'index,label,weight\n' : '[';
  let index = 0;
  try {
    for await (const { line, row } of dataRows(options)) {
      const weight = staticSampleWeight(options.spec, summary, row.label, row.sampleWeight);
      if (!Number.isFinite(weight))
        throw new InvalidInputError(
          `${options.dataPath}:${line}`,
          `the weight is ${weight}; did the file change since the first pass?`,
        );
      if (format === 'csv') chunk += `${index},${quote(row.label ?? '')},${weight}\n`;
      else chunk += `${index === 0 ? '' : ','}${weight}`;
      index += 1;
      if (chunk.length >= 1 << 16) {
        await write(chunk);
        chunk = '';
      }
    }
    await write(format === 'csv' ? chunk : `${chunk}]\n`);
    output.end();
    await Promise.race([once(output, 'finish'), failed]);
  } finally {
    output.destroy();
  }
  if (index !== summary.rowCount)
    throw new InvalidInputError(
      options.dataPath,
      `the file changed while it was read (${summary.rowCount} rows, then ${index})`,
    );
  return index;
}
