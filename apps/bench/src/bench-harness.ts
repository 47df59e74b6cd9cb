import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';

/** Above this 1-minute load average per core (or CPU use by other processes per core) a row is noisy. */
export const QUIET_LOAD_PER_CORE = 0.5;

/** Min, median and max of a set of timings, in milliseconds. */
export interface TimingSummary {
  readonly minMilliseconds: number;
  readonly medianMilliseconds: number;
  readonly maxMilliseconds: number;
  readonly count: number;
}

/** What a side prints as its one JSON line: per-repetition times and anything else it measured. */
export interface SideOutput {
  readonly timesMs: readonly number[];
  readonly details?: Record<string, unknown>;
}

/** A command that runs one side of a comparison in its own process and prints a SideOutput. */
export interface SideCommand {
  readonly label: string;
  readonly argv: readonly string[];
}

/** The machine's load around one row: the load average before it and other processes' CPU use during it. */
export interface LoadRecord {
  /** os.loadavg() before the row: 1, 5 and 15 minutes. */
  readonly loadAverageBefore: readonly number[];
  /** Seconds waited (at most 120) for the 1-minute average to fall below the limit before the row. */
  readonly settleSeconds: number;
  /** Cores busy with processes other than this benchmark and its children, averaged over the row. */
  readonly otherProcessesCores: number | null;
  /** Whether both stayed at or below QUIET_LOAD_PER_CORE per core. */
  readonly quiet: boolean;
}

/** One side's summary in a row. */
export interface SideResult extends TimingSummary {
  readonly label: string;
  readonly roundMedians: readonly number[];
  readonly details: readonly Record<string, unknown>[];
}

/** A comparison of two sides timed in alternating rounds, each side in its own process. */
export interface ComparisonRow {
  readonly kind: 'comparison';
  readonly name: string;
  readonly candidate: SideResult;
  readonly baseline: SideResult;
  /** candidate median / baseline median over all repetitions (lower is faster). */
  readonly ratio: number;
  /** Min and max of the per-round ratios of medians. */
  readonly ratioSpread: readonly [number, number];
  readonly goal: string;
  readonly met: boolean | null;
  readonly notes: string;
  readonly load: LoadRecord;
}

/** Min, median and max of `values` (the median of an even count is the mean of the middle two). */
export function summarizeTimes(values: readonly number[]): TimingSummary {
  if (values.length === 0) throw new Error('no timings to summarize');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 === 1
      ? (sorted[middle] as number)
      : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
  return {
    minMilliseconds: sorted[0] as number,
    medianMilliseconds: median,
    maxMilliseconds: sorted.at(-1) as number,
    count: sorted.length,
  };
}

/** The `node` command line that runs a TypeScript file of this package with the workspace's sources. */
export function tsxCommand(file: string, args: readonly string[]): string[] {
  const tsxCli = createRequire(import.meta.url).resolve('tsx/cli');
  return [
    process.execPath,
    tsxCli,
    '--conditions=@weightspec/source',
    fileURLToPath(new URL(file, import.meta.url)),
    ...args,
  ];
}

/** A side implemented in apps/bench/src/bench-side.ts: `benchmark` and `side` name its setup there. */
export function nodeSide(label: string, benchmark: string, side: string, repetitions: number, warmup: number) {
  return {
    label,
    argv: tsxCommand('./bench-side.ts', [benchmark, side, String(repetitions), String(warmup)]),
  } satisfies SideCommand;
}

/** Runs a command to completion and parses the last line it printed as JSON. */
function runCommand(side: SideCommand): unknown {
  const [command, ...args] = side.argv as [string, ...string[]];
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0)
    throw new Error(`${side.label}: ${side.argv.join(' ')} exited with ${result.status}\n${result.stderr}`);
  const lines = result.stdout.trim().split('\n');
  return JSON.parse(lines.at(-1) as string);
}

/** Runs a side command to completion and parses the last line it printed as a SideOutput. */
export function runSide(side: SideCommand): SideOutput {
  const output = runCommand(side) as SideOutput;
  if (!Array.isArray(output.timesMs) || output.timesMs.length === 0)
    throw new Error(`${side.label}: printed no timesMs`);
  return output;
}

/** Busy and total CPU ticks of the whole machine (/proc/stat), or null where there is no /proc. */
function machineTicks(): { busy: number; total: number } | null {
  try {
    const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] as string)
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    const total = fields.reduce((sum, value) => sum + value, 0);
    return { busy: total - (fields[3] as number) - (fields[4] as number), total };
  } catch {
    return null;
  }
}

