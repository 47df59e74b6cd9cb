import { UnsupportedFeatureError } from '@weightspec/core';
import type { ModelBackwardRule } from './onnx-backward-rules-dense.ts';
import { contextOf, emit, int64s, reshapeTo } from './onnx-graph-emit.ts';
import type { OnnxNode } from './onnx-model-proto.ts';
import { intAttribute, intsAttribute, sliceRanges } from './onnx-static-shapes.ts';

const input = (node: OnnxNode, index: number) => node.inputs[index] as string;

/** Gradient of a pure reshaping op: g reshaped back to the input's static shape. */
const reshapeBack: ModelBackwardRule = (b, node, g) => {
  const x = input(node, 0);
  const shape = b.shapeOf(x);
  // A symbolic batch dimension (the packed-MLP trainer's graphs) reads the shape at run time.
  const back = shape.every((size) => typeof size === 'number')
    ? reshapeTo(b, g, shape as number[])
    : b.node('Reshape', [g, b.node('Shape', [x], {}, { shape: [shape.length], type: 'int64' })], {}, { shape });
  return [back, ...node.inputs.slice(1).map(() => null)];
};

/** Backward rules for ops that move or select elements (shapes are static in a fine-tuning step). */
export const SHAPE_BACKWARD_RULES: Readonly<Record<string, ModelBackwardRule>> = {
  Flatten: reshapeBack,
  Reshape: reshapeBack,
  Squeeze: reshapeBack,
  Unsqueeze: reshapeBack,
  Transpose: (b, node, g) => {
    const shape = b.shapeOf(input(node, 0));
    const perm = intsAttribute(node, 'perm') ?? shape.map((_, axis) => shape.length - 1 - axis);
    const inverse = perm.map((_, axis) => perm.indexOf(axis));
    return [emit(b, 'Transpose', [g], { perm: { type: 'ints', value: inverse } })];
  },
  // Each input gets its own slice of g along the concatenation axis.
  Concat: (b, node, g) => {
    const shape = b.shapeOf(input(node, 0));
    const axis =
      intAttribute(node, 'axis', 0) < 0 ? intAttribute(node, 'axis', 0) + shape.length : intAttribute(node, 'axis', 0);
    let start = 0;
    return node.inputs.map((name) => {
      const size = b.shapeOf(name)[axis] as number;
      const slice = emit(b, 'Slice', [g, int64s(b, [start]), int64s(b, [start + size]), int64s(b, [axis])]);
      start += size;
      return slice;
    });
  },
  // Constant padding: the gradient is the unpadded window of g (negative pads are refused).
  Pad: (b, node, g) => {
    const x = input(node, 0);
    const shape = b.shapeOf(x) as number[];
    const pads = b.constantValues(input(node, 1));
    const mode = (node.attributes.mode as { value: string } | undefined)?.value ?? 'constant';
    if (!pads || pads.some((pad) => pad < 0) || mode !== 'constant' || node.inputs[3])
      throw new UnsupportedFeatureError(
        'onnx',
        `Pad (node "${node.name}") with mode ${mode}, computed or negative pads, or axes`,
        'gradients flow through constant padding',
      );
    const starts = shape.map((_, axis) => pads[axis] as number);
    const ends = shape.map((size, axis) => (pads[axis] as number) + size);
    return [emit(b, 'Slice', [g, int64s(b, starts), int64s(b, ends)]), ...node.inputs.slice(1).map(() => null)];
  },
  // Unit-step slices: g padded with zeros back to the input (steps other than 1 are refused).
  Slice: (b, node, g) => {
    const x = input(node, 0);
    const shape = b.shapeOf(x) as number[];
    const ranges = sliceRanges(node, contextOf(b, node.inputs));
    const pads = [...shape.map(() => 0), ...shape.map(() => 0)];
    for (const range of ranges) {
      if (range.step !== 1)
        throw new UnsupportedFeatureError(
          'onnx',
          `Slice with step ${range.step} (node "${node.name}")`,
          'gradients flow through unit-step slices',
        );
      pads[range.axis] = range.start;
      pads[range.axis + shape.length] = range.size - range.start - range.count;
    }
    return [
      emit(b, 'Pad', [g, int64s(b, pads)], { mode: { type: 'string', value: 'constant' } }),
      ...node.inputs.slice(1).map(() => null),
    ];
  },
};
