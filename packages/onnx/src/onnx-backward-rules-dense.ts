import type { OnnxGraphBuilder } from './onnx-graph-builder.ts';
import { emit, int64s, reshapeTo, sumToShape } from './onnx-graph-emit.ts';
import type { OnnxAttribute, OnnxNode } from './onnx-model-proto.ts';
import { axesOf, floatAttribute, intAttribute } from './onnx-static-shapes.ts';
import { contextOf } from './onnx-graph-emit.ts';
import { UnsupportedFeatureError } from '@weightspec/core';

/** A backward rule: the gradients of a node's inputs (null where none flows) from its output's gradient. */
export type ModelBackwardRule = (
  builder: OnnxGraphBuilder,
  node: OnnxNode,
  outputGradient: string,
) => (string | null)[];

const int = (value: number): OnnxAttribute => ({ type: 'int', value });
const float = (value: number): OnnxAttribute => ({ type: 'float', value });
const input = (node: OnnxNode, index: number) => node.inputs[index] as string;
const output = (node: OnnxNode) => node.outputs[0] as string;
const rank = (b: OnnxGraphBuilder, name: string) => b.shapeOf(name).length;
/** Swaps the last two axes. */
const swapLast = (b: OnnxGraphBuilder, name: string) => {
  const perm = b.shapeOf(name).map((_, axis) => axis);
  perm.splice(-2, 2, perm.length - 1, perm.length - 2);
  return emit(b, 'Transpose', [name], { perm: { type: 'ints', value: perm } });
};
const normalized = (axis: number, size: number) => (axis < 0 ? axis + size : axis);

/**
 * Backward rules for dense and elementwise ops (gradient formulas as in onnxruntime's
 * orttraining gradient_builder.cc, written with standard ONNX ops only).
 */
