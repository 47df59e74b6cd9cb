import { InvalidInputError, UnsupportedFeatureError } from '@weightspec/core';
import type { OnnxShape } from './onnx-graph-builder.ts';
import type { OnnxDataTypeName, OnnxNode } from './onnx-model-proto.ts';

/** A value known before the graph runs (shape arithmetic, constants): row-major values and dims. */
export interface StaticValue {
  readonly dims: readonly number[];
  readonly values: readonly number[];
  readonly dataType: OnnxDataTypeName;
}

/** What shape inference knows about a node's inputs. */
export interface ShapeContext {
  readonly shapes: readonly OnnxShape[];
  readonly types: readonly OnnxDataTypeName[];
  readonly statics: readonly (StaticValue | null)[];
}

/** Reads an int attribute (default when absent). */
export const intAttribute = (node: Pick<OnnxNode, 'attributes'>, name: string, fallback: number): number =>
  (node.attributes[name] as { value: number } | undefined)?.value ?? fallback;
/** Reads an ints attribute (null when absent). */
export const intsAttribute = (node: Pick<OnnxNode, 'attributes'>, name: string): number[] | null =>
  (node.attributes[name] as { value: number[] } | undefined)?.value?.slice() ?? null;
/** Reads a float attribute (default when absent). */
export const floatAttribute = (node: Pick<OnnxNode, 'attributes'>, name: string, fallback: number): number =>
  (node.attributes[name] as { value: number } | undefined)?.value ?? fallback;

/** A possibly negative axis as its index in [0, rank) (ONNX counts negative axes from the end). */
export const normalizeAxis = (axis: number, rank: number) => (axis < 0 ? axis + rank : axis);

/** The axes of a reduction, Squeeze or Unsqueeze: the `axes` input (opset 13/18+) or attribute. */
export function axesOf(node: OnnxNode, context: ShapeContext, inputIndex: number): number[] | null {
  const fromInput = node.inputs[inputIndex] ? context.statics[inputIndex] : null;
  if (node.inputs[inputIndex] && !fromInput)
    throw new UnsupportedFeatureError(
      'onnx',
      `computed axes in ${node.opType} node "${node.name}"`,
      'axes must be constants',
    );
  return fromInput ? [...fromInput.values] : intsAttribute(node, 'axes');
}

/** Window attributes of a 2-D Conv or pooling node, with ONNX defaults; auto_pad other than NOTSET is refused. */
export function windowAttributes(node: OnnxNode, kernel: readonly number[]) {
  const autoPad = (node.attributes.auto_pad as { value: string } | undefined)?.value ?? 'NOTSET';
  if (autoPad !== 'NOTSET' && autoPad !== 'VALID')
    throw new UnsupportedFeatureError(
      'onnx',
      `auto_pad ${autoPad} in ${node.opType} node "${node.name}"`,
      'export with explicit pads',
    );
  const window = {
    kernel: [...kernel],
    strides: intsAttribute(node, 'strides') ?? kernel.map(() => 1),
    pads: intsAttribute(node, 'pads') ?? [...kernel.map(() => 0), ...kernel.map(() => 0)],
    dilations: intsAttribute(node, 'dilations') ?? kernel.map(() => 1),
    ceil: intAttribute(node, 'ceil_mode', 0) === 1,
  };
  // A malformed window reaches ONNX Runtime's kernels unchecked (a zero stride, a kernel_shape that
  // disagrees with W): refuse it here, naming the node, before any session is made.
  const bad = (what: string) => {
    throw new InvalidInputError('model', `${node.opType} node "${node.name}": ${what}`);
  };
  const rank = kernel.length;
  if (rank === 0 || kernel.some((size) => !Number.isInteger(size) || size < 1))
    bad(`kernel [${kernel.join(', ')}] must be integers >= 1`);
  const check = (name: string, values: readonly number[], length: number, minimum: number) => {
    if (values.length !== length || values.some((value) => !Number.isInteger(value) || value < minimum))
      bad(`${name} [${values.join(', ')}] must be ${length} integers >= ${minimum} for a ${rank}-D window`);
  };
  check('strides', window.strides, rank, 1);
  check('dilations', window.dilations, rank, 1);
  check('pads', window.pads, 2 * rank, 0);
  if (
    (node.opType === 'MaxPool' || node.opType === 'AveragePool') &&
    window.pads.some((pad, index) => pad >= (kernel[index % rank] as number))
  )
    bad(`pads [${window.pads.join(', ')}] must be smaller than the kernel [${kernel.join(', ')}]`);
  const declared = intsAttribute(node, 'kernel_shape');
  if (declared && (declared.length !== rank || declared.some((size, axis) => size !== kernel[axis])))
    bad(`kernel_shape [${declared.join(', ')}] disagrees with the weight's window [${kernel.join(', ')}]`);
  return window;
}

/** The sizes of a Split's outputs: the `split` input, the num_outputs attribute or an even split. */
export function splitSizes(node: OnnxNode, context: ShapeContext, total: number): number[] {
  const given = context.statics[1]?.values ?? intsAttribute(node, 'split');
  if (given) return [...given];
  const parts = intAttribute(node, 'num_outputs', node.outputs.length);
  const size = Math.ceil(total / parts);
  return Array.from({ length: parts }, (_, index) => Math.min(size, total - index * size));
}

/** Per-axis start, step and element count of a Slice with constant starts/ends/axes/steps (ONNX clamping rules). */
export function sliceRanges(node: OnnxNode, context: ShapeContext) {
  const input = context.shapes[0] ?? [];
  const read = (index: number) => {
    if (!node.inputs[index]) return null;
    const value = context.statics[index];
    if (!value)
      throw new UnsupportedFeatureError(
        'onnx',
        `Slice node "${node.name}" with computed bounds`,
        'starts, ends, axes and steps must be constants',
      );
    return value.values;
  };
  const starts = read(1) ?? [];
  const ends = read(2) ?? [];
  const axes = (read(3) ?? starts.map((_, index) => index)).map((axis) => normalizeAxis(axis, input.length));
  const steps = read(4) ?? starts.map(() => 1);
  return axes.map((axis, index) => {
    const size = input[axis] as number;
    const step = steps[index] as number;
    const clamp = (value: number, low: number, high: number) =>
      Math.min(Math.max(value < 0 ? value + size : value, low), high);
    const start = step > 0 ? clamp(starts[index] as number, 0, size) : clamp(starts[index] as number, -1, size - 1);
    const end = step > 0 ? clamp(ends[index] as number, 0, size) : clamp(ends[index] as number, -1, size - 1);
    const count = Math.max(0, Math.ceil((end - start) / step));
    return { axis, start, end, step, count, size };
  });
}
