import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { summarizeTimes, withLoadRecord } from './bench-harness.ts';
import type { ScaleMeasurement, ScaleRow } from './bench-harness.ts';
import { flightsDataset, generatedDataset, scaleDirectory } from './scale-datasets.ts';
import type { ScaleDataset } from './scale-datasets.ts';

/** Row counts measured (override with WEIGHTSPEC_BENCH_SCALE_ROWS=100000,200000 for a short trial). */
const rowCounts = (process.env.WEIGHTSPEC_BENCH_SCALE_ROWS ?? '500000,1000000,2000000').split(',').map(Number);
/**
 * Runs of each command at each size (override with WEIGHTSPEC_BENCH_SCALE_REPEATS): one run per size
 * made the growth ratio a ratio of two single timings, and one slow or fast run decided the verdict.
 */
const repeats = Number(process.env.WEIGHTSPEC_BENCH_SCALE_REPEATS ?? 3);
if (!Number.isInteger(repeats) || repeats < 1)
  throw new Error(
    `WEIGHTSPEC_BENCH_SCALE_REPEATS must be an integer >= 1, got ${process.env.WEIGHTSPEC_BENCH_SCALE_REPEATS}`,
  );
const headroomBytes = 200 * 1048576;
/**
 * The built CLI (what users run): measuring through tsx put the transpiler's own memory (tens of MB)
 * into every peak RSS, which the goal's 200 MB headroom is not meant to pay for.
 */
const cliBin = fileURLToPath(new URL('../../cli/dist/bin.js', import.meta.url));

/**
 * Runs a CLI command under GNU time (`/usr/bin/time -f "%e %M"`): wall seconds and the peak resident
 * set size of the process tree (wait4 reports the largest of the child and the descendants it reaped).
 */
function timedCli(args: readonly string[]): { seconds: number; peakRssBytes: number } {
  const report = join(scaleDirectory, 'time-report.txt');
  rmSync(report, { force: true });
  const result = spawnSync('/usr/bin/time', ['-f', '%e %M', '-o', report, process.execPath, cliBin, ...args], {
    encoding: 'utf8',
    maxBuffer: 256 * 1048576,
  });
  if (result.status !== 0)
    throw new Error(`weightspec ${args.join(' ')} exited with ${result.status}: ${result.stderr.slice(-2000)}`);
  const [seconds, kilobytes] = readFileSync(report, 'utf8').trim().split('\n').at(-1)?.split(' ').map(Number) ?? [];
  return { seconds: seconds as number, peakRssBytes: (kilobytes as number) * 1024 };
}

/** One size's runs: the median wall time, every run's time, and the largest peak RSS. */
function summarizeRuns(runs: readonly { seconds: number; peakRssBytes: number }[]) {
  const secondsPerRun = runs.map((run) => run.seconds);
  // summarizeTimes is unit-agnostic: its "milliseconds" median of seconds is in seconds.
  const seconds = summarizeTimes(secondsPerRun).medianMilliseconds;
  return { seconds, secondsPerRun, peakRssBytes: Math.max(...runs.map((run) => run.peakRssBytes)) };
}

/**
 * The command measured at each size; `null` when it failed (the error is kept in the notes). The
 * `repeats` runs go round the sizes (1,000 rows, 0.5M, 1M, 2M, then again), so a slow spell of the
 * machine lands on every size rather than on all runs of one: three runs of one size back to back
 * once read 8.6 s at 2M rows against 5.8 s an hour earlier, and a growth of 1.44x.
 */
