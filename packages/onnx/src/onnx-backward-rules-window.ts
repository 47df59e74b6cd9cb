import type { OnnxGraphBuilder } from './onnx-graph-builder.ts';
import { emit, int64s, reshapeTo } from './onnx-graph-emit.ts';
import type { OnnxAttribute, OnnxNode } from './onnx-model-proto.ts';
import { intsAttribute, windowAttributes } from './onnx-static-shapes.ts';

const int = (value: number): OnnxAttribute => ({ type: 'int', value });

/**
 * MaxPool's input gradient for non-overlapping square windows (kernel == stride, no pads, no
 * dilation, every window inside the input), without MaxPool's Indices output and a ScatterElements
 * (ONNX Runtime's slow paths: about 4x the cost of this). SpaceToDepth lays the k*k positions of each
 * window out as k*k slices [N, k*k, C, h, w] in row-major window order, each is compared with the
 * pooled value, and g goes to the first maximum (an exclusive CumSum counts earlier maxima), as
 * PyTorch's max_pool2d routes ties (its CPU kernel keeps the first index with val > max);
 * DepthToSpace puts the slices back. Every broadcast runs over whole [C, h, w] blocks, which ONNX
 * Runtime does at memory speed. Returns null when the pool does not qualify (the caller falls back
 * to the Indices + ScatterElements rule).
 */
export function nonOverlappingMaxPoolGradient(b: OnnxGraphBuilder, node: OnnxNode, g: string): string | null {
  const x = node.inputs[0] as string;
  const pooled = node.outputs[0] as string;
  const shape = b.shapeOf(x);
  const kernel = intsAttribute(node, 'kernel_shape');
  if (shape.length !== 4 || !kernel || kernel.length !== 2 || kernel[0] !== kernel[1] || node.outputs.length > 1)
    return null;
  if (!shape.every((size) => typeof size === 'number')) return null;
  const window = windowAttributes(node, kernel);
  const k = kernel[0] as number;
  const [n, c, height, width] = shape as [number, number, number, number];
  const [h, w] = b.shapeOf(g).slice(2) as [number, number];
  if (
    window.strides.some((stride) => stride !== k) ||
    window.pads.some((pad) => pad !== 0) ||
    window.dilations.some((dilation) => dilation !== 1) ||
    h * k > height ||
    w * k > width
  )
    return null;
  // Rows and columns past the last whole window (floor mode) get no gradient: crop them here, pad back below.
  const covered =
    h * k === height && w * k === width
      ? x
      : emit(b, 'Slice', [x, int64s(b, [0, 0]), int64s(b, [h * k, w * k]), int64s(b, [2, 3])]);
  const blocksize = { blocksize: int(k) };
  const positions = [n, k * k, c, h, w];
  const perWindow = [n, 1, c, h, w];
  const windows = b.node('SpaceToDepth', [covered], blocksize, { shape: [n, k * k * c, h, w] });
  const isMax = b.node(
    'Equal',
    [reshapeTo(b, windows, positions), reshapeTo(b, pooled, perWindow)],
    {},
    {
      shape: positions,
      type: 'bool',
    },
  );
  // Maxima at earlier window positions (SpaceToDepth's channel order is row-major within the window).
  const earlier = b.node(
    'CumSum',
    [b.castLike(isMax, g), b.constant([1], [], 'int64')],
    { exclusive: int(1) },
    {
      shape: positions,
    },
  );
  const first = b.node(
    'And',
    [isMax, b.node('Equal', [earlier, b.scalarLike(g, 0)], {}, { shape: positions })],
    {},
    {
      shape: positions,
      type: 'bool',
    },
  );
  const routed = b.node('Where', [first, reshapeTo(b, g, perWindow), b.scalarLike(g, 0)], {}, { shape: positions });
  const gradient = b.node(
    'DepthToSpace',
    [reshapeTo(b, routed, [n, k * k * c, h, w])],
    { ...blocksize, mode: { type: 'string', value: 'DCR' } },
    {
      shape: [n, c, h * k, w * k],
    },
  );
  if (covered === x) return gradient;
  return emit(b, 'Pad', [gradient, int64s(b, [0, 0, 0, 0, 0, 0, height - h * k, width - w * k])], {
    mode: { type: 'string', value: 'constant' },
  });
}

/**
 * Conv's weight gradient for group 1 as explicit patches and batched matrix products:
 * dW[o, c, i, j] = sum over n, p, q of g[n, o, p, q] * xpad[n, c, p*sh + i*dh, q*sw + j*dw]. The kw
 * column shifts of the padded input are cut once and stacked ([n, kw*c, Hp, ow]); each row shift i is
 * one strided Slice of that stack, per sample a [kw*c, oh*ow] matrix whose product with g^T
 * ([oh*ow, o]) gives sample n's share of dW[:, :, i, :], summed over the batch at the end. The batched
 * MatMul spreads the samples over ONNX Runtime's threads; its Conv with the batch as channels (the
 * general rule) builds an im2col of the whole [n, oh, ow] "kernel" on one thread, element by element.
 */
export function patchWeightGradient(
  b: OnnxGraphBuilder,
  x: string,
  g: string,
  weightShape: readonly number[],
  window: ReturnType<typeof windowAttributes>,
): string {
  const [n, c] = b.shapeOf(x) as [number, number];
  const [o, , kh, kw] = weightShape as [number, number, number, number];
  const [, , oh, ow] = b.shapeOf(g) as [number, number, number, number];
  const [top, left, bottom, right] = window.pads as [number, number, number, number];
  const [sh, sw] = window.strides as [number, number];
  const [dh, dw] = window.dilations as [number, number];
  const padded =
    top || left || bottom || right
      ? emit(b, 'Pad', [x, int64s(b, [0, 0, top, left, 0, 0, bottom, right])], {
          mode: { type: 'string', value: 'constant' },
        })
      : x;
  const shift = (value: string, start: number, stride: number, size: number, axis: number) =>
    emit(b, 'Slice', [
      value,
      int64s(b, [start]),
      int64s(b, [start + stride * (size - 1) + 1]),
      int64s(b, [axis]),
      int64s(b, [stride]),
    ]);
  const columns = Array.from({ length: kw }, (_, j) => shift(padded, j * dw, sw, ow, 3));
  const stacked = columns.length === 1 ? (columns[0] as string) : emit(b, 'Concat', columns, { axis: int(1) });
  const positions = oh * ow;
  const gradientByPosition = emit(b, 'Transpose', [reshapeTo(b, g, [n, o, positions])], {
    perm: { type: 'ints', value: [0, 2, 1] },
  });
  const parts = Array.from({ length: kh }, (_, i) => {
    const patches = reshapeTo(b, shift(stacked, i * dh, sh, oh, 2), [n, kw * c, positions]);
    return emit(b, 'MatMul', [patches, gradientByPosition]);
  });
  const joined = parts.length === 1 ? (parts[0] as string) : emit(b, 'Concat', parts, { axis: int(1) });
  const summed = emit(b, 'ReduceSum', [joined, int64s(b, [0])], { keepdims: int(0) });
  // Rows of `summed` run (i, j, channel); columns are the output channels.
  return emit(b, 'Transpose', [reshapeTo(b, summed, [kh, kw, c, o])], {
    perm: { type: 'ints', value: [3, 2, 0, 1] },
  });
}
