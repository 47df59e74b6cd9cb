import { InvalidInputError, inverseVarianceWeights, parseDuration, recencyWeights } from '@weightspec/core';
import type { OptionDefinitions, ParsedArguments } from './cli-arguments.ts';
import { numberOption, stringOption } from './cli-arguments.ts';
import { CliUsageError } from './cli-usage-error.ts';
import { readCsvRecords } from './csv-record-reader.ts';

/**
 * Per-row weight factors computed from columns of the data (core's weight generators), multiplied into
 * the row's sample weight s_i before the spec is applied, so `sample.normalize: mean_one` sees them.
 */
export interface RowWeightGenerator {
  /** Columns it reads, in the order `factor` receives their cells. */
  readonly columns: readonly string[];
  /** The factor of one row from its cells; `where` (file:line) names the row in errors. */
  factor(cells: readonly string[], where: string): number;
  /** What it does, for the summary. */
  readonly description: string;
}

/** The `weights` command's options for generated weights. */
export const generatedWeightOptions: OptionDefinitions = {
  date: { type: 'string' },
  'half-life': { type: 'string' },
  'min-weight': { type: 'string' },
  sigma: { type: 'string' },
};

/** Help lines for {@link generatedWeightOptions}. */
export const generatedWeightHelp = `  --date COLUMN          recency weights from an ISO 8601 date column (YYYY-MM-DD[THH:MM[:SS]][Z]):
                         w = max(2^(-age / half-life), min-weight), age from the newest date
  --half-life DURATION   half-life of --date, e.g. 90d, 12h, 2w (units ms, s, m, h, d, w)
  --min-weight W         floor of recency weights, in [0, 1] (default 0)
  --sigma COLUMN         inverse-variance weights 1 / sigma^2 from a column of standard deviations > 0
                         (--date and --sigma weights multiply the --sample-weight column)`;

const isoDate = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})?)?$/;

/** Milliseconds since the epoch of an ISO 8601 date cell; a date-time without a zone is read as UTC. */
export function parseDateCell(cell: string, where: string, column: string): number {
  const text = cell.trim();
  const match = isoDate.exec(text);
  const day = match?.[1];
  const time = match?.[2];
  const milliseconds = match
    ? Date.parse(time === undefined ? `${day}` : `${day}T${time}${match[3] ?? 'Z'}`)
    : Number.NaN;
  // Date.parse rolls 2024-02-30 over to March; the day must survive the round trip.
  if (!Number.isFinite(milliseconds) || new Date(Date.parse(`${day}`)).toISOString().slice(0, 10) !== day)
    throw new InvalidInputError(
      where,
      `column "${column}": "${cell}" is not an ISO 8601 date (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ)`,
    );
  return milliseconds;
}

function usage(error: unknown, option: string): never {
  if (InvalidInputError.isInstance(error))
    throw new CliUsageError(`--${option}: ${error.message.slice(error.field.length + 2)}`, 'weights');
  throw error;
}

/** Re-raises a core InvalidInputError about one value under the row's location and column. */
function atRow(where: string, column: string, compute: () => number): number {
  try {
    return compute();
  } catch (error) {
    if (!InvalidInputError.isInstance(error)) throw error;
    throw new InvalidInputError(where, `column "${column}": ${error.message.slice(error.field.length + 2)}`);
  }
}

/** Streams the date column once to find the newest date (memory stays bounded). */
async function newestDate(dataPath: string, column: string): Promise<number> {
  const records = readCsvRecords(dataPath);
  const header = await records.next();
  if (header.done) return Number.NEGATIVE_INFINITY;
  const index = header.value.fields.findIndex((field) => field.trim() === column);
  if (index < 0)
    throw new InvalidInputError(
      `${dataPath}:${header.value.line}`,
      `no column "${column}"; the columns are: ${header.value.fields.join(', ')}`,
    );
  let newest = Number.NEGATIVE_INFINITY;
  for await (const record of records) {
    const cell = record.fields[index];
    if (cell === undefined) continue; // the main pass reports the short row
    newest = Math.max(newest, parseDateCell(cell, `${dataPath}:${record.line}`, column));
  }
  return newest;
}

/**
 * Builds the row-weight generator the options ask for (null without --date or --sigma). With --date it
 * reads the file once to find the newest date; each row's recency weight and 1/sigma^2 come from
 * core's recencyWeights and inverseVarianceWeights.
 */
export async function createRowWeightGenerator(
  parsed: ParsedArguments,
  dataPath: string,
): Promise<RowWeightGenerator | null> {
  const dateColumn = stringOption(parsed, 'date');
  const halfLifeText = stringOption(parsed, 'half-life');
  const sigmaColumn = stringOption(parsed, 'sigma');
  if (dateColumn === undefined && (halfLifeText !== undefined || stringOption(parsed, 'min-weight') !== undefined))
    throw new CliUsageError('--half-life and --min-weight go with --date COLUMN', 'weights');
  const parts: { column: string; factor: (cell: string, where: string) => number; description: string }[] = [];
  if (dateColumn !== undefined) {
    if (halfLifeText === undefined) throw new CliUsageError('--date needs --half-life (e.g. 90d)', 'weights');
    let halfLife = 0;
    try {
      halfLife = parseDuration(halfLifeText);
    } catch (error) {
      usage(error, 'half-life');
    }
    const min = numberOption('weights', parsed, 'min-weight', 0, { minimum: 0, maximum: 1 });
    const newest = await newestDate(dataPath, dateColumn);
    parts.push({
      column: dateColumn,
      // Core's formula on the pair (row, newest) gives the row's weight relative to the newest date.
      factor: (cell, where) =>
        atRow(where, dateColumn, () => {
          const time = parseDateCell(cell, where, dateColumn);
          return recencyWeights([time, Math.max(time, newest)], { halfLife, min })[0] as number;
        }),
      description: `recency: 2^(-age / ${halfLifeText}) from column "${dateColumn}" (newest ${Number.isFinite(newest) ? new Date(newest).toISOString() : 'none'}), floor ${min}`,
    });
  }
  if (sigmaColumn !== undefined)
    parts.push({
      column: sigmaColumn,
      factor: (cell, where) =>
        atRow(where, sigmaColumn, () => {
          const sigma = cell.trim() === '' ? Number.NaN : Number(cell);
          if (!Number.isFinite(sigma))
            throw new InvalidInputError('sigma', `"${cell}" is not a finite number (a standard deviation > 0)`);
          return inverseVarianceWeights([sigma])[0] as number;
        }),
      description: `inverse variance: 1 / sigma^2 from column "${sigmaColumn}"`,
    });
  if (parts.length === 0) return null;
  return {
    columns: parts.map((part) => part.column),
    factor: (cells, where) =>
      parts.reduce((product, part, index) => product * part.factor(cells[index] ?? '', where), 1),
    description: parts.map((part) => part.description).join('; '),
  };
}
