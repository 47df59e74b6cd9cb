import type { OnnxGraphBuilder, OnnxShape } from './onnx-graph-builder.ts';
import type { OnnxAttribute, OnnxNode } from './onnx-model-proto.ts';
import { inferNode, type ShapeContext } from './onnx-static-shapes.ts';

/** What static shape inference sees of `inputs` in a builder: shapes, types and constant values. */
export function contextOf(builder: OnnxGraphBuilder, inputs: readonly string[]): ShapeContext {
  return {
    shapes: inputs.map((name) => (name ? builder.shapeOf(name) : [])),
    types: inputs.map((name) => builder.typeOf(name)),
    statics: inputs.map((name) => {
      const values = name ? builder.constantValues(name) : null;
      return values ? { dims: builder.shapeOf(name) as number[], values, dataType: builder.typeOf(name) } : null;
    }),
  };
}

/**
 * Adds a node whose output shape and type come from the static shape rules (onnx-static-shapes.ts),
 * so backward rules never spell shapes out by hand. Returns the (first) output name.
 */
export function emit(
  builder: OnnxGraphBuilder,
  opType: string,
  inputs: readonly string[],
  attributes: Record<string, OnnxAttribute> = {},
  output?: string,
): string {
  const node: OnnxNode = { opType, inputs, outputs: ['?'], name: opType, attributes };
  const inferred = inferNode(node, contextOf(builder, inputs));
  return builder.node(opType, inputs, attributes, {
    shape: inferred.shapes[0] as OnnxShape,
    type: inferred.types[0],
    ...(output ? { output } : {}),
  });
}

/** An int64 constant vector (axes, shapes, pads). */
export const int64s = (builder: OnnxGraphBuilder, values: readonly number[]) =>
  builder.constant(values, [values.length], 'int64');

/** Reshapes `value` to a static shape. */
export const reshapeTo = (builder: OnnxGraphBuilder, value: string, shape: readonly number[]) =>
  emit(builder, 'Reshape', [value, int64s(builder, shape)]);

/**
 * Sums a broadcast gradient back to a static `target` shape (the reverse of numpy broadcasting):
 * leading axes are summed away, axes where the target has size 1 are summed with keepdims.
 */
export function sumToShape(builder: OnnxGraphBuilder, gradient: string, target: OnnxShape): string {
  const source = builder.shapeOf(gradient);
  if (source.length === target.length && source.every((size, axis) => size === target[axis])) return gradient;
  const offset = source.length - target.length;
  const axes = source.flatMap((size, axis) =>
    axis < offset || (target[axis - offset] === 1 && size !== 1) ? [axis] : [],
  );
  const reduced =
    axes.length === 0
      ? gradient
      : emit(builder, 'ReduceSum', [gradient, int64s(builder, axes)], { keepdims: { type: 'int', value: 1 } });
  return reshapeTo(builder, reduced, target as number[]);
}
