import { InvalidInputError, UnsupportedFeatureError } from '@weightspec/core';
import type { OnnxShape } from './onnx-graph-builder.ts';
import { broadcastShapes } from './onnx-graph-builder.ts';
import type { OnnxDataTypeName, OnnxNode } from './onnx-model-proto.ts';
import {
  axesOf,
  floatAttribute,
  intAttribute,
  intsAttribute,
  normalizeAxis,
  type ShapeContext,
  sliceRanges,
  splitSizes,
  type StaticValue,
  windowAttributes,
} from './onnx-node-attributes.ts';

export { axesOf, floatAttribute, intAttribute, intsAttribute, sliceRanges, splitSizes, windowAttributes };
export type { ShapeContext, StaticValue };

const typeByCode: Readonly<Record<number, OnnxDataTypeName>> = {
  1: 'float',
  6: 'int32',
  7: 'int64',
  9: 'bool',
  11: 'double',
};
const booleanOps = new Set(['Greater', 'Less', 'Equal', 'GreaterOrEqual', 'LessOrEqual', 'And', 'Or', 'Not', 'Xor']);
const sameShapeOps = new Set([
  'Relu',
  'LeakyRelu',
  'Sigmoid',
  'Tanh',
  'Softmax',
  'LogSoftmax',
  'Erf',
  'Gelu',
  'Sqrt',
  'Identity',
  'Cast',
  'Neg',
  'Exp',
  'Log',
  'Abs',
  'Sign',
  'Reciprocal',
  'Softplus',
  'Not',
  'Dropout',
  'Clip',
  'LayerNormalization',
  'BatchNormalization',
  'ScatterElements',
  'ScatterND',
  'CastLike',
]);
const broadcastOps = new Set([
  'Add',
  'Sub',
  'Mul',
  'Div',
  'Pow',
  'Max',
  'Min',
  'Greater',
  'Less',
  'Equal',
  'GreaterOrEqual',
  'LessOrEqual',
  'And',
  'Or',
]);

function concrete(shape: OnnxShape, context: string): number[] {
  return shape.map((size) => {
    if (typeof size !== 'number')
      throw new InvalidInputError(context, `needs a static shape, got [${shape.join(', ')}]`);
    return size;
  });
}

/** Output size of a convolution or pooling window along one axis (ONNX Conv/MaxPool formula). */
function windowOutput(
  size: number,
  kernel: number,
  stride: number,
  padBegin: number,
  padEnd: number,
  dilation: number,
  ceil: boolean,
) {
  const span = size + padBegin + padEnd - dilation * (kernel - 1) - 1;
  return (ceil ? Math.ceil(span / stride) : Math.floor(span / stride)) + 1;
}

/**
 * The output shapes and types of `node` from its inputs' static shapes (ONNX operator specs' shape
 * rules). A model whose shapes do not fit together (a Gemm's inner sizes, a Conv's channels and group,
 * a window larger than its padded input) is an InvalidInputError naming the node: ONNX Runtime's
 * kernels would read past their buffers or abort the process on some of these.
 */
export function inferNode(node: OnnxNode, context: ShapeContext): { shapes: OnnxShape[]; types: OnnxDataTypeName[] } {
  checkOperandShapes(node, context);
  const inferred = inferNodeShapes(node, context);
  for (const shape of inferred.shapes)
    if (shape.some((size) => typeof size === 'number' && !(Number.isInteger(size) && size >= 0)))
      throw new InvalidInputError(
        'model',
        `${node.opType} node "${node.name}" would produce shape [${shape.join(', ')}] from inputs ${context.shapes.map((input) => `[${input.join(', ')}]`).join(', ')}`,
      );
  return inferred;
}

