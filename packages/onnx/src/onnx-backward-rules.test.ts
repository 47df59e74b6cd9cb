import { describe, expect, it } from 'vitest';
import { addGradients } from './onnx-autodiff.ts';
import { lowerModelGraph } from './onnx-fine-tune-graph.ts';
import { emit } from './onnx-graph-emit.ts';
import type { OnnxAttribute, OnnxModel, OnnxNode, OnnxTensor } from './onnx-model-proto.ts';
import { encodeOnnxModel } from './onnx-model-proto.ts';
import { loadOnnxRuntime } from './onnx-runtime-loader.ts';

const ort = await loadOnnxRuntime();

/** A deterministic pseudo-random sequence in [-1, 1) (a fixed LCG, so failures reproduce). */
function values(count: number, seed: number): number[] {
  let state = seed;
  return Array.from({ length: count }, () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return (state / 2147483648) * 2 - 1;
  });
}

const ints = (value: number[]): OnnxAttribute => ({ type: 'ints', value });
const int = (value: number): OnnxAttribute => ({ type: 'int', value });
const float = (value: number): OnnxAttribute => ({ type: 'float', value });
const node = (
  opType: string,
  inputs: string[],
  attributes: Record<string, OnnxAttribute> = {},
  outputs = ['y'],
): OnnxNode => ({
  opType,
  inputs,
  outputs,
  name: opType,
  attributes,
});
const weight = (name: string, dims: number[], seed: number): OnnxTensor => ({
  name,
  dataType: 'float',
  dims,
  data: Float32Array.from(
    values(
      dims.reduce((p, s) => p * s, 1),
      seed,
    ),
  ),
});
const int64 = (name: string, data: number[]): OnnxTensor => ({
  name,
  dataType: 'int64',
  dims: [data.length],
  data: BigInt64Array.from(data, BigInt),
});

/** Distinct values 0.1 apart in a scrambled order: no two within a finite-difference step (max ties). */
function spaced(count: number): number[] {
  const order = values(count, 3)
    .map((value, index) => [value, index] as const)
    .sort((left, right) => left[0] - right[0]);
  const result = new Array<number>(count);
  order.forEach(([, index], rank) => {
    result[index] = (rank - count / 2) * 0.1;
  });
  return result;
}

interface Case {
  readonly name: string;
  readonly inputShape: number[];
  readonly nodes: OnnxNode[];
  readonly initializers?: OnnxTensor[];
  /** Values of x (default: pseudo-random in [-1, 1)). */
  readonly input?: number[];
  /** Dropout mask values per mask input. */
  readonly masks?: number[][];
  /** Default-domain opset of the model (default 17). */
  readonly opset?: number;
}

/**
 * Lowers a one-op (or few-op) model in training mode, takes loss = sum(R * y) with a fixed random R,
 * and compares the reverse-mode gradient with respect to x and every float initializer against
 * central finite differences of the same forward graph, both run by ONNX Runtime in float32.
 */
