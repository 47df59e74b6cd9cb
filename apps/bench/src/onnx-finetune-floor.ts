/**
 * How fast can ONNX Runtime run the LeNet-5 training step at all? Issue 16 asks for the fine-tuner's
 * step (batch 64, 1x28x28, Adam, 2 threads) at <= 0.5x PyTorch's. This script measures, in one process
 * with the benchmark's settings (2 intra-op threads, spinning on), the kernel time ONNX Runtime's own
 * profiler reports for the parts of the step no formulation can skip, each as the cheapest
 * standard-ONNX graph found for it, with the parameters as graph inputs as in the step graph (so no
 * constant-weight layout rewrite):
 *   - the forward pass (Conv+Relu+MaxPool twice, three Gemm);
 *   - conv2's input gradient (ConvTranspose; Pad + Conv with the flipped kernel is also measured);
 *   - the two conv weight gradients' matrix products alone, on patch matrices given as inputs (building
 *     the patches is left out);
 *   - both MaxPool input gradients as the fine-tuner builds them (MODEL_BACKWARD_RULES.MaxPool), minus
 *     the pooling forward they include;
 * and adds them up. Kernel time leaves out each run's own overhead and copies, and the dense layers'
 * backward, the loss and Adam are left out, so the sum is a lower bound. Beside it, in the same run: the
 * fine-tuner's whole step (wall time, and its kernel time from the profiler) and PyTorch's step
 * (torch-lenet-step.py, wall time).
 *   pnpm --filter @weightspec/bench run profile:finetune-floor [repetitions=200]
 * Not a benchmark row: evidence for what the row's goal would need. Run it on a quiet machine.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { OnnxRuntimeLike } from '@weightspec/onnx';
import {
  attribute,
  createOnnxFineTuner,
  encodeOnnxModel,
  loadOnnxRuntime,
  MODEL_BACKWARD_RULES,
  OnnxGraphBuilder,
  runtimeSessionOptions,
} from '@weightspec/onnx';
import { lenetModel } from './onnx-finetune.bench.ts';
import { pythonWith } from './onnx-step.bench.ts';
import { profilingRuntime, readOrtProfile } from './ort-profile-trace.ts';

const repetitions = Number(process.argv[2] ?? 200);
const THREADS = 2;
const BATCH = 64;
const ort = (await loadOnnxRuntime()) as unknown as OnnxRuntimeLike;
let state = 7;
const random = (count: number) =>
  Float32Array.from({ length: count }, () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648 - 0.5;
  });
const size = (dims: readonly number[]) => dims.reduce((product, value) => product * value, 1);

interface Timing {
  readonly median: number;
  readonly p10: number;
  readonly p90: number;
}

/** Median and spread (p10-p90) of `run` over `repetitions` calls after 20 warm-ups. */
async function timeCalls(run: () => Promise<unknown>): Promise<Timing> {
  for (let index = 0; index < 20; index += 1) await run();
  const times: number[] = [];
  for (let index = 0; index < repetitions; index += 1) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const at = (fraction: number) => times[Math.floor(fraction * (times.length - 1))] as number;
  return { median: at(0.5), p10: at(0.1), p90: at(0.9) };
}

let traces = 0;
/**
 * An `ort` whose sessions run with ONNX Runtime's profiler on; `kernelMilliseconds()` ends the newest
 * session's trace and returns its median kernel time per run (the sum over kernels of each one's median).
 */
function profiledRuntime() {
  const prefix = `weightspec-finetune-floor-${process.pid}-${traces++}`;
  const { runtime, sessions } = profilingRuntime(ort, prefix);
  const kernelMilliseconds = () => {
    sessions.at(-1)?.endProfiling();
    return readOrtProfile(`${prefix}-${sessions.length - 1}`).kernelMilliseconds;
  };
  return { runtime, kernelMilliseconds };
}