/** Shape agreements ONNX requires between a node's inputs (those its kernels do not all check). */
function checkOperandShapes(node: OnnxNode, context: ShapeContext): void {
  const [a = [], b = []] = context.shapes;
  const bad = (what: string) => {
    throw new InvalidInputError('model', `${node.opType} node "${node.name}": ${what}`);
  };
  const known = (size: number | string | undefined): size is number => typeof size === 'number';
  if (node.opType === 'Gemm' && a.length === 2 && b.length === 2) {
    const inner = intAttribute(node, 'transA', 0) ? a[0] : a[1];
    const other = intAttribute(node, 'transB', 0) ? b[1] : b[0];
    if (known(inner) && known(other) && inner !== other)
      bad(`A [${a.join(', ')}] and B [${b.join(', ')}] do not multiply (inner sizes ${inner} and ${other})`);
  }
  if (node.opType === 'MatMul' && a.length > 0 && b.length > 0) {
    const inner = a.at(-1);
    const other = b.length === 1 ? b[0] : b.at(-2);
    if (known(inner) && known(other) && inner !== other)
      bad(`[${a.join(', ')}] and [${b.join(', ')}] do not multiply (inner sizes ${inner} and ${other})`);
  }
  if (node.opType === 'Conv' || node.opType === 'ConvTranspose') {
    if (a.length < 3 || b.length !== a.length)
      bad(`X [${a.join(', ')}] and W [${b.join(', ')}] must have the same rank >= 3`);
    const group = intAttribute(node, 'group', 1);
    const [channels, out, perGroup] = [a[1], b[0], b[1]];
    if (!Number.isInteger(group) || group < 1) bad(`group ${group} must be an integer >= 1`);
    if (node.opType === 'Conv' && known(channels) && known(out) && known(perGroup)) {
      if (channels !== perGroup * group || out % group !== 0)
        bad(
          `X has ${channels} channels and W is [${b.join(', ')}] with group ${group}; they need X channels = W[1] x group and W[0] divisible by group`,
        );
    }
    if (node.opType === 'ConvTranspose' && known(channels) && known(out) && channels !== out)
      bad(`X has ${channels} channels, W [${b.join(', ')}] takes ${out}`);
  }
}

