import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OnnxRuntimeLike } from '@weightspec/onnx';
import { summarizeTimes } from './bench-harness.ts';
import type { TimingSummary } from './bench-harness.ts';

/**
 * An `ort` whose sessions run with ONNX Runtime's profiler on: the n-th session created writes its
 * trace as `<prefix>-<n>` in the temporary folder, read back by readOrtProfile after the session's
 * endProfiling(). `sessions` lists them in creation order.
 */
export function profilingRuntime(ort: OnnxRuntimeLike, prefix: string) {
  const sessions: { endProfiling(): void }[] = [];
  const runtime: OnnxRuntimeLike = {
    Tensor: ort.Tensor,
    InferenceSession: {
      async create(model, options) {
        const session = await ort.InferenceSession.create(model, {
          ...options,
          enableProfiling: true,
          profileFilePrefix: join(tmpdir(), `${prefix}-${sessions.length}`),
        } as typeof options);
        sessions.push(session as unknown as { endProfiling(): void });
        return session;
      },
    },
  };
  return { runtime, sessions };
}

/** One event of ONNX Runtime's profiling trace (Chrome trace format). */
interface TraceEvent {
  cat?: string;
  name: string;
  dur: number;
  args?: { op_name?: string };
}

/** What one session's profile says: each kernel's times per run (largest median first) and the whole runs'. */
export interface OrtProfile {
  /** `<op type> <node name>` with min, median and max milliseconds over the runs. */
  readonly kernels: readonly ({ readonly name: string } & TimingSummary)[];
  /** Median milliseconds of a whole `session.run`. */
  readonly runMedianMilliseconds: number;
  /** Sum of the kernels' medians: the time spent inside kernels per run. */
  readonly kernelMilliseconds: number;
}

/**
 * Reads and deletes the newest trace onnxruntime-node wrote to the temporary folder for `prefix` (the
 * session's `profileFilePrefix` there; ONNX Runtime appends a date and returns no file name when
 * profiling ends), and summarizes each kernel's time per run.
 */
export function readOrtProfile(prefix: string): OrtProfile {
  const file = readdirSync(tmpdir())
    .filter((name) => name.startsWith(prefix) && name.endsWith('.json'))
    .map((name) => join(tmpdir(), name))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
  if (!file) throw new Error(`onnxruntime-node wrote no ${prefix}*.json in ${tmpdir()}`);
  const events = JSON.parse(readFileSync(file, 'utf8')) as TraceEvent[];
  rmSync(file, { force: true });
  const perKernel = new Map<string, number[]>();
  for (const event of events)
    if (event.cat === 'Node' && event.name.endsWith('_kernel_time')) {
      const key = `${event.args?.op_name ?? '?'} ${event.name.slice(0, -'_kernel_time'.length)}`;
      perKernel.set(key, [...(perKernel.get(key) ?? []), event.dur / 1000]);
    }
  const runs = events
    .filter((event) => event.cat === 'Session' && event.name === 'model_run')
    .map((event) => event.dur / 1000);
  const kernels = [...perKernel].map(([name, times]) => ({ name, ...summarizeTimes(times) }));
  kernels.sort((a, b) => b.medianMilliseconds - a.medianMilliseconds);
  return {
    kernels,
    runMedianMilliseconds: summarizeTimes(runs).medianMilliseconds,
    kernelMilliseconds: kernels.reduce((sum, kernel) => sum + kernel.medianMilliseconds, 0),
  };
}

/** Prints the `top` slowest kernels: median milliseconds, share of the kernel time, op type and node. */
export function printSlowestKernels(profile: OrtProfile, top: number): void {
  for (const kernel of profile.kernels.slice(0, top))
    console.log(
      `${kernel.medianMilliseconds.toFixed(3).padStart(8)} ms  ${((kernel.medianMilliseconds / profile.kernelMilliseconds) * 100).toFixed(1).padStart(5)}%  ${kernel.name}`,
    );
}