/** The median kernel time of one graph per run: `inputs` are fed random values; `build` adds nodes and outputs. */
async function kernelTime(inputs: Record<string, number[]>, build: (b: OnnxGraphBuilder) => void): Promise<number> {
  const b = new OnnxGraphBuilder('floor');
  for (const [name, dims] of Object.entries(inputs)) b.input(name, 'float', dims);
  build(b);
  const { runtime, kernelMilliseconds } = profiledRuntime();
  const session = await runtime.InferenceSession.create(
    encodeOnnxModel(b.build()),
    runtimeSessionOptions(THREADS, true) as never,
  );
  const feeds = Object.fromEntries(
    Object.entries(inputs).map(([name, dims]) => [name, new ort.Tensor('float32', random(size(dims)), dims)]),
  );
  await timeCalls(() => session.run(feeds));
  const kernels = kernelMilliseconds();
  await session.release();
  return kernels;
}

const ints = attribute.ints;
const pool = (b: OnnxGraphBuilder, input: string, channels: number, side: number) =>
  b.node(
    'MaxPool',
    [input],
    { kernel_shape: ints([2, 2]), strides: ints([2, 2]) },
    { shape: [BATCH, channels, side, side] },
  );

const forward = await kernelTime(
  {
    x: [BATCH, 1, 28, 28],
    w1: [6, 1, 5, 5],
    b1: [6],
    w2: [16, 6, 5, 5],
    b2: [16],
    f1: [120, 400],
    f2: [84, 120],
    f3: [10, 84],
  },
  (b) => {
    const conv1 = b.node('Conv', ['x', 'w1', 'b1'], { pads: ints([2, 2, 2, 2]) }, { shape: [BATCH, 6, 28, 28] });
    const pooled1 = pool(b, b.node('Relu', [conv1]), 6, 14);
    const conv2 = b.node('Conv', [pooled1, 'w2', 'b2'], {}, { shape: [BATCH, 16, 10, 10] });
    const pooled2 = pool(b, b.node('Relu', [conv2]), 16, 5);
    let hidden = b.node('Flatten', [pooled2], { axis: attribute.int(1) }, { shape: [BATCH, 400] });
    for (const [weight, width] of [
      ['f1', 120],
      ['f2', 84],
      ['f3', 10],
    ] as const)
      hidden = b.node('Gemm', [hidden, weight], { transB: attribute.int(1) }, { shape: [BATCH, width] });
    b.output(hidden);
  },
);
const inputGradient = await kernelTime({ g: [BATCH, 16, 10, 10], w2: [16, 6, 5, 5] }, (b) => {
  b.output(b.node('ConvTranspose', ['g', 'w2'], {}, { shape: [BATCH, 6, 14, 14] }));
});
const inputGradientAsConv = await kernelTime({ g: [BATCH, 16, 10, 10], w2: [16, 6, 5, 5] }, (b) => {
  const flipped = b.node(
    'Slice',
    [
      'w2',
      b.constant([-1, -1], [2], 'int64'),
      b.constant([-6, -6], [2], 'int64'),
      b.constant([2, 3], [2], 'int64'),
      b.constant([-1, -1], [2], 'int64'),
    ],
    {},
    { shape: [16, 6, 5, 5] },
  );
  const swapped = b.node('Transpose', [flipped], { perm: ints([1, 0, 2, 3]) }, { shape: [6, 16, 5, 5] });
  b.output(b.node('Conv', ['g', swapped], { pads: ints([4, 4, 4, 4]) }, { shape: [BATCH, 6, 14, 14] }));
});
const weightProducts = await kernelTime(
  { g1: [6, BATCH * 784], p1: [BATCH * 784, 25], g2: [16, BATCH * 100], p2: [BATCH * 100, 150] },
  (b) => {
    b.output(b.node('MatMul', ['g1', 'p1'], {}, { shape: [6, 25] }));
    b.output(b.node('MatMul', ['g2', 'p2'], {}, { shape: [16, 150] }));
  },
);
/** One MaxPool's input gradient as the fine-tuner builds it, with (or, `backward` false, only) its forward. */
const poolGraph = (channels: number, side: number, backward: boolean) =>
  kernelTime({ x: [BATCH, channels, side, side], g: [BATCH, channels, side / 2, side / 2] }, (b) => {
    const pooled = pool(b, 'x', channels, side / 2);
    if (!backward) return b.output(pooled);
    const node = {
      opType: 'MaxPool',
      inputs: ['x'],
      outputs: [pooled],
      name: 'pool',
      attributes: { kernel_shape: ints([2, 2]), strides: ints([2, 2]) },
    };
    const [gradient] = (MODEL_BACKWARD_RULES.MaxPool as NonNullable<(typeof MODEL_BACKWARD_RULES)['MaxPool']>)(
      b,
      node,
      'g',
    );
    b.output(gradient as string);
    b.output(pooled);
  });