function inferNodeShapes(node: OnnxNode, context: ShapeContext): { shapes: OnnxShape[]; types: OnnxDataTypeName[] } {
  const input = context.shapes[0] ?? [];
  const op = node.opType;
  const firstType = context.types[0] ?? 'float';
  const one = (shape: OnnxShape, type: OnnxDataTypeName = firstType) => ({ shapes: [shape], types: [type] });
  if (op === 'Cast') return one(input, typeByCode[intAttribute(node, 'to', 1)] ?? 'float');
  if (op === 'CastLike') return one(input, context.types[1] ?? 'float');
  if (op === 'BatchNormalization') {
    const channels = input[1] as number;
    return { shapes: [input, [channels], [channels]], types: [firstType, firstType, firstType] };
  }
  if (op === 'Dropout') return { shapes: [input, input], types: [firstType, 'bool'] };
  if (op === 'LayerNormalization') {
    const axis = normalizeAxis(intAttribute(node, 'axis', -1), input.length);
    const stat = input.map((size, index) => (index < axis ? size : 1));
    return { shapes: [input, stat, stat], types: [firstType, 'float', 'float'] };
  }
  if (sameShapeOps.has(op)) return one(input);
  if (broadcastOps.has(op))
    return one(broadcastShapes(input, context.shapes[1] ?? []), booleanOps.has(op) ? 'bool' : firstType);
  if (op === 'Where')
    return one(
      broadcastShapes(input, broadcastShapes(context.shapes[1] ?? [], context.shapes[2] ?? [])),
      context.types[1],
    );
  if (op === 'Constant') {
    const value = node.attributes.value as
      | { type: 'tensor'; value: { dims: number[]; dataType: OnnxDataTypeName } }
      | undefined;
    if (!value)
      throw new UnsupportedFeatureError(
        'onnx',
        `Constant node "${node.name}" without a tensor value`,
        'value_float(s)/value_int(s) are not read',
      );
    return one(value.value.dims, value.value.dataType);
  }
  if (op === 'Shape') {
    const start = normalizeAxis(intAttribute(node, 'start', 0), input.length);
    const end = normalizeAxis(intAttribute(node, 'end', input.length), input.length);
    return one([Math.max(0, Math.min(end, input.length) - start)], 'int64');
  }
  if (op === 'Size') return one([], 'int64');
  if (op === 'Gemm') {
    const a = concrete(input, `${op} "${node.name}" A`);
    const b = concrete(context.shapes[1] ?? [], `${op} "${node.name}" B`);
    const rows = intAttribute(node, 'transA', 0) ? a[1] : a[0];
    const columns = intAttribute(node, 'transB', 0) ? b[0] : b[1];
    return one([rows as number, columns as number]);
  }
  if (op === 'MatMul') {
    const a = input.length === 1 ? [1, input[0] as number] : input;
    const bShape = context.shapes[1] ?? [];
    const b = bShape.length === 1 ? [bShape[0] as number, 1] : bShape;
    const batch = broadcastShapes(a.slice(0, -2), b.slice(0, -2));
    const shape = [
      ...batch,
      ...(input.length === 1 ? [] : [a.at(-2) as number]),
      ...(bShape.length === 1 ? [] : [b.at(-1) as number]),
    ];
    return one(shape);
  }
  if (op === 'Conv' || op === 'MaxPool' || op === 'AveragePool') {
    const x = concrete(input, `${op} "${node.name}" X`);
    const kernel =
      op === 'Conv'
        ? concrete(context.shapes[1] ?? [], `Conv "${node.name}" W`).slice(2)
        : (intsAttribute(node, 'kernel_shape') ?? []);
    const window = windowAttributes(node, kernel);
    const spatial = kernel.map((size, axis) =>
      windowOutput(
        x[axis + 2] as number,
        size,
        window.strides[axis] as number,
        window.pads[axis] as number,
        window.pads[axis + kernel.length] as number,
        window.dilations[axis] as number,
        window.ceil,
      ),
    );
    if (x.length !== kernel.length + 2 || spatial.some((size) => !(size >= 1)))
      throw new InvalidInputError(
        'model',
        `${op} node "${node.name}": a [${kernel.join(', ')}] window (strides [${window.strides.join(', ')}], pads [${window.pads.join(', ')}], dilations [${window.dilations.join(', ')}]) does not fit input [${x.join(', ')}]`,
      );
    const channels = op === 'Conv' ? (context.shapes[1]?.[0] as number) : (x[1] as number);
    const shape = [x[0] as number, channels, ...spatial];
    return op === 'MaxPool' ? { shapes: [shape, shape], types: [firstType, 'int64'] } : one(shape);
  }
  if (op === 'ConvTranspose') {
    const x = concrete(input, `${op} X`);
    const weight = concrete(context.shapes[1] ?? [], `${op} W`);
    const window = windowAttributes(node, weight.slice(2));
    const outputPadding = intsAttribute(node, 'output_padding') ?? window.kernel.map(() => 0);
    const group = intAttribute(node, 'group', 1);
    const spatial = window.kernel.map(
      (size, axis) =>
        (window.strides[axis] as number) * ((x[axis + 2] as number) - 1) +
        (outputPadding[axis] as number) +
        ((size - 1) * (window.dilations[axis] as number) + 1) -
        (window.pads[axis] as number) -
        (window.pads[axis + window.kernel.length] as number),
    );
    return one([x[0] as number, (weight[1] as number) * group, ...spatial]);
  }
  if (op === 'GlobalAveragePool' || op === 'GlobalMaxPool')
    return one([...input.slice(0, 2), ...input.slice(2).map(() => 1)]);
  if (op === 'Flatten') {
    const axis = normalizeAxis(intAttribute(node, 'axis', 1), input.length);
    const x = concrete(input, `Flatten "${node.name}"`);
    const product = (values: number[]) => values.reduce((total, size) => total * size, 1);
    return one([product(x.slice(0, axis)), product(x.slice(axis))]);
  }
  if (op === 'Reshape') {
    const target = context.statics[1];
    if (!target)
      throw new UnsupportedFeatureError(
        'onnx',
        `Reshape node "${node.name}" with a shape computed from data`,
        'the target shape must follow from the input shapes',
      );
    const x = concrete(input, `Reshape "${node.name}"`);
    const shape = target.values.map((size, axis) =>
      size === 0 && intAttribute(node, 'allowzero', 0) === 0 ? (x[axis] as number) : size,
    );
    const known = shape.reduce((total, size) => (size === -1 ? total : total * size), 1);
    const total = x.reduce((product, size) => product * size, 1);
    return one(shape.map((size) => (size === -1 ? total / known : size)));
  }
  if (op === 'Transpose') {
    const perm = intsAttribute(node, 'perm') ?? input.map((_, axis) => input.length - 1 - axis);
    return one(perm.map((axis) => input[axis] as number | string));
  }
  if (op === 'Squeeze') {
    const axes = (axesOf(node, context, 1) ?? input.flatMap((size, axis) => (size === 1 ? [axis] : []))).map((axis) =>
      normalizeAxis(axis, input.length),
    );
    const wide = axes.find((axis) => input[axis] !== 1 && typeof input[axis] === 'number');
    if (wide !== undefined || axes.some((axis) => axis < 0 || axis >= input.length))
      throw new InvalidInputError(
        'model',
        `Squeeze node "${node.name}" removes axes [${axes.join(', ')}] of [${input.join(', ')}]; each must exist and have size 1`,
      );
    return one(input.filter((_, axis) => !axes.includes(axis)));
  }
  if (op === 'Unsqueeze') {
    const rank = input.length + (axesOf(node, context, 1) ?? []).length;
    const axes = (axesOf(node, context, 1) ?? []).map((axis) => normalizeAxis(axis, rank));
    const shape: (number | string)[] = [];
    let source = 0;
    for (let axis = 0; axis < rank; axis += 1)
      shape.push(axes.includes(axis) ? 1 : (input[source++] as number | string));
    return one(shape);
  }
  if (op === 'Concat') {
    const axis = normalizeAxis(intAttribute(node, 'axis', 0), input.length);
    const size = context.shapes.reduce((total, shape) => total + (shape[axis] as number), 0);
    return one(input.map((value, index) => (index === axis ? size : value)));
  }
  if (op === 'Split') {
    const axis = normalizeAxis(intAttribute(node, 'axis', 0), input.length);
    const total = input[axis] as number;
    const sizes = splitSizes(node, context, total);
    return {
      shapes: sizes.map((size) => input.map((value, index) => (index === axis ? size : value))),
      types: sizes.map(() => firstType),
    };
  }
  if (op === 'Slice') {
    const ranges = sliceRanges(node, context);
    return one(input.map((size, axis) => ranges.find((range) => range.axis === axis)?.count ?? size));
  }
  if (op === 'Gather') {
    const axis = normalizeAxis(intAttribute(node, 'axis', 0), input.length);
    return one([...input.slice(0, axis), ...(context.shapes[1] ?? []), ...input.slice(axis + 1)]);
  }
  if (op === 'ReduceMean' || op === 'ReduceSum' || op === 'ReduceMax') {
    const axes = (axesOf(node, context, 1) ?? input.map((_, axis) => axis)).map((axis) =>
      normalizeAxis(axis, input.length),
    );
    const all =
      axes.length === 0 && intAttribute(node, 'noop_with_empty_axes', 0) === 0 ? input.map((_, axis) => axis) : axes;
    const keep = intAttribute(node, 'keepdims', 1) === 1;
    return one(
      keep
        ? input.map((size, axis) => (all.includes(axis) ? 1 : size))
        : input.filter((_, axis) => !all.includes(axis)),
    );
  }
  if (op === 'ConstantOfShape' || op === 'Expand') {
    const target = context.statics[op === 'Expand' ? 1 : 0];
    if (!target)
      throw new UnsupportedFeatureError(
        'onnx',
        `${op} node "${node.name}" with a shape computed from data`,
        'the shape must follow from the input shapes',
      );
    const value = node.attributes.value as { value: { dataType: OnnxDataTypeName } } | undefined;
    return op === 'Expand'
      ? one(broadcastShapes(input, target.values))
      : one(target.values, value?.value.dataType ?? 'float');
  }
  if (op === 'Range') {
    const [start, limit, delta] = context.statics.map((value) => value?.values[0] ?? 0) as [number, number, number];
    return one([Math.max(Math.ceil((limit - start) / delta), 0)]);
  }
  if (op === 'Pad') {
    const pads = context.statics[1]?.values ?? [];
    return one(
      input.map((size, axis) => (size as number) + (pads[axis] as number) + (pads[axis + input.length] as number)),
    );
  }
  throw new UnsupportedFeatureError('onnx', `op ${op} (node "${node.name}")`, 'no static shape rule for this op');
}
