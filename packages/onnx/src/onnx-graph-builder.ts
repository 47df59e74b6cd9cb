import { OnnxDataType } from './onnx-model-proto.ts';
import type {
  OnnxAttribute,
  OnnxDataTypeName,
  OnnxModel,
  OnnxNode,
  OnnxTensor,
  OnnxValueInfo,
} from './onnx-model-proto.ts';

/** A static shape; a string is a symbolic dimension such as the batch size `N`. */
export type OnnxShape = readonly (number | string)[];

/** Attribute helpers: floats are marked explicitly (ONNX distinguishes 1 from 1.0). */
export const attribute = Object.freeze({
  float: (value: number): OnnxAttribute => ({ type: 'float', value }),
  int: (value: number): OnnxAttribute => ({ type: 'int', value }),
  ints: (value: readonly number[]): OnnxAttribute => ({ type: 'ints', value }),
  floats: (value: readonly number[]): OnnxAttribute => ({ type: 'floats', value }),
  string: (value: string): OnnxAttribute => ({ type: 'string', value }),
});

/** Numpy-style broadcast of two static shapes (symbolic dims broadcast against 1 or themselves). */
export function broadcastShapes(left: OnnxShape, right: OnnxShape): OnnxShape {
  const rank = Math.max(left.length, right.length);
  const result: (number | string)[] = [];
  for (let axis = 0; axis < rank; axis += 1) {
    const a = left[left.length - rank + axis] ?? 1;
    const b = right[right.length - rank + axis] ?? 1;
    result.push(a === 1 ? b : a);
  }
  return result;
}

const HEX_DIGITS = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/** The bytes as hex: an exact content key (node:crypto is not used so the package bundles for browsers). */
function hexBytes(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) text += HEX_DIGITS[byte];
  return text;
}

const elementwiseUnary = new Set([
  'Neg',
  'Exp',
  'Log',
  'Relu',
  'Sigmoid',
  'Softplus',
  'Abs',
  'Sign',
  'Sqrt',
  'Identity',
  'LogSoftmax',
  'Softmax',
  'Clip',
  'Not',
  'Reciprocal',
]);
const elementwiseBinary = new Set([
  'Add',
  'Sub',
  'Mul',
  'Div',
  'Pow',
  'Max',
  'Min',
  'Greater',
  'Less',
  'LessOrEqual',
  'GreaterOrEqual',
  'Equal',
]);
const booleanOutputs = new Set(['Greater', 'Less', 'LessOrEqual', 'GreaterOrEqual', 'Equal', 'Not']);

/**
 * Builds an ONNX graph while tracking each value's static shape and type (what reverse-mode
 * differentiation needs to undo broadcasting). Initializers with the same contents are stored once.
 */
export class OnnxGraphBuilder {
  readonly name: string;
  readonly nodes: OnnxNode[] = [];
  readonly #initializers = new Map<string, OnnxTensor>();
  readonly #initializerByContent = new Map<string, string>();
  readonly #inputs: OnnxValueInfo[] = [];
  readonly #outputs: OnnxValueInfo[] = [];
  readonly #shapes = new Map<string, OnnxShape>();
  readonly #types = new Map<string, OnnxDataTypeName>();
  #counter = 0;

  /** Starts an empty graph. */
  constructor(name: string) {
    this.name = name;
  }

  /** A fresh value name with a readable prefix. */
  fresh(prefix: string): string {
    this.#counter += 1;
    return `${prefix}_${this.#counter}`;
  }

  /** Declares a graph input. */
  input(name: string, dataType: OnnxDataTypeName, shape: OnnxShape): string {
    this.#inputs.push({ name, dataType, shape });
    this.#shapes.set(name, shape);
    this.#types.set(name, dataType);
    return name;
  }

  /** Declares a graph output. */
  output(name: string, dataType: OnnxDataTypeName = this.typeOf(name), shape: OnnxShape = this.shapeOf(name)): void {
    this.#outputs.push({ name, dataType, shape });
  }

  /** A constant tensor stored as an initializer; identical contents share one initializer. */
  constant(
    values: ArrayLike<number> | number,
    dims: readonly number[] = typeof values === 'number' ? [] : [values.length],
    dataType: OnnxDataTypeName = 'float',
    name?: string,
  ): string {
    const list = typeof values === 'number' ? [values] : Array.from(values);
    const data =
      dataType === 'int64'
        ? BigInt64Array.from(list.map((value) => BigInt(value)))
        : dataType === 'int32'
          ? Int32Array.from(list)
          : dataType === 'double'
            ? Float64Array.from(list)
            : Float32Array.from(list);
    const key = `${dataType}|${dims.join(',')}|${hexBytes(new Uint8Array(data.buffer))}`;
    const existing = this.#initializerByContent.get(key);
    if (existing && name === undefined) return existing;
    const tensorName = name ?? this.fresh('const');
    this.#initializers.set(tensorName, { name: tensorName, dataType, dims, data });
    this.#initializerByContent.set(key, tensorName);
    this.#shapes.set(tensorName, dims);
    this.#types.set(tensorName, dataType);
    return tensorName;
  }

