import type { OnnxDataTypeName, OnnxNode, OnnxTensor } from './onnx-model-proto.ts';
import {
  inferNode,
  intAttribute,
  type ShapeContext,
  type StaticValue,
  sliceRanges,
  splitSizes,
} from './onnx-static-shapes.ts';

/** Ops whose outputs can be computed ahead of time when every input is known (shape arithmetic). */
export const STATIC_OPS = new Set([
  'Constant',
  'Shape',
  'Size',
  'Gather',
  'Unsqueeze',
  'Squeeze',
  'Concat',
  'Slice',
  'Cast',
  'Add',
  'Sub',
  'Mul',
  'Div',
  'Equal',
  'Where',
  'ConstantOfShape',
  'Range',
  'Identity',
  'Reshape',
  'Expand',
  'Neg',
  'Sqrt',
  'Split',
  'Not',
  'Less',
  'Greater',
  'Max',
  'Min',
  'Abs',
  'Pow',
]);

/** A tensor's values as plain numbers. */
export function tensorValues(tensor: OnnxTensor): StaticValue {
  return {
    dims: tensor.dims,
    values: Array.from(tensor.data as ArrayLike<number | bigint>, Number),
    dataType: tensor.dataType,
  };
}

const strides = (dims: readonly number[]) => {
  const result = dims.map(() => 1);
  for (let axis = dims.length - 2; axis >= 0; axis -= 1)
    result[axis] = (result[axis + 1] as number) * (dims[axis + 1] as number);
  return result;
};

/** Numpy broadcasting of an elementwise function over static values. */
function broadcastMap(
  inputs: readonly StaticValue[],
  dims: readonly number[],
  apply: (values: number[]) => number,
): number[] {
  const total = dims.reduce((product, size) => product * size, 1);
  const outStrides = strides(dims);
  const result: number[] = [];
  for (let flat = 0; flat < total; flat += 1) {
    const index = dims.map((_, axis) => Math.floor(flat / (outStrides[axis] as number)) % (dims[axis] as number));
    result.push(
      apply(
        inputs.map((input) => {
          const offset = dims.length - input.dims.length;
          const inStrides = strides(input.dims);
          let position = 0;
          input.dims.forEach((size, axis) => {
            position += (size === 1 ? 0 : (index[axis + offset] as number)) * (inStrides[axis] as number);
          });
          return input.values[position] as number;
        }),
      ),
    );
  }
  return result;
}

const integerTypes = new Set<OnnxDataTypeName>(['int32', 'int64']);

/**
 * Evaluates `node` when all its inputs are static values (the shape subgraphs PyTorch exports when
 * constant folding is off: Shape -> Gather -> Unsqueeze -> Concat -> Reshape). Returns null for an op
 * it does not evaluate. Integer division truncates toward zero as ONNX Div does on integers.
 */