/** CPU ticks used by this process and its waited-for children (/proc/self/stat utime+stime+cutime+cstime). */
function ownTicks(): number | null {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14-17 of stat(5), counted from after the command name (which starts at field 3).
    return [11, 12, 13, 14].reduce((sum, index) => sum + Number(fields[index]), 0);
  } catch {
    return null;
  }
}

let settleLoad = true;

/** Whether withLoadRecord waits for the load average to settle before a row (pnpm bench --no-settle turns it off). */
export function setSettleLoad(enabled: boolean): void {
  settleLoad = enabled;
}

/**
 * Runs `measure` while recording the machine's load: os.loadavg() before (after waiting for the
 * previous row's own load to decay), and the CPU that processes other than this one and its children
 * used meanwhile (from /proc/stat minus /proc/self/stat).
 */
export async function withLoadRecord<T>(measure: () => Promise<T> | T): Promise<{ value: T; load: LoadRecord }> {
  const cores = cpus().length;
  const limit = QUIET_LOAD_PER_CORE * cores;
  // The 1-minute average still carries this benchmark's previous row (2 ONNX or PyTorch threads raise
  // it towards 2): wait up to 2 minutes for it to decay below the limit before judging the machine.
  const waitStart = performance.now();
  while (settleLoad && (loadavg()[0] as number) > limit && performance.now() - waitStart < 120_000)
    await new Promise((resolve) => setTimeout(resolve, 5000));
  const settleSeconds = (performance.now() - waitStart) / 1000;
  const loadAverageBefore = loadavg();
  const machineBefore = machineTicks();
  const ownBefore = ownTicks();
  const value = await measure();
  const machineAfter = machineTicks();
  const ownAfter = ownTicks();
  let otherProcessesCores: number | null = null;
  if (machineBefore && machineAfter && ownBefore !== null && ownAfter !== null) {
    const elapsed = (machineAfter.total - machineBefore.total) / cores;
    const others = machineAfter.busy - machineBefore.busy - (ownAfter - ownBefore);
    otherProcessesCores = elapsed > 0 ? Math.max(0, others / elapsed) : 0;
  }
  const quiet = (loadAverageBefore[0] as number) <= limit && (otherProcessesCores ?? 0) <= limit;
  return { value, load: { loadAverageBefore, settleSeconds, otherProcessesCores, quiet } };
}

/** Options of compareSides. */
export interface ComparisonOptions {
  readonly name: string;
  readonly candidate: SideCommand;
  readonly baseline: SideCommand;
  /** Whole rounds; each runs both sides once, the first side alternating between rounds. */
  readonly rounds: number;
  /** The goal on the ratio of medians, e.g. 0.4 for "<= 0.4"; null for a row timed for reference. */
  readonly goal: number | null;
  readonly notes: string;
}

/**
 * Times two sides in alternating whole rounds (A B, B A, A B, ...), each run in its own process, so
 * neither side's threads compete with the other's and drift in the machine hits both alike.
 */
export async function compareSides(options: ComparisonOptions): Promise<ComparisonRow> {
  const { value: rounds, load } = await withLoadRecord(() => {
    const collected: { candidate: SideOutput; baseline: SideOutput }[] = [];
    for (let round = 0; round < options.rounds; round += 1) {
      if (round % 2 === 0) {
        const candidate = runSide(options.candidate);
        collected.push({ candidate, baseline: runSide(options.baseline) });
      } else {
        const baseline = runSide(options.baseline);
        collected.push({ candidate: runSide(options.candidate), baseline });
      }
    }
    return collected;
  });
  return comparisonRow(options, options.candidate.label, options.baseline.label, rounds, load);
}

/** Options of comparePairedSides: two sides of one benchmark timed step by step in one process. */
export interface PairedComparisonOptions {
  readonly name: string;
  /** The benchmark in benchmark-sides.ts whose two sides are compared. */
  readonly benchmark: string;
  readonly candidate: { readonly label: string; readonly side: string };
  readonly baseline: { readonly label: string; readonly side: string };
  /** Processes; each times both sides, `repetitions` steps each. */
  readonly rounds: number;
  readonly repetitions: number;
  readonly warmup: number;
  readonly goal: number | null;
  readonly notes: string;
}

/** What bench-pair.ts prints as its one JSON line: both sides' outputs. */
export interface PairedOutput {
  readonly candidate: SideOutput;
  readonly baseline: SideOutput;
}

