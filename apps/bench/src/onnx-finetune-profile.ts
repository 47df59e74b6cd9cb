/**
 * Where the fine-tuner's LeNet-5 step goes: runs the benchmark's step (batch 64, 1x28x28, Adam) with
 * ONNX Runtime's profiler on (sessions created through an injected `ort` that adds the profiling
 * options) and prints each kernel's median time per step, largest first, with the forward-only
 * (evaluation graph) cost for comparison.
 *   pnpm --filter @weightspec/bench run profile:finetune [steps=60] [weighted=0]   (TOP=n: kernels listed)
 * Not a benchmark row (profiling adds overhead); a guide to what to optimize.
 */
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOnnxFineTuner, loadOnnxRuntime } from '@weightspec/onnx';
import type { OnnxRuntimeLike } from '@weightspec/onnx';
import { summarizeTimes } from './bench-harness.ts';
import { lenetModel, weightedSpec } from './onnx-finetune.bench.ts';

const steps = Number(process.argv[2] ?? 60);
const weighted = process.argv[3] === '1';
const prefix = 'weightspec-finetune-profile';
const ort = (await loadOnnxRuntime()) as unknown as OnnxRuntimeLike;
const sessions: { endProfiling(): void }[] = [];
const profiling: OnnxRuntimeLike = {
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
let state = 99;
const random = () => {
  state = (state * 1103515245 + 12345) % 2147483648;
  return state / 2147483648;
};
const features = Array.from({ length: 64 }, () => Float32Array.from({ length: 784 }, random));
const targets = Array.from({ length: 64 }, (_, index) => index % 10);
const sampleWeights = Array.from({ length: 64 }, (_, index) => 0.5 + (index % 3) / 2);
const tuner = await createOnnxFineTuner({
  model: lenetModel(),
  threads: 2,
  learningRate: 1e-3,
  ort: profiling,
  ...(weighted ? { spec: weightedSpec } : {}),
});
for (let step = 0; step < steps; step += 1)
  await (weighted ? tuner.step({ features, targets, sampleWeights }) : tuner.step({ features, targets }));
for (let step = 0; step < steps; step += 1) await tuner.evaluate(features, targets);
for (const session of sessions) session.endProfiling();
await tuner.release();

interface TraceEvent {
  cat?: string;
  name: string;
  dur: number;
  args?: { op_name?: string };
}
const labels = ['step', 'forward only (evaluation graph)'];
sessions.forEach((_, index) => {
  const file = readdirSync(tmpdir())
    .filter((name) => name.startsWith(`${prefix}-${index}`) && name.endsWith('.json'))
    .map((name) => join(tmpdir(), name))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
  if (!file) throw new Error(`onnxruntime-node wrote no ${prefix}-${index}*.json in ${tmpdir()}`);
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
  const total = kernels.reduce((sum, kernel) => sum + kernel.medianMilliseconds, 0);
  const perOp = new Map<string, number>();
  for (const kernel of kernels) {
    const op = kernel.name.split(' ')[0] as string;
    perOp.set(op, (perOp.get(op) ?? 0) + kernel.medianMilliseconds);
  }
  console.log(
    `\n${labels[index] ?? `session ${index}`}: ${kernels.length} kernels; run ${summarizeTimes(runs).medianMilliseconds.toFixed(3)} ms median, kernels ${total.toFixed(3)} ms`,
  );
  console.log(
    `  by op: ${[...perOp]
      .sort((a, b) => b[1] - a[1])
      .map(([op, time]) => `${op} ${time.toFixed(3)}`)
      .join(', ')}`,
  );
  for (const kernel of kernels.slice(0, Number(process.env.TOP ?? 25)))
    console.log(
      `${kernel.medianMilliseconds.toFixed(3).padStart(8)} ms  ${((kernel.medianMilliseconds / total) * 100).toFixed(1).padStart(5)}%  ${kernel.name}`,
    );
});
