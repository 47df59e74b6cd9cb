/**
 * Where the ONNX step's time goes: runs the benchmark's MLP step (N=4096, D=64, H=128, C=10, Adam) with
 * ONNX Runtime's profiler on and prints each kernel's median time per step, largest first.
 *   pnpm --filter @weightspec/bench run profile:onnx [steps=60] [threads=2]
 * Not a benchmark row (profiling adds overhead); a guide to what to optimize.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseWeightingSpec, resolveSchedules, resolveWeighting } from '@weightspec/core';
import { buildTrainingStepGraph, encodeOnnxModel, loadOnnxRuntime, packLayers } from '@weightspec/onnx';
import { printSlowestKernels, readOrtProfile } from './ort-profile-trace.ts';

const steps = Number(process.argv[2] ?? 60);
const prefix = 'weightspec-onnx-step-profile';
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
  profileFilePrefix: join(tmpdir(), prefix),
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
const profile = readOrtProfile(prefix);
console.log(
  `${model.nodes.length} nodes, ${profile.kernels.length} kernels after ONNX Runtime's fusions, ${threads} threads; step ${profile.runMedianMilliseconds.toFixed(3)} ms median, kernels ${profile.kernelMilliseconds.toFixed(3)} ms`,
);
printSlowestKernels(profile, 25);