export const DENSE_BACKWARD_RULES: Readonly<Record<string, ModelBackwardRule>> = {
  // Y = alpha op(A) op(B) + beta C (ONNX Gemm); the transposes are folded into Gemm's own flags.
  Gemm: (b, node, g) => {
    const alpha = floatAttribute(node, 'alpha', 1);
    const beta = floatAttribute(node, 'beta', 1);
    const transA = intAttribute(node, 'transA', 0);
    const transB = intAttribute(node, 'transB', 0);
    const [a, bValue] = [input(node, 0), input(node, 1)];
    const gradientA = transA
      ? emit(b, 'Gemm', [bValue, g], { transA: int(transB), transB: int(1), alpha: float(alpha) })
      : emit(b, 'Gemm', [g, bValue], { transB: int(1 - transB), alpha: float(alpha) });
    const gradientB = transB
      ? emit(b, 'Gemm', [g, a], { transA: int(1), transB: int(transA), alpha: float(alpha) })
      : emit(b, 'Gemm', [a, g], { transA: int(1 - transA), alpha: float(alpha) });
    const c = node.inputs[2];
    const gradientC = c
      ? sumToShape(b, beta === 1 ? g : emit(b, 'Mul', [g, b.scalarLike(g, beta)]), b.shapeOf(c))
      : null;
    return [gradientA, gradientB, gradientC];
  },
  // Batched matrix product with numpy broadcasting; a 2-D right operand sums over the flattened batch.
  MatMul: (b, node, g) => {
    const [a, bValue] = [input(node, 0), input(node, 1)];
    if (rank(b, a) < 2 || rank(b, bValue) < 2)
      throw new UnsupportedFeatureError(
        'onnx',
        `1-D MatMul operands (node "${node.name}")`,
        'reshape vectors to matrices',
      );
    const gradientA = sumToShape(b, emit(b, 'MatMul', [g, swapLast(b, bValue)]), b.shapeOf(a));
    let gradientB: string;
    if (rank(b, bValue) === 2 && rank(b, a) > 2) {
      const inner = b.shapeOf(a).at(-1) as number;
      const columns = b.shapeOf(g).at(-1) as number;
      const flatA = reshapeTo(b, a, [-1, inner]);
      gradientB = emit(b, 'MatMul', [
        emit(b, 'Transpose', [flatA], { perm: { type: 'ints', value: [1, 0] } }),
        reshapeTo(b, g, [-1, columns]),
      ]);
    } else gradientB = sumToShape(b, emit(b, 'MatMul', [swapLast(b, a), g]), b.shapeOf(bValue));
    return [gradientA, gradientB];
  },
  // Embedding lookup: the rows' gradients are scattered back with summation (repeated indices add).
  Gather: (b, node, g) => {
    const data = input(node, 0);
    if (normalized(intAttribute(node, 'axis', 0), rank(b, data)) !== 0)
      throw new UnsupportedFeatureError(
        'onnx',
        `Gather on axis ${intAttribute(node, 'axis', 0)} (node "${node.name}")`,
        'gradients flow through Gather on axis 0 (embeddings)',
      );
    const dataShape = b.shapeOf(data) as number[];
    const rowShape = dataShape.slice(1);
    const indices = reshapeTo(b, input(node, 1), [-1, 1]);
    const updates = reshapeTo(b, g, [-1, ...rowShape]);
    const zeros = b.constant(
      new Float32Array(dataShape.reduce((product, size) => product * size, 1)),
      dataShape,
      b.typeOf(data),
    );
    return [emit(b, 'ScatterND', [zeros, indices, updates], { reduction: { type: 'string', value: 'add' } }), null];
  },
  // dx = y (g - sum(g y)) along the axis.
  Softmax: (b, node, g) => {
    const y = output(node);
    const axis = normalized(intAttribute(node, 'axis', -1), rank(b, y));
    const total = emit(b, 'ReduceSum', [emit(b, 'Mul', [g, y]), int64s(b, [axis])], { keepdims: int(1) });
    return [emit(b, 'Mul', [y, emit(b, 'Sub', [g, total])])];
  },
  // y = x - logsumexp(x): dx = g - softmax(x) sum(g) along the axis.
  LogSoftmax: (b, node, g) => {
    const y = output(node);
    const axis = normalized(intAttribute(node, 'axis', -1), rank(b, y));
    const total = emit(b, 'ReduceSum', [g, int64s(b, [axis])], { keepdims: int(1) });
    return [emit(b, 'Sub', [g, emit(b, 'Mul', [emit(b, 'Exp', [y]), total])])];
  },
  Tanh: (b, node, g) => {
    const y = output(node);
    return [emit(b, 'Mul', [g, emit(b, 'Sub', [b.scalarLike(y, 1), emit(b, 'Mul', [y, y])])])];
  },
  LeakyRelu: (b, node, g) => {
    const x = input(node, 0);
    const positive = emit(b, 'Greater', [x, b.scalarLike(x, 0)]);
    return [emit(b, 'Where', [positive, g, emit(b, 'Mul', [g, b.scalarLike(g, floatAttribute(node, 'alpha', 0.01))])])];
  },
  // erf'(x) = 2 / sqrt(pi) exp(-x^2).
  Erf: (b, node, g) => {
    const x = input(node, 0);
    const slope = emit(b, 'Mul', [
      emit(b, 'Exp', [emit(b, 'Neg', [emit(b, 'Mul', [x, x])])]),
      b.scalarLike(x, 2 / Math.sqrt(Math.PI)),
    ]);
    return [emit(b, 'Mul', [g, slope])];
  },
  Sqrt: (b, node, g) => [emit(b, 'Div', [g, emit(b, 'Mul', [output(node), b.scalarLike(g, 2)])])],
  Reciprocal: (b, node, g) => [emit(b, 'Neg', [emit(b, 'Mul', [g, emit(b, 'Mul', [output(node), output(node)])])])],
  // Float-to-float casts pass the gradient (cast back to the input's type); others carry none.
  Cast: (b, node, g) => {
    const x = input(node, 0);
    const type = b.typeOf(x);
    if (type !== 'float' && type !== 'double') return [null];
    return [b.typeOf(g) === type ? g : emit(b, 'Cast', [g], { to: int(type === 'float' ? 1 : 11) })];
  },
  Expand: (b, node, g) => [sumToShape(b, g, b.shapeOf(input(node, 0))), null],
  // The mean spreads g / count back over the reduced axes.
  ReduceMean: (b, node, g) => {
    const x = input(node, 0);
    const shape = b.shapeOf(x) as number[];
    const given = axesOf(node, contextOf(b, node.inputs), 1) ?? [];
    const axes = (given.length === 0 ? shape.map((_, axis) => axis) : given).map((axis) =>
      normalized(axis, shape.length),
    );
    const count = axes.reduce((product, axis) => product * (shape[axis] as number), 1);
    const kept = reshapeTo(
      b,
      g,
      shape.map((size, axis) => (axes.includes(axis) ? 1 : size)),
    );
    const scaled = emit(b, 'Mul', [kept, b.scalarLike(g, 1 / count)]);
    return [emit(b, 'Expand', [scaled, int64s(b, shape)]), null];
  },
};