export function evaluateStatic(
  node: OnnxNode,
  inputs: readonly StaticValue[],
  context: ShapeContext,
): StaticValue[] | null {
  if (!STATIC_OPS.has(node.opType)) return null;
  const { shapes, types } = inferNode(node, context);
  const dims = (shapes[0] ?? []) as number[];
  const type = types[0] ?? 'float';
  const make = (values: number[], at = 0): StaticValue => ({
    dims: (shapes[at] ?? []) as number[],
    values,
    dataType: types[at] ?? type,
  });
  const [first, second] = inputs as [StaticValue, StaticValue];
  const elementwise = (apply: (values: number[]) => number) => [make(broadcastMap(inputs, dims, apply))];
  switch (node.opType) {
    case 'Constant': {
      const tensor = (node.attributes.value as { value: OnnxTensor }).value;
      return [tensorValues(tensor)];
    }
    case 'Shape':
      return [
        make(
          (context.shapes[0] as number[]).slice(
            intAttribute(node, 'start', 0),
            intAttribute(node, 'end', context.shapes[0]?.length ?? 0) || undefined,
          ),
        ),
      ];
    case 'Size':
      return [make([(context.shapes[0] as number[]).reduce((product, size) => product * size, 1)])];
    case 'Identity':
    case 'Reshape':
    case 'Squeeze':
    case 'Unsqueeze':
      return [make([...first.values])];
    case 'Cast':
      return [
        make(
          first.values.map((value) =>
            integerTypes.has(type) ? Math.trunc(value) : type === 'bool' ? Number(value !== 0) : value,
          ),
        ),
      ];
    case 'Gather': {
      const axis = intAttribute(node, 'axis', 0);
      const rank = first.dims.length;
      const normalized = axis < 0 ? axis + rank : axis;
      const outer = first.dims.slice(0, normalized).reduce((product, size) => product * size, 1);
      const inner = first.dims.slice(normalized + 1).reduce((product, size) => product * size, 1);
      const size = first.dims[normalized] as number;
      const values: number[] = [];
      for (let block = 0; block < outer; block += 1)
        for (const raw of second.values) {
          const index = raw < 0 ? raw + size : raw;
          for (let offset = 0; offset < inner; offset += 1)
            values.push(first.values[(block * size + index) * inner + offset] as number);
        }
      return [make(values)];
    }
    case 'Concat':
      if (dims.length !== 1) return null;
      return [make(inputs.flatMap((input) => input.values))];
    case 'Slice': {
      if (first.dims.length !== 1) return null;
      const range = sliceRanges(node, context)[0];
      if (!range) return [make([...first.values])];
      return [
        make(
          Array.from({ length: range.count }, (_, index) => first.values[range.start + index * range.step] as number),
        ),
      ];
    }
    case 'Split': {
      if (first.dims.length !== 1) return null;
      let offset = 0;
      return splitSizes(node, context, first.values.length).map((size, index) => {
        const part = make(first.values.slice(offset, offset + size), index);
        offset += size;
        return part;
      });
    }
    case 'ConstantOfShape': {
      const value = (node.attributes.value as { value: OnnxTensor } | undefined)?.value;
      const fill = value ? Number((value.data as ArrayLike<number | bigint>)[0]) : 0;
      return [make(new Array<number>(dims.reduce((product, size) => product * size, 1)).fill(fill))];
    }
    case 'Expand':
      return elementwise(([value]) => value as number);
    case 'Range': {
      const [start, , delta] = inputs.map((input) => input.values[0] as number) as [number, number, number];
      return [make(Array.from({ length: dims[0] as number }, (_, index) => start + index * delta))];
    }
    case 'Add':
      return elementwise(([a, b]) => (a as number) + (b as number));
    case 'Sub':
      return elementwise(([a, b]) => (a as number) - (b as number));
    case 'Mul':
      return elementwise(([a, b]) => (a as number) * (b as number));
    case 'Div':
      return elementwise(([a, b]) =>
        integerTypes.has(type) ? Math.trunc((a as number) / (b as number)) : (a as number) / (b as number),
      );
    case 'Pow':
      return elementwise(([a, b]) => (a as number) ** (b as number));
    case 'Max':
      return elementwise((values) => Math.max(...values));
    case 'Min':
      return elementwise((values) => Math.min(...values));
    case 'Equal':
      return elementwise(([a, b]) => Number(a === b));
    case 'Less':
      return elementwise(([a, b]) => Number((a as number) < (b as number)));
    case 'Greater':
      return elementwise(([a, b]) => Number((a as number) > (b as number)));
    case 'Where':
      return elementwise(([condition, a, b]) => (condition ? (a as number) : (b as number)));
    case 'Neg':
      return elementwise(([a]) => -(a as number));
    case 'Abs':
      return elementwise(([a]) => Math.abs(a as number));
    case 'Not':
      return elementwise(([a]) => Number(!a));
    case 'Sqrt':
      return elementwise(([a]) => Math.fround(Math.sqrt(a as number)));
    default:
      return null;
  }
}
