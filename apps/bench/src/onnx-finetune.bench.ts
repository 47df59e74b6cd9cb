import { fileURLToPath } from 'node:url';
import { attribute, createOnnxFineTuner, encodeOnnxModel, OnnxGraphBuilder } from '@weightspec/onnx';
import { comparePairedSides, compareSides, nodeSide } from './bench-harness.ts';
import type { ComparisonRow } from './bench-harness.ts';
import type { BenchmarkSide, SideOptions, SideRegistry } from './benchmark-sides.ts';
import { pythonWith } from './onnx-step.bench.ts';

const BATCH = 64;
const THREADS = 2;
const repetitions = 30;
const warmup = 5;
/** Steps per side and round when both sides share a process (alternating steps average out drift). */
const pairedRepetitions = 60;

/** LeNet-5 as an ONNX model with PyTorch's default (Kaiming-uniform-like) scale of random weights. */
export function lenetModel(): Uint8Array {
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

/** The weighted side's spec: balanced class weights and focal (gamma 2); the batch adds per-sample weights. */
export const weightedSpec = {
  specVersion: 1,
  loss: { kind: 'softmax_cross_entropy' },
  class: { strategy: 'balanced' },
  adaptive: [{ kind: 'focal', gamma: 2 }],
} as const;

/** One side: a fine-tuner's `step()` on a fixed LeNet-5 batch, as a user calls it. */
async function fineTuneStepSide(weighted: boolean, options: SideOptions): Promise<BenchmarkSide> {
  let state = 99;
  const random = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const features = Array.from({ length: BATCH }, () => Float32Array.from({ length: 784 }, random));
  const targets = Array.from({ length: BATCH }, (_, index) => index % 10);
  const sampleWeights = Array.from({ length: BATCH }, (_, index) => 0.5 + (index % 3) / 2);
  const tuner = await createOnnxFineTuner({
    model: lenetModel(),
    threads: THREADS,
    threadSpinning: options.threadSpinning,
    learningRate: 1e-3,
    ...(weighted ? { spec: weightedSpec } : {}),
  });
  return {
    run: () => (weighted ? tuner.step({ features, targets, sampleWeights }) : tuner.step({ features, targets })),
    details: () => ({ intraOpNumThreads: THREADS }),
    release: () => tuner.release(),
  };
}

/** The unweighted and the weighted (balanced class + per-sample weights + focal) fine-tuning step. */
export const fineTuneSides: SideRegistry = {
  unweighted: (options) => fineTuneStepSide(false, options),
  weighted: (options) => fineTuneStepSide(true, options),
};

/**
 * Issue 16's targets: the fine-tuner's LeNet-5 training step (batch 64, 28x28, Adam, 2 threads),
 * timed through `step()` as a user calls it, against the same step in PyTorch CPU with the same
 * thread count (goal <= 0.5x); and the weighted step (balanced class weights, per-sample weights,
 * focal) against the unweighted one (goal <= 1.05x). Each side runs in its own process, whole rounds
 * alternating.
 */
export async function runOnnxFineTuneBenchmark(rounds: number): Promise<ComparisonRow[]> {
  const shape = `batch ${BATCH}, 1x28x28, Adam, ${THREADS} threads`;
  const notes = `${shape}; ${repetitions} steps after ${warmup} warm-ups per round, each side in its own process`;
  const results = [
    await comparePairedSides({
      name: 'onnx fine-tuner: weighted vs unweighted LeNet-5 step',
      benchmark: 'finetune',
      candidate: { label: 'step with balanced class + sample weights + focal', side: 'weighted' },
      baseline: { label: 'unweighted step', side: 'unweighted' },
      rounds,
      repetitions: pairedRepetitions,
      warmup,
      goal: 1.05,
      notes: `${shape}; ${pairedRepetitions} steps of each after ${warmup} warm-ups per round, both in one process, alternating step by step, thread spinning off`,
    }),
  ];
  const python = pythonWith('torch');
  if (python)
    results.push(
      await compareSides({
        name: 'onnx fine-tuner vs PyTorch CPU: LeNet-5 training step',
        candidate: nodeSide('createOnnxFineTuner().step (ONNX Runtime)', 'finetune', 'unweighted', repetitions, warmup),
        baseline: {
          label: 'PyTorch (torch.optim.Adam, CrossEntropyLoss)',
          argv: [
            python,
            fileURLToPath(new URL('./torch-lenet-step.py', import.meta.url)),
            String(repetitions),
            String(warmup),
            String(THREADS),
          ],
        },
        rounds,
        goal: 0.5,
        notes,
      }),
    );
  else
    process.stderr.write(
      'finetune: no Python with torch (apt-get install python3-torch): the PyTorch row is skipped\n',
    );
  return results;
}
