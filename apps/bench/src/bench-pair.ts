/**
 * Times two sides of one benchmark in this process, alternating single repetitions (A B, B A, ...),
 * with ONNX Runtime's thread spinning off so one side's idle pool does not spin against the other's;
 * prints one JSON line (PairedOutput):
 *   tsx bench-pair.ts <benchmark> <candidate side> <baseline side> <repetitions> <warmup>
 * Started by comparePairedSides.
 */
import type { PairedOutput } from './bench-harness.ts';
import { benchmarkSides } from './benchmark-sides.ts';

const [benchmark, candidateName, baselineName, repetitionsText, warmupText] = process.argv.slice(2);
const sides = benchmarkSides[benchmark as string];
const setups = [sides?.[candidateName as string], sides?.[baselineName as string]];
if (!setups[0] || !setups[1]) {
  process.stderr.write(
    `unknown sides ${benchmark} ${candidateName} ${baselineName}; known: ${JSON.stringify(
      Object.fromEntries(Object.entries(benchmarkSides).map(([name, registry]) => [name, Object.keys(registry)])),
    )}\n`,
  );
  process.exit(2);
}
const candidate = await setups[0]({ threadSpinning: false });
const baseline = await setups[1]({ threadSpinning: false });
const repetitions = Number(repetitionsText);
const warmup = Number(warmupText);
for (let index = 0; index < warmup; index += 1) {
  await candidate.run();
  await baseline.run();
}
const candidateTimes: number[] = [];
const baselineTimes: number[] = [];
const timed = async (run: () => unknown, times: number[]) => {
  const start = performance.now();
  await run();
  times.push(performance.now() - start);
};
for (let index = 0; index < repetitions; index += 1) {
  // Alternate which side goes first, so neither always follows the other's cache footprint.
  if (index % 2 === 0) {
    await timed(candidate.run, candidateTimes);
    await timed(baseline.run, baselineTimes);
  } else {
    await timed(baseline.run, baselineTimes);
    await timed(candidate.run, candidateTimes);
  }
}
const output: PairedOutput = {
  candidate: { timesMs: candidateTimes, details: (await candidate.details?.()) ?? {} },
  baseline: { timesMs: baselineTimes, details: (await baseline.details?.()) ?? {} },
};
process.stdout.write(`${JSON.stringify(output)}\n`);
await candidate.release?.();
await baseline.release?.();