async function gradientCheck(testCase: Case) {
  const initializers = testCase.initializers ?? [];
  const model: OnnxModel = {
    graphName: testCase.name,
    nodes: testCase.nodes,
    initializers,
    inputs: [{ name: 'x', dataType: 'float', shape: testCase.inputShape }],
    outputs: [{ name: 'y', dataType: 'float', shape: [] }],
    opsetVersion: testCase.opset ?? 17,
  };
  const wrt = ['x', ...initializers.filter((tensor) => tensor.dataType === 'float').map((tensor) => tensor.name)];
  const build = (withGradients: boolean) => {
    const lowered = lowerModelGraph({
      model,
      batchSize: testCase.inputShape[0] as number,
      training: true,
      fedInitializers: new Set(wrt.slice(1)),
    });
    const b = lowered.builder;
    const y = lowered.valueOf('y');
    const shape = b.shapeOf(y) as number[];
    const weights = b.constant(
      values(
        shape.reduce((p, s) => p * s, 1),
        99,
      ).map((value) => value + 0.5),
      shape,
    );
    const loss = emit(b, 'ReduceSum', [emit(b, 'Mul', [y, weights])], { keepdims: int(0) }, 'loss');
    b.output(loss);
    if (withGradients) {
      const gradients = addGradients(b, loss, wrt);
      for (const name of wrt) {
        emit(b, 'Identity', [gradients.get(name) as string], {}, `gradient_${name}`);
        b.output(`gradient_${name}`);
      }
    }
    return { bytes: encodeOnnxModel(b.build({ opsetVersion: testCase.opset ?? 17 })), masks: lowered.dropoutMasks };
  };
  const withGradients = build(true);
  const full = await ort.InferenceSession.create(withGradients.bytes);
  const forward = await ort.InferenceSession.create(build(false).bytes);
  const point = new Map<string, { data: number[]; dims: readonly number[] }>();
  const size = testCase.inputShape.reduce((p, s) => p * s, 1);
  point.set('x', { data: testCase.input ?? values(size, 7), dims: testCase.inputShape });
  for (const tensor of initializers)
    if (tensor.dataType === 'float')
      point.set(tensor.name, { data: Array.from(tensor.data as Float32Array), dims: tensor.dims });
  const feeds = (at: Map<string, { data: number[]; dims: readonly number[] }>) => {
    const result: Record<string, InstanceType<typeof ort.Tensor>> = {};
    for (const [name, { data, dims }] of at)
      result[name] = new ort.Tensor('float32', Float32Array.from(data), dims as number[]);
    withGradients.masks.forEach((mask, index) => {
      result[mask.name] = new ort.Tensor(
        'float32',
        Float32Array.from(testCase.masks?.[index] ?? []),
        mask.shape as number[],
      );
    });
    return result;
  };
  const analytic = await full.run(feeds(point));
  const lossAt = async (name: string, index: number, delta: number) => {
    const moved = new Map(point);
    const entry = point.get(name) as { data: number[]; dims: readonly number[] };
    const data = [...entry.data];
    data[index] = (data[index] as number) + delta;
    moved.set(name, { data, dims: entry.dims });
    return Number((await forward.run(feeds(moved))).loss?.data[0]);
  };
  for (const name of wrt) {
    const gradient = Array.from(analytic[`gradient_${name}`]?.data as Float32Array);
    const entry = point.get(name) as { data: number[] };
    const step = 1e-2;
    const numeric: number[] = [];
    for (let index = 0; index < entry.data.length; index += 1)
      numeric.push(((await lossAt(name, index, step)) - (await lossAt(name, index, -step))) / (2 * step));
    const scale = Math.max(1, ...numeric.map(Math.abs));
    gradient.forEach((value, index) => {
      expect(
        Math.abs(value - (numeric[index] as number)),
        `${testCase.name}: d loss / d ${name}[${index}]`,
      ).toBeLessThan(5e-3 * scale);
    });
  }
}

