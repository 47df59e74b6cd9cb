/**
 * Runs the benchmarks, prints one table and writes every measurement to a JSON file.
 *   pnpm bench                     all benchmarks, 5 alternating rounds per row
 *   pnpm bench core mljs           only the named groups (core, mljs, quality, tfjs, onnx, scale)
 *   pnpm bench --rounds 3          fewer or more rounds
 *   pnpm bench --out file.json     where the JSON goes (default: results/bench-results.json in apps/bench)
 *   pnpm bench --readme            also regenerate README.md's table, only if the full run was quiet
 *   pnpm bench --no-settle         do not wait (up to 2 minutes per row) for the load average to settle
 * A row is noisy when the 1-minute load average before it, or other processes' CPU use during it,
 * exceeds QUIET_LOAD_PER_CORE per core: the run is then marked not quiet and no README numbers are written.
 */
import { mkdirSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomically } from './atomic-file-write.ts';
import { QUIET_LOAD_PER_CORE, setSettleLoad } from './bench-harness.ts';
import { runCoreComposeBenchmark } from './core-compose.bench.ts';
import { machineInfo } from './machine-info.ts';
import { runMljsQualityBenchmark } from './mljs-quality.bench.ts';
import { runMljsBenchmark } from './mljs-train.bench.ts';
import { runOnnxFineTuneBenchmark } from './onnx-finetune.bench.ts';
import { runOnnxBenchmark } from './onnx-step.bench.ts';
import { formatResultsTable, writeReadmeTable } from './readme-table.ts';
import type { BenchmarkResults, BenchmarkRow } from './readme-table.ts';
import { runScaleBenchmark } from './scale.bench.ts';
import { runTfjsBenchmark } from './tfjs-fit.bench.ts';

const groups: [string, (rounds: number) => Promise<BenchmarkRow[]>][] = [
  ['core', runCoreComposeBenchmark],
  ['mljs', runMljsBenchmark],
  ['quality', runMljsQualityBenchmark],
  ['tfjs', runTfjsBenchmark],
  ['onnx', runOnnxBenchmark],
  ['scale', runScaleBenchmark],
  ['finetune', runOnnxFineTuneBenchmark],
];

const args = process.argv.slice(2);
const option = (name: string) => {
  const index = args.indexOf(name);
  return index === -1 ? undefined : args[index + 1];
};
const rounds = Number(option('--rounds') ?? 5);
if (!Number.isInteger(rounds) || rounds < 1)
  throw new Error(`--rounds must be an integer >= 1, got ${option('--rounds')}`);
const packageDirectory = dirname(dirname(fileURLToPath(import.meta.url)));
const out = resolve(
  process.env.INIT_CWD ?? process.cwd(),
  option('--out') ?? `${packageDirectory}/results/bench-results.json`,
);
const valued = new Set([option('--rounds'), option('--out')].filter((value) => value !== undefined));
const selected = args.filter(
  (arg, index) => !arg.startsWith('--') && !(valued.has(arg) && args[index - 1]?.startsWith('--')),
);
const unknown = selected.filter((name) => !groups.some(([group]) => group === name));
if (unknown.length > 0)
  throw new Error(
    `unknown benchmark group(s) ${unknown.join(', ')}; known: ${groups.map(([group]) => group).join(', ')}`,
  );

setSettleLoad(!args.includes('--no-settle'));
const limit = QUIET_LOAD_PER_CORE * cpus().length;
const startLoad = loadavg()[0] as number;
if (startLoad > limit)
  process.stderr.write(
    `WARNING: 1-minute load average ${startLoad.toFixed(2)} exceeds ${limit} (${QUIET_LOAD_PER_CORE} per core on ${cpus().length} cores): each row first waits (up to 2 minutes) for it to settle, and a row still above it marks the run not quiet (no README numbers).\n`,
  );
const startedAt = new Date().toISOString();
const rows: BenchmarkRow[] = [];
for (const [name, run] of groups) {
  if (selected.length > 0 && !selected.includes(name)) continue;
  process.stderr.write(`running ${name} (${rounds} rounds) ...\n`);
  for (const row of await run(rounds)) {
    rows.push(row);
    if (!row.load.quiet)
      process.stderr.write(
        `WARNING: ${row.name}: load ${row.load.loadAverageBefore[0]?.toFixed(2)} before, other processes ${row.load.otherProcessesCores?.toFixed(2) ?? '?'} cores during (limit ${limit})\n`,
      );
  }
}
const results: BenchmarkResults = {
  command: `pnpm bench ${args.join(' ')}`.trim(),
  argv: process.argv,
  cwd: process.cwd(),
  startedAt,
  finishedAt: new Date().toISOString(),
  groups: selected.length > 0 ? selected : groups.map(([name]) => name),
  complete: selected.length === 0 || groups.every(([name]) => selected.includes(name)),
  rounds,
  quietLoadPerCore: QUIET_LOAD_PER_CORE,
  quiet: rows.every((row) => row.load.quiet),
  threads: { onnxIntraOp: 2, onnxInterOp: 1, torch: 2, note: 'JavaScript sides (core, mljs, tfjs) run on one thread' },
  machine: machineInfo(),
  rows,
};
mkdirSync(dirname(out), { recursive: true });
writeFileAtomically(out, `${JSON.stringify(results, null, 2)}\n`);
console.log(formatResultsTable(results));
process.stderr.write(`results written to ${out}\n`);
if (!results.quiet)
  process.stderr.write('WARNING: this run was not quiet (see the warnings above): its numbers are provisional.\n');
if (args.includes('--readme')) writeReadmeTable(results);
