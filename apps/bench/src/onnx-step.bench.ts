import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseWeightingSpec, resolveSchedules, resolveWeighting } from '@weightspec/core';
import {
  buildTrainingStepGraph,
  encodeOnnxModel,
  loadOnnxRuntime,
  packLayers,
  runtimeSessionOptions,
} from '@weightspec/onnx';
import { comparePairedSides, compareSides, nodeSide } from './bench-harness.ts';
import type { ComparisonRow } from './bench-harness.ts';
import type { BenchmarkSide, SideOptions, SideRegistry } from './benchmark-sides.ts';

const rows = 4096;
const sizes = [64, 128, 10];
const threads = 2;
const repetitions = 30;
const warmup = 5;
/** Steps per side and round when both sides share a process (alternating steps average out drift). */
const pairedRepetitions = 100;

/** A Python interpreter that can `import module` (Debian's python3-torch and python3-sklearn live under /usr/bin/python3). */
export function pythonWith(module: string): string | null {
  for (const python of ['/usr/bin/python3', 'python3']) {
    try {
      execFileSync(python, ['-c', `import ${module}`], { stdio: 'ignore' });
      return python;
    } catch {
      // try the next interpreter
    }
  }
  return null;
}

/** The same deterministic inputs on every side: x in [-1, 1), labels cycling 0..9, small parameters. */
function stepInputs() {
  let state = 12345;
  const random = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return (state / 2147483648) * 2 - 1;
  };
  const x = Float32Array.from({ length: rows * 64 }, random);
  const oneHot = new Float32Array(rows * 10);
  for (let row = 0; row < rows; row += 1) oneHot[row * 10 + (row % 10)] = 1;
  const { parameterCount } = packLayers(sizes);
  const theta = Float32Array.from({ length: parameterCount }, () => random() * 0.1);
  return { x, oneHot, theta, parameterCount };
}

/**
 * One side: the ONNX step graph in an InferenceSession with 2 intra-op threads, run the way a trainer
 * runs it (the new parameters and moments fed back in), so a repetition is one training step.
 */
async function onnxStepSide(
  specDocument: unknown,
  sampleWeights: Float32Array,
  options: SideOptions,
): Promise<BenchmarkSide> {
  const ort = await loadOnnxRuntime();
  const spec = parseWeightingSpec(specDocument);
  const resolved = resolveWeighting(spec, {
    stats: { kind: 'classes', classCounts: new Array(10).fill(rows / 10).map((count, label) => count + label) },
    numClasses: 10,
  });
  const graph = buildTrainingStepGraph(spec, resolveSchedules(spec, resolved, { epoch: 0, step: 0 }), sizes, {
    kind: 'adam',
  });
  const session = await ort.InferenceSession.create(
    encodeOnnxModel(graph.build()),
    runtimeSessionOptions(threads, options.threadSpinning),
  );
  const { x, oneHot, theta, parameterCount } = stepInputs();
  const tensor = (data: Float32Array, dims: number[]) => new ort.Tensor('float32', data, dims);
  const fixed = {
    x: tensor(x, [rows, 64]),
    targets: tensor(oneHot, [rows, 10]),
    rest: tensor(sampleWeights, [rows, 1]),
    keep: tensor(new Float32Array(rows).fill(1), [rows, 1]),
    learning_rate: tensor(Float32Array.of(0.001), []),
  };
  let state: { theta: Float32Array; m: Float32Array; v: Float32Array } = {
    theta,
    m: new Float32Array(parameterCount),
    v: new Float32Array(parameterCount),
  };
  let step = 0;
  return {
    async run() {
      step += 1;
      const result = await session.run({
        ...fixed,
        theta: tensor(state.theta, [parameterCount]),
        m: tensor(state.m, [parameterCount]),
        v: tensor(state.v, [parameterCount]),
        step: tensor(Float32Array.of(step), []),
      });
      state = {
        theta: result.theta_next?.data as Float32Array,
        m: result.m_next?.data as Float32Array,
        v: result.v_next?.data as Float32Array,
      };
    },
    details: () => ({
      onnxruntime: (ort as { env?: { versions?: { node?: string } } }).env?.versions?.node ?? null,
      intraOpNumThreads: threads,
    }),
    release: () => session.release(),
  };
}

const unweightedSpec = { specVersion: 1, loss: { kind: 'softmax_cross_entropy' } };
const weightedSpec = { ...unweightedSpec, class: { strategy: 'balanced' }, sample: {} };

/** The unweighted and the weighted (balanced class + per-sample weights) step. */
export const onnxSides: SideRegistry = {
  unweighted: (options) => onnxStepSide(unweightedSpec, new Float32Array(rows).fill(1), options),
  weighted: (options) =>
    onnxStepSide(
      weightedSpec,
      Float32Array.from({ length: rows }, (_, index) => 0.5 + (index % 3) / 2),
      options,
    ),
};

/**
 * Issue 6's and 17's targets: one MLP training step (N=4096, D=64, H=128, C=10, Adam, 2 threads) as
 * an ONNX graph against the same step in PyTorch CPU (torch-mlp-step.py, Debian's python3-torch): goal
 * 0.4x or better; and the weighted step against the unweighted one: goal <= 1.05x. Each side runs in
 * its own process, whole rounds alternating, so neither side's thread pool competes with the other's.
 */
export async function runOnnxBenchmark(rounds: number): Promise<ComparisonRow[]> {
  const shape = `N=${rows}, D=64, H=128, C=10, Adam, ${threads} threads`;
  const notes = `${shape}; ${repetitions} steps after ${warmup} warm-ups per round, each side in its own process`;
  const results = [
    await comparePairedSides({
      name: 'onnx: weighted vs unweighted MLP training step',
      benchmark: 'onnx',
      candidate: { label: 'step with balanced class + per-sample weights', side: 'weighted' },
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
        name: 'onnx vs PyTorch CPU: MLP training step',
        candidate: nodeSide('ONNX Runtime step graph', 'onnx', 'unweighted', repetitions, warmup),
        baseline: {
          label: 'PyTorch (torch.optim.Adam, CrossEntropyLoss)',
          argv: [
            python,
            fileURLToPath(new URL('./torch-mlp-step.py', import.meta.url)),
            String(repetitions),
            String(warmup),
            String(threads),
          ],
        },
        rounds,
        goal: 0.4,
        notes,
      }),
    );
  else process.stderr.write('onnx: no Python with torch (apt-get install python3-torch): the PyTorch row is skipped\n');
  return results;
}
