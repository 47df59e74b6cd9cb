import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseWeightingSpec, resolveSchedules, resolveWeighting } from '@weightspec/core';
import { buildTrainingStepGraph, encodeOnnxModel, loadOnnxRuntime, packLayers } from '@weightspec/onnx';
import { loadTfjs, useTfjsBackend } from '@weightspec/tfjs';
import { interleavedMedians, medianMilliseconds } from './benchmark-report.ts';
import type { BenchmarkComparison } from './benchmark-report.ts';

const rows = 4096;

/** A Python interpreter that can `import torch` (Debian's python3-torch lives under /usr/bin/python3). */
function torchPython(): string | null {
  for (const python of ['python3', '/usr/bin/python3']) {
    try {
      execFileSync(python, ['-c', 'import torch'], { stdio: 'ignore' });
      return python;
    } catch {
      // try the next interpreter
    }
  }
  return null;
}

/** Median step time of the same MLP in PyTorch CPU, from torch-mlp-step.py. */
function torchStepMilliseconds(python: string, repetitions: number): number {
  const script = fileURLToPath(new URL('./torch-mlp-step.py', import.meta.url));
  return (
    JSON.parse(execFileSync(python, [script, String(repetitions)], { encoding: 'utf8' })) as { median_ms: number }
  ).median_ms;
}
const sizes = [64, 128, 10];

/**
 * Issue 6's targets: one MLP training step (N=4096, D=64, H=128, C=10, Adam, 2 threads) as an ONNX
 * graph against the same step in PyTorch CPU when a Python with torch is found (Debian's
 * python3-torch), else tfjs cpu: goal 0.4x of PyTorch or better; and the weighted step (class and
 * sample weights) against the unweighted one: goal <= 1.05x.
 */
