import { UnsupportedFeatureError } from '@weightspec/core';
import type { ModelBackwardRule } from './onnx-backward-rules-dense.ts';
import { nonOverlappingMaxPoolGradient, patchWeightGradient } from './onnx-backward-rules-window.ts';
import type { OnnxGraphBuilder } from './onnx-graph-builder.ts';
import { emit, int64s, reshapeTo } from './onnx-graph-emit.ts';
import type { OnnxAttribute, OnnxNode } from './onnx-model-proto.ts';
import { intAttribute, windowAttributes } from './onnx-static-shapes.ts';

const ints = (value: readonly number[]): OnnxAttribute => ({ type: 'ints', value });
const int = (value: number): OnnxAttribute => ({ type: 'int', value });
const input = (node: OnnxNode, index: number) => node.inputs[index] as string;

type Window = ReturnType<typeof windowAttributes>;

/**
 * The ConvTranspose that spreads an output gradient back over a 2-D window: pads and
 * output_padding chosen so the result has exactly the input's spatial size (rows the forward
 * window never read get zero, and window overhang past the input is cropped).
 */
function spreadBack(
  b: OnnxGraphBuilder,
  gradient: string,
  weight: string,
  window: Window,
  inputShape: readonly number[],
  group: number,
) {
  const outputShape = b.shapeOf(gradient) as number[];
  const rankSpatial = window.kernel.length;
  const pads = [...window.pads];
  const outputPadding = window.kernel.map((kernel, axis) => {
    const stride = window.strides[axis] as number;
    const natural =
      stride * ((outputShape[axis + 2] as number) - 1) +
      (kernel - 1) * (window.dilations[axis] as number) +
      1 -
      (pads[axis] as number) -
      (pads[axis + rankSpatial] as number);
    const missing = (inputShape[axis + 2] as number) - natural;
    if (missing >= 0) return missing;
    pads[axis + rankSpatial] = (pads[axis + rankSpatial] as number) - missing;
    return 0;
  });
  const extra = outputPadding.map((padding, axis) =>
    Math.max(0, padding - Math.max(window.strides[axis] as number, window.dilations[axis] as number) + 1),
  );
  // output_padding must stay below the stride; larger gaps (rows past the last window) are padded after.
  const spread = emit(b, 'ConvTranspose', [gradient, weight], {
    strides: ints(window.strides),
    pads: ints(pads),
    dilations: ints(window.dilations),
    group: int(group),
    output_padding: ints(outputPadding.map((padding, axis) => padding - (extra[axis] as number))),
  });
  if (extra.every((value) => value === 0)) return spread;
  return emit(b, 'Pad', [spread, int64s(b, [0, 0, ...window.kernel.map(() => 0), 0, 0, ...extra])], {
    mode: { type: 'string', value: 'constant' },
  });
}

