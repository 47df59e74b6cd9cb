/** One measured comparison: two variants timed side by side in the same run, reported as a ratio. */
export interface BenchmarkComparison {
  /** What is compared, e.g. "fitWeighted vs model.fit (cpu)". */
  readonly name: string;
  /** The variant under test. */
  readonly candidate: { readonly label: string; readonly medianMilliseconds: number };
  /** The baseline it is compared to. */
  readonly baseline: { readonly label: string; readonly medianMilliseconds: number };
  /** candidate / baseline time (lower is faster). */
  readonly ratio: number;
  /** The goal, e.g. "<= 1.10"; empty when there is none. */
  readonly goal: string;
  /** Whether the goal was met. */
  readonly met: boolean | null;
  /** Free-form notes: sizes, repetitions, backend. */
  readonly notes: string;
}

/** Times `run` `repetitions` times after `warmup` runs; returns the median in milliseconds. */
export async function medianMilliseconds(
  run: () => unknown | Promise<unknown>,
  repetitions: number,
  warmup = 1,
): Promise<number> {
  for (let index = 0; index < warmup; index += 1) await run();
  const times: number[] = [];
  for (let index = 0; index < repetitions; index += 1) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] as number;
}

/**
 * Times two variants interleaved (A B A B ...) so machine noise hits both alike; returns both medians.
 */
export async function interleavedMedians(
  candidate: () => unknown | Promise<unknown>,
  baseline: () => unknown | Promise<unknown>,
  repetitions: number,
  warmup = 1,
): Promise<{ candidate: number; baseline: number }> {
  for (let index = 0; index < warmup; index += 1) {
    await candidate();
    await baseline();
  }
  const candidateTimes: number[] = [];
  const baselineTimes: number[] = [];
  for (let index = 0; index < repetitions; index += 1) {
    let start = performance.now();
    await candidate();
    candidateTimes.push(performance.now() - start);
    start = performance.now();
    await baseline();
    baselineTimes.push(performance.now() - start);
  }
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
  return { candidate: median(candidateTimes), baseline: median(baselineTimes) };
}