export async function runOnnxBenchmark(): Promise<BenchmarkComparison[]> {
  const ort = await loadOnnxRuntime();
  const random = (() => {
    let state = 12345;
    return () => {
      state = (state * 1103515245 + 12345) % 2147483648;
      return (state / 2147483648) * 2 - 1;
    };
  })();
  const x = Float32Array.from({ length: rows * 64 }, random);
  const labels = Array.from({ length: rows }, (_, index) => index % 10);
  const oneHot = new Float32Array(rows * 10);
  labels.forEach((label, row) => {
    oneHot[row * 10 + label] = 1;
  });
  const { parameterCount } = packLayers(sizes);
  const theta = Float32Array.from({ length: parameterCount }, () => random() * 0.1);
  const session = async (specDocument: unknown) => {
    const spec = parseWeightingSpec(specDocument);
    const resolved = resolveWeighting(spec, {
      stats: { kind: 'classes', classCounts: new Array(10).fill(rows / 10).map((count, label) => count + label) },
      numClasses: 10,
    });
    const graph = buildTrainingStepGraph(spec, resolveSchedules(spec, resolved, { epoch: 0, step: 0 }), sizes, {
      kind: 'adam',
    });
    return ort.InferenceSession.create(encodeOnnxModel(graph.build()), { intraOpNumThreads: 2, interOpNumThreads: 1 });
  };
  const unweighted = await session({ specVersion: 1, loss: { kind: 'softmax_cross_entropy' } });
  const weighted = await session({
    specVersion: 1,
    loss: { kind: 'softmax_cross_entropy' },
    class: { strategy: 'balanced' },
    sample: {},
  });
  const feeds = (rest: Float32Array) => ({
    theta: new ort.Tensor('float32', theta, [parameterCount]),
    m: new ort.Tensor('float32', new Float32Array(parameterCount), [parameterCount]),
    v: new ort.Tensor('float32', new Float32Array(parameterCount), [parameterCount]),
    x: new ort.Tensor('float32', x, [rows, 64]),
    targets: new ort.Tensor('float32', oneHot, [rows, 10]),
    rest: new ort.Tensor('float32', rest, [rows, 1]),
    keep: new ort.Tensor('float32', new Float32Array(rows).fill(1), [rows, 1]),
    learning_rate: new ort.Tensor('float32', Float32Array.of(0.001), []),
    step: new ort.Tensor('float32', Float32Array.of(1), []),
  });
  const ones = new Float32Array(rows).fill(1);
  const sampleWeights = Float32Array.from({ length: rows }, (_, index) => 0.5 + (index % 3) / 2);
  const results: BenchmarkComparison[] = [];
  const weightedVsPlain = await interleavedMedians(
    () => weighted.run(feeds(sampleWeights)),
    () => unweighted.run(feeds(ones)),
    30,
    5,
  );
  results.push({
    name: 'onnx: weighted vs unweighted MLP training step',
    candidate: {
      label: 'step with balanced class + per-sample weights',
      medianMilliseconds: weightedVsPlain.candidate,
    },
    baseline: { label: 'unweighted step', medianMilliseconds: weightedVsPlain.baseline },
    ratio: weightedVsPlain.candidate / weightedVsPlain.baseline,
    goal: '<= 1.05',
    met: weightedVsPlain.candidate / weightedVsPlain.baseline <= 1.05,
    notes: `N=${rows}, D=64, H=128, C=10, Adam, 2 intra-op threads; 30 interleaved steps after 5 warm-ups, median`,
  });
  const python = torchPython();
  if (python) {
    // Alternate whole rounds (PyTorch runs in its own process), then take the median of the medians.
    const torchMedians: number[] = [];
    const onnxMedians: number[] = [];
    for (let round = 0; round < 3; round += 1) {
      torchMedians.push(torchStepMilliseconds(python, 30));
      onnxMedians.push(await medianMilliseconds(() => unweighted.run(feeds(ones)), 30, 5));
    }
    const median = (values: number[]) => values.sort((a, b) => a - b)[1] as number;
    const ratio = median(onnxMedians) / median(torchMedians);
    results.push({
      name: 'onnx vs PyTorch CPU: MLP training step',
      candidate: { label: 'ONNX Runtime step graph', medianMilliseconds: median(onnxMedians) },
      baseline: { label: 'PyTorch (torch.optim.Adam, CrossEntropyLoss)', medianMilliseconds: median(torchMedians) },
      ratio,
      goal: '<= 0.4',
      met: ratio <= 0.4,
      notes: `N=${rows}, D=64, H=128, C=10, Adam, 2 threads each; 3 alternating rounds of 30 steps after 5 warm-ups, median of medians`,
    });
  } else {
    const tf = await loadTfjs();
    await useTfjsBackend(tf, 'cpu');
    const xt = tf.tensor2d(x, [rows, 64]);
    const yt = tf.tensor2d(oneHot, [rows, 10]);
    const w1 = tf.variable(tf.randomUniform([64, 128], -0.1, 0.1, 'float32', 1));
    const b1 = tf.variable(tf.zeros([128]));
    const w2 = tf.variable(tf.randomUniform([128, 10], -0.1, 0.1, 'float32', 2));
    const b2 = tf.variable(tf.zeros([10]));
    const optimizer = tf.train.adam(0.001);
    const tfjsStep = () =>
      tf.tidy(() => {
        optimizer.minimize(
          () => tf.losses.softmaxCrossEntropy(yt, tf.relu(xt.matMul(w1).add(b1)).matMul(w2).add(b2)) as never,
        );
      });
    const versusTfjs = await interleavedMedians(() => unweighted.run(feeds(ones)), tfjsStep, 10, 2);
    results.push({
      name: 'onnx vs tfjs cpu: MLP training step (PyTorch is not installed here)',
      candidate: { label: 'ONNX Runtime step graph', medianMilliseconds: versusTfjs.candidate },
      baseline: { label: 'tfjs cpu optimizer.minimize', medianMilliseconds: versusTfjs.baseline },
      ratio: versusTfjs.candidate / versusTfjs.baseline,
      goal: '<= 0.4 (goal stated against PyTorch; tfjs is the stand-in)',
      met: versusTfjs.candidate / versusTfjs.baseline <= 0.4,
      notes: `N=${rows}, D=64, H=128, C=10, Adam; 10 interleaved steps after 2 warm-ups, median`,
    });
  }
  await unweighted.release();
  await weighted.release();
  return results;
}
