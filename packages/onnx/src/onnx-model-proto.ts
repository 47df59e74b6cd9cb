import { ProtobufWriter } from './onnx-protobuf-writer.ts';

/** ONNX TensorProto.DataType values this package uses. */
export const OnnxDataType = Object.freeze({ float: 1, int32: 6, int64: 7, bool: 9, double: 11 } as const);
/** A data type name. */
export type OnnxDataTypeName = keyof typeof OnnxDataType;

/** A typed attribute; floats are marked explicitly so 1 and 1.0 cannot be confused. */
export type OnnxAttribute =
  | { readonly type: 'float'; readonly value: number }
  | { readonly type: 'int'; readonly value: number }
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'floats'; readonly value: readonly number[] }
  | { readonly type: 'ints'; readonly value: readonly number[] }
  | { readonly type: 'tensor'; readonly value: OnnxTensor };

/** A constant tensor (initializer or Constant value), stored little-endian in raw_data. */
export interface OnnxTensor {
  readonly name: string;
  readonly dataType: OnnxDataTypeName;
  readonly dims: readonly number[];
  readonly data: Float32Array | Int32Array | BigInt64Array | Uint8Array | Float64Array;
}

/** One node of a graph. */
export interface OnnxNode {
  readonly opType: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly name: string;
  readonly attributes: Readonly<Record<string, OnnxAttribute>>;
  readonly domain?: string;
}

/** A graph input or output: name, element type and shape (strings are symbolic dimensions). */
export interface OnnxValueInfo {
  readonly name: string;
  readonly dataType: OnnxDataTypeName;
  readonly shape: readonly (number | string)[];
}

/** A whole model: opset 17 and IR version 8 by default. */
export interface OnnxModel {
  readonly graphName: string;
  readonly nodes: readonly OnnxNode[];
  readonly initializers: readonly OnnxTensor[];
  readonly inputs: readonly OnnxValueInfo[];
  readonly outputs: readonly OnnxValueInfo[];
  readonly opsetVersion?: number;
  readonly irVersion?: number;
  readonly producerName?: string;
}

const attributeTypeCode = { float: 1, int: 2, string: 3, tensor: 4, floats: 6, ints: 7 } as const;

function writeTensor(writer: ProtobufWriter, tensor: OnnxTensor): void {
  writer.packedInts(1, tensor.dims);
  writer.int(2, OnnxDataType[tensor.dataType]);
  writer.string(8, tensor.name);
  writer.bytes(9, new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength));
}

function writeAttribute(writer: ProtobufWriter, name: string, attribute: OnnxAttribute): void {
  writer.string(1, name);
  switch (attribute.type) {
    case 'float':
      writer.float(2, attribute.value);
      break;
    case 'int':
      writer.int(3, attribute.value);
      break;
    case 'string':
      writer.string(4, attribute.value);
      break;
    case 'tensor':
      writer.message(5, (inner) => writeTensor(inner, attribute.value));
      break;
    case 'floats':
      writer.packedFloats(7, attribute.value);
      break;
    case 'ints':
      writer.packedInts(8, attribute.value);
      break;
  }
  writer.int(20, attributeTypeCode[attribute.type]);
}

function writeValueInfo(writer: ProtobufWriter, info: OnnxValueInfo): void {
  writer.string(1, info.name);
  writer.message(2, (type) =>
    type.message(1, (tensorType) => {
      tensorType.int(1, OnnxDataType[info.dataType]);
      tensorType.message(2, (shape) => {
        for (const dimension of info.shape)
          shape.message(1, (dim) => (typeof dimension === 'number' ? dim.int(1, dimension) : dim.string(2, dimension)));
      });
    }),
  );
}

/**
 * Encodes a model as ONNX ModelProto bytes (the `.onnx` file format). Field numbers follow
 * onnx.proto: ModelProto ir_version 1, graph 7, opset_import 8; GraphProto node 1, name 2,
 * initializer 5, input 11, output 12; NodeProto input 1, output 2, name 3, op_type 4, attribute 5.
 */
export function encodeOnnxModel(model: OnnxModel): Uint8Array {
  const writer = new ProtobufWriter();
  writer.int(1, model.irVersion ?? 8);
  writer.string(2, model.producerName ?? 'weightspec');
  writer.message(7, (graph) => {
    for (const node of model.nodes)
      graph.message(1, (nodeWriter) => {
        for (const input of node.inputs) nodeWriter.string(1, input);
        for (const output of node.outputs) nodeWriter.string(2, output);
        nodeWriter.string(3, node.name);
        nodeWriter.string(4, node.opType);
        for (const [name, attribute] of Object.entries(node.attributes))
          nodeWriter.message(5, (inner) => writeAttribute(inner, name, attribute));
        if (node.domain) nodeWriter.string(7, node.domain);
      });
    graph.string(2, model.graphName);
    for (const initializer of model.initializers) graph.message(5, (inner) => writeTensor(inner, initializer));
    for (const input of model.inputs) graph.message(11, (inner) => writeValueInfo(inner, input));
    for (const output of model.outputs) graph.message(12, (inner) => writeValueInfo(inner, output));
  });
  writer.message(8, (opset) => opset.string(1, '').int(2, model.opsetVersion ?? 17));
  return writer.finish();
}