  /** A scalar constant of the same element type as `like` (float or double graphs alike). */
  scalarLike(like: string, value: number): string {
    return this.constant(value, [], this.typeOf(like));
  }

  /** A Cast of a boolean (or other) value to the element type of `like`. */
  castLike(value: string, like: string): string {
    const type = this.typeOf(like);
    return this.node('Cast', [value], { to: attribute.int(OnnxDataType[type]) }, { type, shape: this.shapeOf(value) });
  }

  /** The values of a constant made with `constant`, or null for any other value. */
  constantValues(name: string): number[] | null {
    const tensor = this.#initializers.get(name);
    return tensor ? Array.from(tensor.data as ArrayLike<number | bigint>, (value) => Number(value)) : null;
  }

  /** The static shape of a value. */
  shapeOf(name: string): OnnxShape {
    const shape = this.#shapes.get(name);
    if (!shape) throw new Error(`unknown value ${name}`);
    return shape;
  }

  /** The element type of a value. */
  typeOf(name: string): OnnxDataTypeName {
    return this.#types.get(name) ?? 'float';
  }

  /**
   * Adds a node and returns its (first) output name. `shape` overrides the inferred output shape
   * (needed for Reshape, Expand, Transpose and the like).
   */
  node(
    opType: string,
    inputs: readonly string[],
    attributes: Record<string, OnnxAttribute> = {},
    options: { shape?: OnnxShape; type?: OnnxDataTypeName; output?: string } = {},
  ): string {
    const output = options.output ?? this.fresh(opType.toLowerCase());
    this.nodes.push({ opType, inputs: [...inputs], outputs: [output], name: this.fresh(`node_${opType}`), attributes });
    this.#shapes.set(output, options.shape ?? this.#inferShape(opType, inputs, attributes));
    this.#types.set(
      output,
      options.type ??
        (booleanOutputs.has(opType)
          ? 'bool'
          : opType === 'Cast'
            ? 'float'
            : this.typeOf(inputs[opType === 'Where' ? 1 : 0] as string)),
    );
    return output;
  }

  #inferShape(opType: string, inputs: readonly string[], attributes: Record<string, OnnxAttribute>): OnnxShape {
    const first = this.shapeOf(inputs[0] as string);
    if (elementwiseUnary.has(opType) || opType === 'Cast') return first;
    if (elementwiseBinary.has(opType)) return broadcastShapes(first, this.shapeOf(inputs[1] as string));
    if (opType === 'Where')
      return broadcastShapes(
        first,
        broadcastShapes(this.shapeOf(inputs[1] as string), this.shapeOf(inputs[2] as string)),
      );
    if (opType === 'MatMul')
      return [first[0] as number | string, this.shapeOf(inputs[1] as string)[1] as number | string];
    if (opType === 'ReduceSum' || opType === 'ReduceMean') {
      const axesName = inputs[1];
      const keep = (attributes.keepdims as { value: number } | undefined)?.value ?? 1;
      if (axesName === undefined) return keep ? first.map(() => 1) : [];
      const initializer = this.#initializers.get(axesName);
      const axes = Array.from((initializer?.data ?? []) as ArrayLike<number | bigint>, (value) => Number(value)).map(
        (axis) => (axis < 0 ? axis + first.length : axis),
      );
      return keep
        ? first.map((size, axis) => (axes.includes(axis) ? 1 : size))
        : first.filter((_, axis) => !axes.includes(axis));
    }
    if (opType === 'Transpose') return [...first].reverse();
    throw new Error(`no shape rule for ${opType}; pass options.shape`);
  }

  /** The model, ready for encodeOnnxModel; initializers no node or output reads are left out. */
  build(options: { opsetVersion?: number; irVersion?: number } = {}): OnnxModel {
    const used = new Set([...this.nodes.flatMap((node) => node.inputs), ...this.#outputs.map((output) => output.name)]);
    return {
      graphName: this.name,
      nodes: this.nodes,
      initializers: [...this.#initializers.values()].filter((initializer) => used.has(initializer.name)),
      inputs: this.#inputs,
      outputs: this.#outputs,
      opsetVersion: options.opsetVersion ?? 17,
      irVersion: options.irVersion ?? 8,
    };
  }
}