const poolBackward =
  (await poolGraph(6, 28, true)) -
  (await poolGraph(6, 28, false)) +
  (await poolGraph(16, 10, true)) -
  (await poolGraph(16, 10, false));

const features = Array.from({ length: BATCH }, () => random(784).map((value) => value + 0.5));
const targets = Array.from({ length: BATCH }, (_, index) => index % 10);
/** The fine-tuner's step on the benchmark's LeNet-5 and batch, timed as a user calls it; `done` runs before release. */
async function timeStep(runtime: OnnxRuntimeLike, done: () => void = () => undefined): Promise<Timing> {
  const tuner = await createOnnxFineTuner({ model: lenetModel(), threads: THREADS, learningRate: 1e-3, ort: runtime });
  const timing = await timeCalls(() => tuner.step({ features, targets }));
  done();
  await tuner.release();
  return timing;
}
const stepTiming = await timeStep(ort);
const profiledStep = profiledRuntime();
let stepKernels = 0;
await timeStep(profiledStep.runtime, () => {
  stepKernels = profiledStep.kernelMilliseconds();
});
const python = pythonWith('torch');
let torch: Timing | null = null;
if (python) {
  const script = fileURLToPath(new URL('./torch-lenet-step.py', import.meta.url));
  const output = execFileSync(python, [script, String(repetitions), '20', String(THREADS)], { encoding: 'utf8' });
  const times = (JSON.parse(output.trim().split('\n').pop() as string) as { timesMs: number[] }).timesMs.sort(
    (a, b) => a - b,
  );
  const at = (fraction: number) => times[Math.floor(fraction * (times.length - 1))] as number;
  torch = { median: at(0.5), p10: at(0.1), p90: at(0.9) };
}

const row = (label: string, milliseconds: number, timing?: Timing) =>
  console.log(
    `${label.padEnd(66)} ${milliseconds.toFixed(3).padStart(7)} ms${timing ? `  (p10-p90 ${timing.p10.toFixed(3)}-${timing.p90.toFixed(3)})` : ''}`,
  );
console.log(
  `LeNet-5 step, batch ${BATCH}, ${THREADS} threads, spinning on, ${repetitions} runs each; kernel time per run:`,
);
row('forward pass (parameters as inputs)', forward);
row('conv2 input gradient: ConvTranspose', inputGradient);
row('conv2 input gradient: Pad + Conv, flipped kernel (not used)', inputGradientAsConv);
row('conv1 + conv2 weight gradients: the matrix products alone', weightProducts);
row('both MaxPool input gradients (their forward subtracted)', poolBackward);
const floor = forward + inputGradient + weightProducts + poolBackward;
row('lower bound: the parts above, cheapest choices, added', floor);
row("the fine-tuner's whole step: kernel time", stepKernels);
console.log('wall time per step:');
row("the fine-tuner's whole step", stepTiming.median, stepTiming);
if (torch !== null) {
  row("PyTorch's step (torch-lenet-step.py)", torch.median, torch);
  row("issue 16's goal: 0.5x PyTorch's step", torch.median / 2);
  console.log(
    `lower bound / PyTorch = ${(floor / torch.median).toFixed(2)}x; whole step / PyTorch = ${(stepTiming.median / torch.median).toFixed(2)}x`,
  );
} else console.log('no Python with torch (apt-get install python3-torch): the PyTorch step is not timed');
