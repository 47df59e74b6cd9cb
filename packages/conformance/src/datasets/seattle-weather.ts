import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidInputError, MissingPeerError, createSeededRandom, shuffleInPlace } from '@weightspec/core';
import { parseCsv } from './parse-csv.ts';

/** The five weather classes of seattle-weather.csv, in the index order every package uses. */
export const SEATTLE_WEATHER_CLASSES = Object.freeze(['drizzle', 'rain', 'sun', 'snow', 'fog'] as const);

/** The four numeric features, in column order. */
export const SEATTLE_WEATHER_FEATURES = Object.freeze(['precipitation', 'temp_max', 'temp_min', 'wind'] as const);

/** A classification dataset with dense float features and integer labels. */
export interface ClassificationDataset {
  readonly name: string;
  /** Row-major features, one array per sample. */
  readonly features: number[][];
  /** Class index per sample. */
  readonly labels: number[];
  readonly featureNames: readonly string[];
  readonly classNames: readonly string[];
  /** ISO date of each row (seattle-weather is a time series from 2012 to 2015). */
  readonly dates: readonly string[];
}

/**
 * Absolute path of a file in the installed `vega-datasets` package (its exports hide the data folder).
 * vega-datasets (42 MB) is an optional peer, needed only by those who load a dataset: it is looked up
 * in the current project first (so a globally installed CLI finds the project's copy), then beside
 * this package. Missing, it is a MissingPeerError (WS_MISSING_PEER) with the install command.
 */
export function vegaDatasetPath(fileName: string, projectDirectory: string = process.cwd()): string {
  let entry: string | undefined;
  let firstFailure: unknown;
  for (const base of [join(projectDirectory, 'package.json'), fileURLToPath(import.meta.url)]) {
    try {
      entry = createRequire(base).resolve('vega-datasets');
      break;
    } catch (cause) {
      firstFailure ??= cause;
    }
  }
  if (entry === undefined)
    throw new MissingPeerError('vega-datasets', `loading the ${fileName} dataset`, { cause: firstFailure });
  // The entry is <package>/build/index.js; the data sits in <package>/data.
  return join(dirname(dirname(entry)), 'data', fileName);
}

/**
 * Loads seattle-weather.csv from `vega-datasets`: 1461 daily rows, features precipitation (mm),
 * temp_max and temp_min (deg C) and wind (m/s), label = weather (5 classes; snow is 1.8%).
 */
export async function loadSeattleWeather(): Promise<ClassificationDataset> {
  const path = vegaDatasetPath('seattle-weather.csv');
  const table = parseCsv(await readFile(path, 'utf8'), path);
  const columnIndex = (name: string): number => {
    const index = table.columns.indexOf(name);
    if (index < 0) throw new InvalidInputError(path, `missing column ${name}`);
    return index;
  };
  const featureColumns = SEATTLE_WEATHER_FEATURES.map(columnIndex);
  const labelColumn = columnIndex('weather');
  const dateColumn = columnIndex('date');
  const features: number[][] = [];
  const labels: number[] = [];
  const dates: string[] = [];
  table.rows.forEach((row, rowIndex) => {
    const label = SEATTLE_WEATHER_CLASSES.indexOf(row[labelColumn] as (typeof SEATTLE_WEATHER_CLASSES)[number]);
    if (label < 0) throw new InvalidInputError(`${path}:${rowIndex + 2}`, `unknown weather "${row[labelColumn]}"`);
    features.push(
      featureColumns.map((column) => {
        const value = Number(row[column]);
        if (!Number.isFinite(value))
          throw new InvalidInputError(`${path}:${rowIndex + 2}`, `${table.columns[column]} is not a number`);
        return value;
      }),
    );
    labels.push(label);
    dates.push(row[dateColumn] as string);
  });
  return {
    name: 'seattle-weather',
    features,
    labels,
    featureNames: SEATTLE_WEATHER_FEATURES,
    classNames: SEATTLE_WEATHER_CLASSES,
    dates,
  };
}

/** Options of splitAndStandardize. */
export interface SplitOptions {
  /** Fraction of each class that trains (default 0.75). */
  readonly trainFraction?: number;
  /** Seed of the shuffle (default 42). */
  readonly seed?: number;
}

/**
 * A stratified, seeded train/test split (each class split in the same proportion, so the rare snow
 * class appears in both), with features standardized by the training means and deviations. A date-
 * ordered split is not used: seattle-weather's labelling changes over the years (2015 has no snow and
 * far more fog), which would measure the label drift rather than the weighting.
 */
export function splitAndStandardize(dataset: ClassificationDataset, options: SplitOptions = {}) {
  const trainFraction = options.trainFraction ?? 0.75;
  const random = createSeededRandom(options.seed ?? 42);
  const trainRows: number[] = [];
  const testRows: number[] = [];
  for (let label = 0; label < dataset.classNames.length; label += 1) {
    const rows = dataset.labels.flatMap((value, row) => (value === label ? [row] : []));
    shuffleInPlace(rows, random);
    const cut = Math.round(rows.length * trainFraction);
    // One push per row: push(...rows) passes every row as an argument and overflows the call stack
    // once a class has more than ~125k rows.
    for (const [position, row] of rows.entries()) (position < cut ? trainRows : testRows).push(row);
  }
  trainRows.sort((a, b) => a - b);
  testRows.sort((a, b) => a - b);
  const pick = (rows: number[]) => rows.map((row) => dataset.features[row] as number[]);
  const trainFeatures = pick(trainRows);
  const width = dataset.featureNames.length;
  const means = Array.from(
    { length: width },
    (_, column) => trainFeatures.reduce((sum, row) => sum + (row[column] as number), 0) / trainFeatures.length,
  );
  const deviations = Array.from(
    { length: width },
    (_, column) =>
      Math.sqrt(
        trainFeatures.reduce((sum, row) => sum + ((row[column] as number) - (means[column] as number)) ** 2, 0) /
          trainFeatures.length,
      ) || 1,
  );
  const standardize = (rows: number[][]) =>
    rows.map((row) => row.map((value, column) => (value - (means[column] as number)) / (deviations[column] as number)));
  return {
    trainFeatures: standardize(trainFeatures),
    trainLabels: trainRows.map((row) => dataset.labels[row] as number),
    testFeatures: standardize(pick(testRows)),
    testLabels: testRows.map((row) => dataset.labels[row] as number),
    means,
    deviations,
  };
}
