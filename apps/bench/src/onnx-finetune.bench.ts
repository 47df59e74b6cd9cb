import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { attribute, createOnnxFineTuner, encodeOnnxModel, OnnxGraphBuilder } from '@weightspec/onnx';
import { medianMilliseconds } from './benchmark-report.ts';
import type { BenchmarkComparison } from './benchmark-report.ts';

const BATCH = 64;
const THREADS = 2;

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

/** LeNet-5 as an ONNX model with PyTorch's default (Kaiming-uniform-like) scale of random weights. */
function lenetModel(): Uint8Array {
  let state = 4242;
  const random = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return (state / 2147483648) * 2 - 1;
  };
  const b = new OnnxGraphBuilder('lenet5');
  const weight = (name: string, dims: number[], fanIn: number) =>
    b.constant(
      Array.from({ length: dims.reduce((product, size) => product * size, 1) }, () => random() / Math.sqrt(fanIn)),
      dims,
      'float',
      name,
    );
  const x = b.input('x', 'float', ['N', 1, 28, 28]);
  const conv = (input: string, name: string, inChannels: number, outChannels: number, pad: number, size: number) =>
    b.node(
      'Conv',
      [
        input,
        weight(`${name}.weight`, [outChannels, inChannels, 5, 5], inChannels * 25),
        weight(`${name}.bias`, [outChannels], inChannels * 25),
      ],
      { pads: attribute.ints([pad, pad, pad, pad]) },
      { shape: ['N', outChannels, size, size] },
    );
  const pool = (input: string, channels: number, size: number) =>
    b.node(
      'MaxPool',
      [b.node('Relu', [input])],
      { kernel_shape: attribute.ints([2, 2]), strides: attribute.ints([2, 2]) },
      { shape: ['N', channels, size, size] },
    );
  let hidden = pool(conv(x, 'conv1', 1, 6, 2, 28), 6, 14);
  hidden = pool(conv(hidden, 'conv2', 6, 16, 0, 10), 16, 5);
  hidden = b.node('Flatten', [hidden], { axis: attribute.int(1) }, { shape: ['N', 400] });
  const dense = (input: string, name: string, inputs: number, outputs: number, output?: string) =>
    b.node(
      'Gemm',
      [input, weight(`${name}.weight`, [outputs, inputs], inputs), weight(`${name}.bias`, [outputs], inputs)],
      { transB: attribute.int(1) },
      { shape: ['N', outputs], ...(output ? { output } : {}) },
    );
  hidden = b.node('Relu', [dense(hidden, 'fc1', 400, 120)]);
  hidden = b.node('Relu', [dense(hidden, 'fc2', 120, 84)]);
  dense(hidden, 'fc3', 84, 10, 'logits');
  b.output('logits', 'float', ['N', 10]);
  return encodeOnnxModel(b.build());
}

/**
 * Medians of two variants timed in alternating order (A B, B A, ...): on a busy machine whichever runs
 * first in a pair was measured about 10% slower (two identical unweighted steps gave 1.10x), so a
 * fixed order would bias the ratio.
 */
async function alternatingMedians(
  candidate: () => Promise<unknown>,
  baseline: () => Promise<unknown>,
  repetitions: number,
  warmup: number,
) {
  for (let index = 0; index < warmup; index += 1) {
    await candidate();
    await baseline();
  }
  const times: [number[], number[]] = [[], []];
  const variants = [candidate, baseline];
  for (let index = 0; index < repetitions; index += 1)
    for (const which of index % 2 === 0 ? [0, 1] : [1, 0]) {
      const start = performance.now();
      await (variants[which] as () => Promise<unknown>)();
      (times[which as 0 | 1] as number[]).push(performance.now() - start);
    }
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
  return { candidate: median(times[0]), baseline: median(times[1]) };
}

/**
 * Issue 16's targets: the fine-tuner's LeNet-5 training step (batch 64, 28x28, Adam, 2 threads),
 * timed through `step()` as a user calls it, against the same step in PyTorch CPU with the same
 * thread count (goal <= 0.5x); and the weighted step (balanced class weights, per-sample weights,
 * focal) against the unweighted one (goal <= 1.05x).
 */
export async function runOnnxFineTuneBenchmark(): Promise<BenchmarkComparison[]> {
  const model = lenetModel();
  let state = 99;
  const random = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const features = Array.from({ length: BATCH }, () => Float32Array.from({ length: 784 }, random));
  const targets = Array.from({ length: BATCH }, (_, index) => index % 10);
  const sampleWeights = Array.from({ length: BATCH }, (_, index) => 0.5 + (index % 3) / 2);
  const plain = await createOnnxFineTuner({ model, threads: THREADS, learningRate: 1e-3 });
  const weighted = await createOnnxFineTuner({
    model,
    threads: THREADS,
    learningRate: 1e-3,
    spec: {
      specVersion: 1,
      loss: { kind: 'softmax_cross_entropy' },
      class: { strategy: 'balanced' },
      adaptive: [{ kind: 'focal', gamma: 2 }],
    },
  });
  const plainStep = () => plain.step({ features, targets });
  const weightedStep = () => weighted.step({ features, targets, sampleWeights });
  const results: BenchmarkComparison[] = [];
  const pair = await alternatingMedians(weightedStep, plainStep, 40, 5);
  results.push({
    name: 'onnx fine-tuner: weighted vs unweighted LeNet-5 step',
    candidate: { label: 'step with balanced class + sample weights + focal', medianMilliseconds: pair.candidate },
    baseline: { label: 'unweighted step', medianMilliseconds: pair.baseline },
    ratio: pair.candidate / pair.baseline,
    goal: '<= 1.05',
    met: pair.candidate / pair.baseline <= 1.05,
    notes: `batch ${BATCH}, 1x28x28, Adam, ${THREADS} intra-op threads; 40 steps each in alternating order after 5 warm-ups, median`,
  });
  const python = torchPython();
  if (python) {
    const script = fileURLToPath(new URL('./torch-lenet-step.py', import.meta.url));
    const torchMedians: number[] = [];
    const onnxMedians: number[] = [];
    // Alternate whole rounds (PyTorch runs in its own process), then take the median of the medians.
    for (let round = 0; round < 3; round += 1) {
      const output = execFileSync(python, [script, '30', String(THREADS)], { encoding: 'utf8' });
      torchMedians.push((JSON.parse(output) as { median_ms: number }).median_ms);
      onnxMedians.push(await medianMilliseconds(plainStep, 30, 5));
    }
    const median = (values: number[]) => values.sort((a, b) => a - b)[1] as number;
    const ratio = median(onnxMedians) / median(torchMedians);
    results.push({
      name: 'onnx fine-tuner vs PyTorch CPU: LeNet-5 training step',
      candidate: { label: 'createOnnxFineTuner().step (ONNX Runtime)', medianMilliseconds: median(onnxMedians) },
      baseline: { label: 'PyTorch (torch.optim.Adam, CrossEntropyLoss)', medianMilliseconds: median(torchMedians) },
      ratio,
      goal: '<= 0.5',
      met: ratio <= 0.5,
      notes: `batch ${BATCH}, 1x28x28, Adam, ${THREADS} threads each; 3 rounds of 30 steps after 5 warm-ups, median of medians`,
    });
  } else process.stderr.write('onnx-finetune: no Python with torch found; skipping the PyTorch comparison\n');
  await plain.release();
  await weighted.release();
  return results;
}
