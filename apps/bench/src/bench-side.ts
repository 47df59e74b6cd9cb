/**
 * Runs one side of a benchmark comparison in this process and prints one JSON line (SideOutput):
 *   tsx bench-side.ts <benchmark> <side> <repetitions> <warmup>
 * Started by compareSides, so each side has the machine's cores to itself while it runs.
 */
import { timeRepetitions } from './bench-harness.ts';
import { benchmarkSides } from './benchmark-sides.ts';

const [benchmark, sideName, repetitions, warmup] = process.argv.slice(2);
const sides = benchmarkSides[benchmark as string];
const setup = sides?.[sideName as string];
if (!setup) {
  process.stderr.write(
    `unknown side ${benchmark} ${sideName}; known: ${JSON.stringify(Object.keys(benchmarkSides))}\n`,
  );
  process.exit(2);
}
const side = await setup({ threadSpinning: true });
const timesMs = await timeRepetitions(side.run, Number(repetitions), Number(warmup));
const details = (await side.details?.()) ?? {};
process.stdout.write(`${JSON.stringify({ timesMs, details })}\n`);
await side.release?.();
