/**
 * Where the fine-tuner's LeNet-5 step goes: runs the benchmark's step (batch 64, 1x28x28, Adam) with
 * ONNX Runtime's profiler on (sessions created through an injected `ort` that adds the profiling
 * options) and prints each kernel's median time per step, largest first, with the forward-only
 * (evaluation graph) cost for comparison.
 *   pnpm --filter @weightspec/bench run profile:finetune [steps=60] [weighted=0]   (TOP=n: kernels listed)
 * Not a benchmark row (profiling adds overhead); a guide to what to optimize.
 */
import { createOnnxFineTuner, loadOnnxRuntime } from '@weightspec/onnx';
import type { OnnxRuntimeLike } from '@weightspec/onnx';
import { printSlowestKernels, profilingRuntime, readOrtProfile } from './ort-profile-trace.ts';
import { lenetModel, weightedSpec } from './onnx-finetune.bench.ts';

const steps = Number(process.argv[2] ?? 60);
const weighted = process.argv[3] === '1';
const prefix = 'weightspec-finetune-profile';
const ort = (await loadOnnxRuntime()) as unknown as OnnxRuntimeLike;
const { runtime: profiling, sessions } = profilingRuntime(ort, prefix);
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

const labels = ['step', 'forward only (evaluation graph)'];
sessions.forEach((_, index) => {
  const profile = readOrtProfile(`${prefix}-${index}`);
  const perOp = new Map<string, number>();
  for (const kernel of profile.kernels) {
    const op = kernel.name.split(' ')[0] as string;
    perOp.set(op, (perOp.get(op) ?? 0) + kernel.medianMilliseconds);
  }
  console.log(
    `\n${labels[index] ?? `session ${index}`}: ${profile.kernels.length} kernels; run ${profile.runMedianMilliseconds.toFixed(3)} ms median, kernels ${profile.kernelMilliseconds.toFixed(3)} ms`,
  );
  console.log(
    `  by op: ${[...perOp]
      .sort((a, b) => b[1] - a[1])
      .map(([op, time]) => `${op} ${time.toFixed(3)}`)
      .join(', ')}`,
  );
  printSlowestKernels(profile, Number(process.env.TOP ?? 25));
});