async function measureScale(
  name: string,
  dataset: (rows: number) => Promise<ScaleDataset>,
  argsFor: (data: ScaleDataset) => string[],
): Promise<ScaleRow> {
  // The command on 1,000 rows: the fixed cost (Node, imports, the ONNX or tfjs runtime) that is
  // subtracted before judging whether time grows linearly with rows.
  const sizes: ScaleDataset[] = [await dataset(1000)];
  for (const rows of rowCounts) sizes.push(await dataset(rows));
  const failures: string[] = [];
  const { value, load } = await withLoadRecord(() => {
    const runs = sizes.map(() => [] as { seconds: number; peakRssBytes: number }[]);
    const failed = new Set<number>();
    for (let repeat = 0; repeat < repeats; repeat += 1)
      sizes.forEach((data, index) => {
        if (failed.has(index)) return;
        try {
          runs[index]?.push(timedCli(argsFor(data)));
        } catch (error) {
          failed.add(index);
          failures.push(`${data.rows} rows: ${(error as Error).message.split('\n').slice(0, 3).join(' ')}`);
        }
      });
    if (failed.has(0)) throw new Error(`${name}: the 1,000-row run failed: ${failures.join('; ')}`);
    const measurements: ScaleMeasurement[] = [];
    sizes.forEach((data, index) => {
      if (index === 0 || failed.has(index)) return;
      const { seconds, secondsPerRun, peakRssBytes } = summarizeRuns(runs[index] ?? []);
      measurements.push({
        rows: data.rows,
        seconds,
        secondsPerRun,
        rowsPerSecond: data.rows / seconds,
        peakRssBytes,
        dataFloat32Bytes: data.rows * (data.features + 1) * 4,
      });
    });
    return { startup: summarizeRuns(runs[0] ?? []), measurements };
  });
  const { startup, measurements } = value;
  const first = measurements[0];
  const last = measurements.at(-1);
  const marginal = (measurement: ScaleMeasurement) => (measurement.seconds - startup.seconds) / measurement.rows;
  // A size faster than the fixed cost (only under noise) leaves the growth undefined rather than negative.
  const perRowTimeGrowth =
    first && last && last !== first && marginal(first) > 0 && marginal(last) > 0
      ? marginal(last) / marginal(first)
      : Number.NaN;
  const memoryMet = measurements.every(
    (measurement) => measurement.peakRssBytes <= measurement.dataFloat32Bytes + headroomBytes,
  );
  const complete = measurements.length === rowCounts.length;
  return {
    kind: 'scale',
    name,
    command: `weightspec ${argsFor({ path: 'DATA.csv', rows: 0, features: 0 }).join(' ')}`.replaceAll(
      `${scaleDirectory}/`,
      '',
    ),
    measurements,
    perRowTimeGrowth,
    goal: 'time per row beyond the fixed cost at the largest size <= 1.25x the smallest; peak RSS <= data as Float32 + 200 MB',
    met: complete && perRowTimeGrowth <= 1.25 && memoryMet,
    notes: `median time of ${repeats} runs per size (taken round the sizes), peak RSS the largest of them; on 1,000 rows (the fixed cost, subtracted before the time-per-row growth): ${startup.seconds.toFixed(2)} s, ${(startup.peakRssBytes / 1048576).toFixed(0)} MB; the built CLI (node apps/cli/dist/bin.js)${failures.length > 0 ? `; FAILED at ${failures.join('; ')}` : ''}`,
    load,
  };
}

/**
 * Issue 17's scale targets: `weightspec weights` and `weightspec train` (each adapter, 1 epoch, batch
 * 1024, no baseline model) on a generated CSV (8 features, 5 imbalanced classes) and on vega-datasets'
 * flights-200k repeated, at 0.5M, 1M and 2M rows: rows per second, peak RSS (GNU time), time linear in
 * rows and memory at most the data as Float32 plus 200 MB.
 */
export async function runScaleBenchmark(_rounds: number): Promise<ScaleRow[]> {
  if (!existsSync('/usr/bin/time')) {
    process.stderr.write('scale: /usr/bin/time is missing (apt-get install time): rows skipped\n');
    return [];
  }
  if (!existsSync(cliBin)) {
    process.stderr.write(
      `scale: ${cliBin} is missing (build it: npx -y pnpm@12.21.0 exec turbo run build --filter=@weightspec/cli...): rows skipped\n`,
    );
    return [];
  }
  mkdirSync(scaleDirectory, { recursive: true });
  const spec = join(scaleDirectory, 'balanced-spec.json');
  writeFileSync(
    spec,
    JSON.stringify({ specVersion: 1, loss: { kind: 'softmax_cross_entropy' }, class: { strategy: 'balanced' } }),
  );
  const weightsOut = join(scaleDirectory, 'weights-out.csv');
  const rows: ScaleRow[] = [];
  for (const [dataName, dataset, label] of [
    ['generated', generatedDataset, 'label'],
    ['flights-200k repeated', flightsDataset, 'status'],
  ] as const) {
    rows.push(
      await measureScale(`weights (${dataName})`, dataset, (data) => [
        'weights',
        '--spec',
        spec,
        '--data',
        data.path,
        '--label',
        label,
        '--out',
        weightsOut,
        '--force',
        '--json',
      ]),
    );
    for (const adapter of ['mljs', 'tfjs', 'onnx'])
      rows.push(
        await measureScale(`train --adapter ${adapter} (${dataName})`, dataset, (data) => [
          'train',
          '--adapter',
          adapter,
          '--data',
          data.path,
          '--label',
          label,
          '--spec',
          spec,
          '--epochs',
          '1',
          '--batch-size',
          '1024',
          '--skip-baseline',
          '--json',
        ]),
      );
  }
  return rows;
}