/**
 * Times two sides of the same framework in one process per round, alternating single repetitions
 * (A B, B A, ...) with ONNX Runtime's thread spinning off (bench-pair.ts). For a ratio between two
 * variants of one step (weighted vs unweighted), this removes what differs between processes (where
 * the threads land, the heap's layout), which on a 2-core VM moved one side's median by 1.5x from one
 * process to the next, while sleeping pool threads keep one side's session from spinning against the
 * other's.
 */
export async function comparePairedSides(options: PairedComparisonOptions): Promise<ComparisonRow> {
  const command: SideCommand = {
    label: `${options.candidate.label} | ${options.baseline.label}`,
    argv: tsxCommand('./bench-pair.ts', [
      options.benchmark,
      options.candidate.side,
      options.baseline.side,
      String(options.repetitions),
      String(options.warmup),
    ]),
  };
  const { value: rounds, load } = await withLoadRecord(() => {
    const collected: PairedOutput[] = [];
    for (let round = 0; round < options.rounds; round += 1) {
      const output = runCommand(command) as PairedOutput;
      for (const side of [output.candidate, output.baseline])
        if (!Array.isArray(side?.timesMs) || side.timesMs.length === 0)
          throw new Error(`${command.label}: printed no timesMs for a side`);
      collected.push(output);
    }
    return collected;
  });
  return comparisonRow(options, options.candidate.label, options.baseline.label, rounds, load);
}

/** A ComparisonRow from per-round outputs of both sides: medians over all repetitions, per-round ratios. */
function comparisonRow(
  options: { readonly name: string; readonly goal: number | null; readonly notes: string },
  candidateLabel: string,
  baselineLabel: string,
  rounds: readonly { candidate: SideOutput; baseline: SideOutput }[],
  load: LoadRecord,
): ComparisonRow {
  const side = (label: string, outputs: SideOutput[]): SideResult => ({
    label,
    ...summarizeTimes(outputs.flatMap((output) => output.timesMs)),
    roundMedians: outputs.map((output) => summarizeTimes(output.timesMs).medianMilliseconds),
    details: outputs.map((output) => output.details ?? {}),
  });
  const candidate = side(
    candidateLabel,
    rounds.map((round) => round.candidate),
  );
  const baseline = side(
    baselineLabel,
    rounds.map((round) => round.baseline),
  );
  const roundRatios = candidate.roundMedians.map((median, index) => median / (baseline.roundMedians[index] as number));
  const ratio = candidate.medianMilliseconds / baseline.medianMilliseconds;
  return {
    kind: 'comparison',
    name: options.name,
    candidate,
    baseline,
    ratio,
    ratioSpread: [Math.min(...roundRatios), Math.max(...roundRatios)],
    goal: options.goal === null ? '' : `<= ${options.goal}`,
    met: options.goal === null ? null : ratio <= options.goal,
    notes: options.notes,
    load,
  };
}

/** Times `run` `repetitions` times after `warmup` untimed runs; the per-repetition milliseconds. */
export async function timeRepetitions(
  run: () => unknown | Promise<unknown>,
  repetitions: number,
  warmup: number,
): Promise<number[]> {
  for (let index = 0; index < warmup; index += 1) await run();
  const times: number[] = [];
  for (let index = 0; index < repetitions; index += 1) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  return times;
}

/** One size of a scale measurement: a CLI command on `rows` rows in a child process. */
export interface ScaleMeasurement {
  readonly rows: number;
  /** The median wall time over the runs. */
  readonly seconds: number;
  /** Every run's wall time, in the order run (absent in results written before repeats existed). */
  readonly secondsPerRun?: readonly number[];
  readonly rowsPerSecond: number;
  /** Peak resident set size of the command's process (VmHWM / getrusage maxrss); the largest over the runs. */
  readonly peakRssBytes: number;
  /** The data as Float32: rows x (features + 1 label) x 4 bytes. */
  readonly dataFloat32Bytes: number;
}

/** A command measured at growing row counts: time linear in rows, memory bounded by the data. */
export interface ScaleRow {
  readonly kind: 'scale';
  readonly name: string;
  readonly command: string;
  readonly measurements: readonly ScaleMeasurement[];
  /** Seconds per row beyond the fixed cost (1,000 rows) at the largest size over that at the smallest (1 = linear). */
  readonly perRowTimeGrowth: number;
  readonly goal: string;
  readonly met: boolean | null;
  readonly notes: string;
  readonly load: LoadRecord;
}
