/**
 * Where the ONNX step's time goes: runs the benchmark's MLP step (N=4096, D=64, H=128, C=10, Adam) with
 * ONNX Runtime's profiler on and prints each kernel's median time per step, largest first.
 *   pnpm --filter @weightspec/bench run profile:onnx [steps=60] [threads=2]
 * Not a benchmark row (profiling adds overhead); a guide to what to optimize.
 */
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseWeightingSpec, resolveSchedules, resolveWeighting } from '@weightspec/core';
import { buildTrainingStepGraph, encodeOnnxModel, loadOnnxRuntime, packLayers } from '@weightspec/onnx';
import { summarizeTimes } from './bench-harness.ts';

const steps = Number(process.argv[2] ?? 60);
const threads = Number(process.argv[3] ?? 2);
const rows = 4096;
const sizes = [64, 128, 10];
const ort = await loadOnnxRuntime();
const spec = parseWeightingSpec({ specVersion: 1, loss: { kind: 'softmax_cross_entropy' } });
const scheduled = resolveSchedules(spec, resolveWeighting(spec, { numClasses: 10 }), { epoch: 0, step: 0 });
const model = buildTrainingStepGraph(spec, scheduled, sizes, { kind: 'adam' }).build();
const session = await ort.InferenceSession.create(encodeOnnxModel(model), {
  intraOpNumThreads: threads,
  interOpNumThreads: 1,
  enableProfiling: true,
  profileFilePrefix: join(tmpdir(), 'weightspec-onnx-step-profile'),
});
const { parameterCount } = packLayers(sizes);
const tensor = (data: Float32Array, dims: number[]) => new ort.Tensor('float32', data, dims);
const oneHot = new Float32Array(rows * 10);
for (let row = 0; row < rows; row += 1) oneHot[row * 10 + (row % 10)] = 1;
const ones = new Float32Array(rows).fill(1);
const feeds = {
  theta: tensor(
    Float32Array.from({ length: parameterCount }, (_, index) => Math.sin(index) * 0.1),
    [parameterCount],
  ),
  m: tensor(new Float32Array(parameterCount), [parameterCount]),
  v: tensor(new Float32Array(parameterCount), [parameterCount]),
  x: tensor(
    Float32Array.from({ length: rows * 64 }, (_, index) => Math.sin(index * 0.37)),
    [rows, 64],
  ),
  targets: tensor(oneHot, [rows, 10]),
  rest: tensor(ones, [rows, 1]),
  keep: tensor(ones, [rows, 1]),
  learning_rate: tensor(Float32Array.of(0.001), []),
  step: tensor(Float32Array.of(1), []),
};
for (let step = 0; step < steps; step += 1) await session.run(feeds);
// onnxruntime-node writes the trace (prefix_<date>.json) when profiling ends; it returns no file name.
(session as unknown as { endProfiling(): void }).endProfiling();
await session.release();
const prefix = 'weightspec-onnx-step-profile';
const file = readdirSync(tmpdir())
  .filter((name) => name.startsWith(prefix) && name.endsWith('.json'))
  .map((name) => join(tmpdir(), name))
  .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
if (!file) throw new Error(`onnxruntime-node wrote no ${prefix}*.json in ${tmpdir()}`);
const events = JSON.parse(readFileSync(file, 'utf8')) as {
  cat?: string;
  name: string;
  dur: number;
  args?: { op_name?: string };
}[];
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
console.log(
  `${model.nodes.length} nodes, ${kernels.length} kernels after ONNX Runtime's fusions, ${threads} threads; step ${summarizeTimes(runs).medianMilliseconds.toFixed(3)} ms median, kernels ${total.toFixed(3)} ms`,
);
for (const kernel of kernels.slice(0, 25))
  console.log(
    `${kernel.medianMilliseconds.toFixed(3).padStart(8)} ms  ${((kernel.medianMilliseconds / total) * 100).toFixed(1).padStart(5)}%  ${kernel.name}`,
  );
