import { createWriteStream, existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vegaDatasetPath } from '@weightspec/conformance/datasets';

/** A CSV made for the scale benchmark: its path and its shape. */
export interface ScaleDataset {
  readonly path: string;
  readonly rows: number;
  /** Numeric feature columns (the label column comes on top). */
  readonly features: number;
}

/** Where generated files are cached between runs (they are deterministic). */
export const scaleDirectory = join(tmpdir(), 'weightspec-bench-scale');

async function writeLines(path: string, header: string, rows: number, line: (row: number) => string): Promise<void> {
  mkdirSync(scaleDirectory, { recursive: true });
  const partial = `${path}.partial`;
  const stream = createWriteStream(partial);
  stream.write(`${header}\n`);
  let chunk = '';
  for (let row = 0; row < rows; row += 1) {
    chunk += `${line(row)}\n`;
    if (chunk.length > 1 << 20) {
      if (!stream.write(chunk)) await new Promise<void>((resolve) => stream.once('drain', () => resolve()));
      chunk = '';
    }
  }
  stream.write(chunk);
  await new Promise<void>((resolve, reject) =>
    stream.end((error?: Error | null) => (error ? reject(error) : resolve())),
  );
  renameSync(partial, path);
}

/**
 * A generated table: 8 numeric features from a seeded generator and a label of 5 classes with shares
 * 50/25/15/7/3 % (imbalanced, so class weights matter), written once per row count.
 */
export async function generatedDataset(rows: number): Promise<ScaleDataset> {
  const path = join(scaleDirectory, `generated-${rows}.csv`);
  if (!existsSync(path)) {
    let state = 2463534242;
    const random = () => {
      // xorshift32: fast and deterministic.
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      return (state >>> 0) / 4294967296;
    };
    const bounds = [0.5, 0.75, 0.9, 0.97, 1];
    await writeLines(path, 'f0,f1,f2,f3,f4,f5,f6,f7,label', rows, () => {
      const draw = random();
      const label = bounds.findIndex((bound) => draw < bound);
      const values = Array.from({ length: 8 }, (_, column) =>
        (random() * 2 - 1 + (column === label ? 0.8 : 0)).toFixed(4),
      );
      return `${values.join(',')},c${label}`;
    });
  }
  return { path, rows, features: 8 };
}

/**
 * vega-datasets' flights-200k (delay, distance, time) repeated to `rows` rows; features distance and
 * time, label the delay status: early (< 0 min), on_time (0-15) or late (> 15).
 */
export async function flightsDataset(rows: number): Promise<ScaleDataset> {
  const path = join(scaleDirectory, `flights-${rows}.csv`);
  if (!existsSync(path)) {
    const flights = JSON.parse(readFileSync(vegaDatasetPath('flights-200k.json'), 'utf8')) as {
      delay: number;
      distance: number;
      time: number;
    }[];
    await writeLines(path, 'distance,time,status', rows, (row) => {
      const flight = flights[row % flights.length] as (typeof flights)[number];
      const status = flight.delay < 0 ? 'early' : flight.delay <= 15 ? 'on_time' : 'late';
      return `${flight.distance},${flight.time},${status}`;
    });
  }
  return { path, rows, features: 2 };
}
