/**
 * Runs every benchmark and prints one table of side-by-side ratios (lower ratio = candidate faster).
 *   pnpm bench            all benchmarks
 *   pnpm bench core mljs  only those whose name starts with a given word
 * Pass --json for machine-readable output.
 */
import { runCoreComposeBenchmark } from './core-compose.bench.ts';
import { runMljsBenchmark } from './mljs-train.bench.ts';
import { runOnnxFineTuneBenchmark } from './onnx-finetune.bench.ts';
import { runOnnxBenchmark } from './onnx-step.bench.ts';
import { runTfjsBenchmark } from './tfjs-fit.bench.ts';
import type { BenchmarkComparison } from './benchmark-report.ts';

const benchmarks: [string, () => Promise<BenchmarkComparison[]>][] = [
  ['core', runCoreComposeBenchmark],
  ['mljs', runMljsBenchmark],
  ['tfjs', runTfjsBenchmark],
  ['onnx', runOnnxBenchmark],
  ['finetune', runOnnxFineTuneBenchmark],
];

const args = process.argv.slice(2);
const json = args.includes('--json');
const selected = args.filter((arg) => !arg.startsWith('--'));
const results: BenchmarkComparison[] = [];
for (const [name, run] of benchmarks) {
  if (selected.length > 0 && !selected.includes(name)) continue;
  process.stderr.write(`running ${name} ...\n`);
  results.push(...(await run()));
}
if (json) console.log(JSON.stringify(results, null, 2));
else {
  const rows = results.map((result) => [
    result.name,
    `${result.candidate.medianMilliseconds.toFixed(2)} ms`,
    `${result.baseline.medianMilliseconds.toFixed(2)} ms`,
    `${result.ratio.toFixed(3)}x`,
    result.goal,
    result.met === null ? '-' : result.met ? 'met' : 'NOT met',
  ]);
  const header = ['benchmark', 'candidate', 'baseline', 'ratio', 'goal', ''];
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: string[]) =>
    `| ${cells.map((cell, column) => cell.padEnd(widths[column] as number)).join(' | ')} |`;
  console.log([line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n'));
  for (const result of results)
    console.log(`- ${result.name}: ${result.candidate.label} vs ${result.baseline.label}; ${result.notes}`);
}