/** Backward rules for 2-D convolution and pooling (standard ONNX ops; no training contrib ops). */
export const CONV_BACKWARD_RULES: Readonly<Record<string, ModelBackwardRule>> = {
  // dX = ConvTranspose(g, W); dW from patches and Gemm (group 1, onnx-backward-rules-window.ts), else
  // Conv(X^T, g^T) with stride and dilation swapped, per group; dB = sum g.
  Conv: (b, node, g) => {
    const [x, weight] = [input(node, 0), input(node, 1)];
    const xShape = b.shapeOf(x) as number[];
    const weightShape = b.shapeOf(weight) as number[];
    if (xShape.length !== 4)
      throw new UnsupportedFeatureError(
        'onnx',
        `${xShape.length - 2}-D Conv (node "${node.name}")`,
        'gradients flow through 2-D convolutions',
      );
    const window = windowAttributes(node, weightShape.slice(2));
    const group = intAttribute(node, 'group', 1);
    const gradientX = spreadBack(b, g, weight, window, xShape, group);
    const bias = node.inputs[2];
    const gradientBias = bias ? emit(b, 'ReduceSum', [g, int64s(b, [0, 2, 3])], { keepdims: int(0) }) : null;
    if (group === 1) return [gradientX, patchWeightGradient(b, x, g, weightShape, window), gradientBias];
    const swap = ints([1, 0, 2, 3]);
    const xByChannel = emit(b, 'Transpose', [x], { perm: swap });
    const gByChannel = emit(b, 'Transpose', [g], { perm: swap });
    const inPerGroup = (xShape[1] as number) / group;
    const outPerGroup = (weightShape[0] as number) / group;
    const parts: string[] = [];
    for (let index = 0; index < group; index += 1) {
      const pick = (value: string, size: number) =>
        group === 1
          ? value
          : emit(b, 'Slice', [value, int64s(b, [index * size]), int64s(b, [(index + 1) * size]), int64s(b, [0])]);
      const correlation = emit(b, 'Conv', [pick(xByChannel, inPerGroup), pick(gByChannel, outPerGroup)], {
        strides: ints(window.dilations),
        dilations: ints(window.strides),
        pads: ints(window.pads),
      });
      const kernel = emit(b, 'Slice', [
        correlation,
        int64s(b, [0, 0]),
        int64s(b, weightShape.slice(2)),
        int64s(b, [2, 3]),
      ]);
      parts.push(emit(b, 'Transpose', [kernel], { perm: swap }));
    }
    const gradientWeight = parts.length === 1 ? (parts[0] as string) : emit(b, 'Concat', parts, { axis: int(0) });
    return [gradientX, gradientWeight, gradientBias];
  },
  // Non-overlapping windows: compare with the pooled value (onnx-backward-rules-window.ts). Otherwise the
  // max's position gets g: MaxPool's Indices output (flat over the whole input) drives a summing scatter.
  MaxPool: (b, node, g) => {
    const routed = nonOverlappingMaxPoolGradient(b, node, g);
    if (routed) return [routed];
    const x = input(node, 0);
    const shape = b.shapeOf(x) as number[];
    const total = shape.reduce((product, size) => product * size, 1);
    const indices = b.fresh('maxpool_indices');
    const pooled = b.fresh('maxpool_values');
    b.nodes.push({
      opType: 'MaxPool',
      inputs: [x],
      outputs: [pooled, indices],
      name: b.fresh('node_MaxPool'),
      attributes: { ...node.attributes, storage_order: int(0) },
    });
    const flatIndices = b.node(
      'Reshape',
      [indices, int64s(b, [-1])],
      {},
      { shape: [b.shapeOf(g).reduce<number>((product, size) => product * (size as number), 1)], type: 'int64' },
    );
    const zeros = b.constant(new Float32Array(total), [total], b.typeOf(x));
    const scattered = emit(b, 'ScatterElements', [zeros, flatIndices, reshapeTo(b, g, [-1])], {
      axis: int(0),
      reduction: { type: 'string', value: 'add' },
    });
    return [reshapeTo(b, scattered, shape)];
  },
  // Each window spreads g / (its element count) back with a depthwise all-ones ConvTranspose.
  AveragePool: (b, node, g) => {
    const x = input(node, 0);
    const shape = b.shapeOf(x) as number[];
    const window = windowAttributes(node, [...(node.attributes.kernel_shape as unknown as { value: number[] }).value]);
    if (shape.length !== 4)
      throw new UnsupportedFeatureError(
        'onnx',
        `${shape.length - 2}-D AveragePool (node "${node.name}")`,
        'gradients flow through 2-D pooling',
      );
    const includePad = intAttribute(node, 'count_include_pad', 0) === 1;
    const outShape = b.shapeOf(g) as number[];
    const [rows, columns] = [outShape[2] as number, outShape[3] as number];
    const divisor = new Float32Array(rows * columns);
    const span = (outIndex: number, axis: number) => {
      const start = outIndex * (window.strides[axis] as number) - (window.pads[axis] as number);
      const end = start + (window.kernel[axis] as number);
      const size = shape[axis + 2] as number;
      const low = includePad ? -(window.pads[axis] as number) : 0;
      const high = includePad ? size + (window.pads[axis + 2] as number) : size;
      return Math.min(end, high) - Math.max(start, low);
    };
    for (let row = 0; row < rows; row += 1)
      for (let column = 0; column < columns; column += 1)
        divisor[row * columns + column] = span(row, 0) * span(column, 1);
    const scaled = emit(b, 'Div', [g, b.constant(divisor, [1, 1, rows, columns], b.typeOf(g))]);
    const channels = shape[1] as number;
    const ones = b.constant(
      new Float32Array(window.kernel.reduce((product, size) => product * size, channels)).fill(1),
      [channels, 1, ...window.kernel],
      b.typeOf(g),
    );
    return [spreadBack(b, scaled, ones, window, shape, channels)];
  },
  GlobalAveragePool: (b, node, g) => {
    const x = input(node, 0);
    const shape = b.shapeOf(x) as number[];
    const count = shape.slice(2).reduce((product, size) => product * size, 1);
    return [emit(b, 'Expand', [emit(b, 'Mul', [g, b.scalarLike(g, 1 / count)]), int64s(b, shape)])];
  },
};