const cases: Case[] = [
  {
    name: 'Gemm transB alpha beta, broadcast C',
    inputShape: [3, 4],
    nodes: [node('Gemm', ['x', 'w', 'c'], { transB: int(1), alpha: float(0.7), beta: float(1.3) })],
    initializers: [weight('w', [2, 4], 1), weight('c', [2], 2)],
  },
  {
    name: 'Gemm transA, full C',
    inputShape: [4, 3],
    nodes: [node('Gemm', ['x', 'w', 'c'], { transA: int(1) })],
    initializers: [weight('w', [4, 2], 3), weight('c', [3, 2], 4)],
  },
  {
    name: 'MatMul 3-D by 2-D',
    inputShape: [2, 3, 4],
    nodes: [node('MatMul', ['x', 'w'])],
    initializers: [weight('w', [4, 2], 5)],
  },
  {
    name: 'MatMul batched 4-D',
    inputShape: [2, 2, 3, 4],
    nodes: [node('MatMul', ['x', 'w'])],
    initializers: [weight('w', [2, 2, 4, 3], 6)],
  },
  {
    name: 'Conv stride 2, asymmetric pads',
    inputShape: [2, 2, 5, 5],
    nodes: [node('Conv', ['x', 'w', 'c'], { strides: ints([2, 2]), pads: ints([1, 0, 1, 2]) })],
    initializers: [weight('w', [3, 2, 3, 3], 7), weight('c', [3], 8)],
  },
  {
    name: 'Conv dilation 2, strides 1 and 2, group 1 (patch weight gradient)',
    inputShape: [2, 2, 6, 7],
    nodes: [
      node('Conv', ['x', 'w', 'c'], { dilations: ints([2, 2]), strides: ints([1, 2]), pads: ints([1, 2, 0, 1]) }),
    ],
    initializers: [weight('w', [3, 2, 2, 3], 10), weight('c', [3], 11)],
  },
  {
    name: 'Conv groups and dilation',
    inputShape: [1, 4, 6, 6],
    nodes: [node('Conv', ['x', 'w'], { group: int(2), dilations: ints([2, 2]), pads: ints([1, 1, 1, 1]) })],
    initializers: [weight('w', [4, 2, 2, 2], 9)],
  },
  {
    name: 'MaxPool 2x2 stride 2',
    inputShape: [2, 2, 4, 4],
    nodes: [node('MaxPool', ['x'], { kernel_shape: ints([2, 2]), strides: ints([2, 2]) })],
    input: spaced(64),
  },
  {
    name: 'MaxPool 2x2 stride 2, odd input (the last row and column outside every window)',
    inputShape: [1, 2, 5, 5],
    nodes: [node('MaxPool', ['x'], { kernel_shape: ints([2, 2]), strides: ints([2, 2]) })],
    input: spaced(50),
  },
  {
    name: 'MaxPool overlapping 3x3 stride 2 pads 1',
    inputShape: [1, 2, 5, 5],
    nodes: [node('MaxPool', ['x'], { kernel_shape: ints([3, 3]), strides: ints([2, 2]), pads: ints([1, 1, 1, 1]) })],
    input: spaced(50),
  },
  {
    name: 'AveragePool 2x2 stride 2 (odd input)',
    inputShape: [2, 2, 5, 5],
    nodes: [node('AveragePool', ['x'], { kernel_shape: ints([2, 2]), strides: ints([2, 2]) })],
  },
  {
    name: 'AveragePool pads, count_include_pad 0',
    inputShape: [1, 2, 5, 5],
    nodes: [
      node('AveragePool', ['x'], { kernel_shape: ints([3, 3]), strides: ints([2, 2]), pads: ints([1, 1, 1, 1]) }),
    ],
  },
  {
    name: 'AveragePool pads, count_include_pad 1',
    inputShape: [1, 1, 4, 4],
    nodes: [
      node('AveragePool', ['x'], {
        kernel_shape: ints([3, 3]),
        strides: ints([1, 1]),
        pads: ints([1, 1, 1, 1]),
        count_include_pad: int(1),
      }),
    ],
  },
  { name: 'GlobalAveragePool', inputShape: [2, 3, 3, 3], nodes: [node('GlobalAveragePool', ['x'])] },
  {
    name: 'BatchNormalization (training: batch statistics)',
    inputShape: [4, 3, 2, 2],
    nodes: [
      node(
        'BatchNormalization',
        ['x', 'scale', 'bias', 'mean', 'var'],
        { epsilon: float(1e-5), momentum: float(0.9), training_mode: int(1) },
        ['y', 'running_mean', 'running_var'],
      ),
    ],
    initializers: [
      weight('scale', [3], 10),
      weight('bias', [3], 11),
      { ...weight('mean', [3], 12) },
      { name: 'var', dataType: 'float', dims: [3], data: Float32Array.of(1, 2, 0.5) },
    ],
  },
  {
    name: 'Dropout (seeded mask input)',
    inputShape: [2, 3],
    nodes: [node('Dropout', ['x', 'ratio', 'training'], {}, ['y', 'mask'])],
    initializers: [
      { name: 'ratio', dataType: 'float', dims: [], data: Float32Array.of(0.5) },
      { name: 'training', dataType: 'bool', dims: [], data: Uint8Array.of(1) },
    ],
    masks: [[2, 0, 2, 2, 0, 0]],
  },
  {
    name: 'Flatten',
    inputShape: [2, 2, 3],
    nodes: [node('Flatten', ['x'], { axis: int(1) }, ['f']), node('Mul', ['f', 'f'])],
  },
  {
    name: 'Reshape, Transpose',
    inputShape: [2, 6],
    nodes: [
      node('Reshape', ['x', 'shape'], {}, ['r']),
      node('Transpose', ['r'], { perm: ints([2, 0, 1]) }, ['t']),
      node('Mul', ['t', 't']),
    ],
    initializers: [int64('shape', [2, 3, -1])],
  },
  {
    name: 'Squeeze, Unsqueeze',
    inputShape: [2, 1, 3],
    nodes: [
      node('Squeeze', ['x', 'axes'], {}, ['s']),
      node('Tanh', ['s'], {}, ['t']),
      node('Unsqueeze', ['t', 'axes0']),
    ],
    initializers: [int64('axes', [1]), int64('axes0', [0])],
  },
  {
    name: 'Split, Concat',
    inputShape: [2, 5],
    nodes: [
      node('Split', ['x', 'sizes'], { axis: int(1) }, ['a', 'b']),
      node('Sigmoid', ['b'], {}, ['s']),
      node('Concat', ['s', 'a', 'a'], { axis: int(1) }),
    ],
    initializers: [int64('sizes', [2, 3])],
  },
  {
    name: 'Slice on two axes',
    inputShape: [3, 5],
    nodes: [node('Slice', ['x', 'starts', 'ends', 'axes'], {}, ['s']), node('Mul', ['s', 's'])],
    initializers: [int64('starts', [1, 1]), int64('ends', [3, -1]), int64('axes', [0, 1])],
  },
  {
    name: 'Gather (embedding, repeated index)',
    inputShape: [2, 3],
    nodes: [node('Gather', ['table', 'tokens'], {}, ['e']), node('Mul', ['e', 'x'], {}, ['y'])],
    initializers: [
      weight('table', [5, 3], 13),
      { name: 'tokens', dataType: 'int64', dims: [2], data: BigInt64Array.of(4n, 4n) },
    ],
  },
  {
    name: 'Relu, LeakyRelu',
    inputShape: [2, 4],
    nodes: [
      node('Relu', ['x'], {}, ['r']),
      node('LeakyRelu', ['x'], { alpha: float(0.2) }, ['l']),
      node('Add', ['r', 'l']),
    ],
  },
  { name: 'Softmax axis 1 of 3-D', inputShape: [2, 3, 2], nodes: [node('Softmax', ['x'], { axis: int(1) })] },
  { name: 'LogSoftmax', inputShape: [2, 4], nodes: [node('LogSoftmax', ['x'], { axis: int(-1) })] },
  { name: 'Erf', inputShape: [2, 3], nodes: [node('Erf', ['x'])] },
  { name: 'Gelu (opset 20 op, written out)', inputShape: [2, 3], nodes: [node('Gelu', ['x'])] },
  {
    name: 'LayerNormalization',
    inputShape: [2, 3, 4],
    nodes: [node('LayerNormalization', ['x', 'gamma', 'beta'], { axis: int(-1), epsilon: float(1e-5) })],
    initializers: [weight('gamma', [4], 14), weight('beta', [4], 15)],
  },
  {
    name: 'ReduceMean (axes attribute) and Sqrt',
    inputShape: [2, 3, 2],
    nodes: [
      node('Mul', ['x', 'x'], {}, ['s']),
      node('ReduceMean', ['s'], { axes: ints([1]), keepdims: int(0) }, ['m']),
      node('Sqrt', ['m']),
    ],
  },
  {
    name: 'Identity, Constant, Cast, Pad',
    inputShape: [2, 3],
    nodes: [
      node(
        'Constant',
        [],
        { value: { type: 'tensor', value: { name: 'c', dataType: 'float', dims: [], data: Float32Array.of(1.5) } } },
        ['c'],
      ),
      node('Mul', ['x', 'c'], {}, ['m']),
      node('Identity', ['m'], {}, ['i']),
      node('Cast', ['i'], { to: int(1) }, ['k']),
      node('Pad', ['k', 'pads'], { mode: { type: 'string', value: 'constant' } }, ['p']),
      node('Tanh', ['p']),
    ],
    initializers: [int64('pads', [0, 1, 1, 0])],
  },
  {
    name: 'Shape subgraph into Reshape (view(x.size(0), -1))',
    inputShape: [2, 2, 3],
    nodes: [
      node('Shape', ['x'], {}, ['shape']),
      node('Gather', ['shape', 'zero'], { axis: int(0) }, ['batch']),
      node('Unsqueeze', ['batch', 'axes'], {}, ['batch1']),
      node('Concat', ['batch1', 'minus'], { axis: int(0) }, ['target']),
      node('Reshape', ['x', 'target'], {}, ['r']),
      node('Tanh', ['r']),
    ],
    initializers: [
      { name: 'zero', dataType: 'int64', dims: [], data: BigInt64Array.of(0n) },
      int64('axes', [0]),
      int64('minus', [-1]),
    ],
  },
  {
    name: 'ReduceMean with an axes input (opset 18)',
    inputShape: [2, 3, 2],
    opset: 18,
    nodes: [node('Mul', ['x', 'x'], {}, ['s']), node('ReduceMean', ['s', 'axes'], { keepdims: int(1) })],
    initializers: [int64('axes', [0, 2])],
  },
  {
    name: 'Expand, Reciprocal, Where',
    inputShape: [2, 1],
    nodes: [
      node('Expand', ['x', 'shape'], {}, ['e']),
      node('Add', ['e', 'two'], {}, ['a']),
      node('Reciprocal', ['a'], {}, ['r']),
      node('Greater', ['e', 'zero'], {}, ['positive']),
      node('Where', ['positive', 'r', 'e']),
    ],
    initializers: [
      int64('shape', [2, 3]),
      { name: 'two', dataType: 'float', dims: [], data: Float32Array.of(2) },
      { name: 'zero', dataType: 'float', dims: [], data: Float32Array.of(0) },
    ],
  },
];

describe('backward rules against central finite differences in ONNX Runtime', () => {
  it.each(cases.map((testCase) => [testCase.name, testCase] as const))('%s', async (_name, testCase) => {
    await gradientCheck(testCase);
  });
});
