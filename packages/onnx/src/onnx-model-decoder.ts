import { InvalidInputError, UnsupportedFeatureError } from '@weightspec/core';
import type {
  OnnxAttribute,
  OnnxDataTypeName,
  OnnxModel,
  OnnxNode,
  OnnxTensor,
  OnnxValueInfo,
} from './onnx-model-proto.ts';
import {
  bytesOf,
  doubleValues,
  floatValues,
  int64Values,
  type ProtobufField,
  ProtobufReader,
  utf8,
  varintNumber,
} from './onnx-protobuf-reader.ts';

/** Lowest and highest default-domain opset the decoder accepts (axes became inputs in opset 13). */
export const SUPPORTED_OPSETS = Object.freeze({ min: 13, max: 21 });
/** Lowest and highest ONNX IR version the decoder accepts (IR 3 added opset imports; 11 is ONNX 1.18). */
export const SUPPORTED_IR_VERSIONS = Object.freeze({ min: 3, max: 11 });

const dataTypeByCode: Readonly<Record<number, OnnxDataTypeName>> = {
  1: 'float',
  6: 'int32',
  7: 'int64',
  9: 'bool',
  11: 'double',
};
const dataTypeNames: Readonly<Record<number, string>> = {
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  8: 'string',
  10: 'float16',
  12: 'uint32',
  13: 'uint64',
  16: 'bfloat16',
};

const group = (fields: readonly ProtobufField[], field: number) => fields.filter((item) => item.field === field);
const last = (fields: readonly ProtobufField[], field: number) => group(fields, field).at(-1)?.value;

function dataTypeOf(code: number, context: string): OnnxDataTypeName {
  const name = dataTypeByCode[code];
  if (name) return name;
  throw new UnsupportedFeatureError(
    'onnx',
    `${context} of type ${dataTypeNames[code] ?? `code ${code}`}`,
    'the decoder reads float, double, int32, int64 and bool tensors',
  );
}

/** Decodes a TensorProto: raw_data or the typed repeated fields; external data is an error. */
function decodeTensor(bytes: Uint8Array, context: string): OnnxTensor {
  const fields = new ProtobufReader(bytes, context).fields();
  const name = utf8(last(fields, 8) ?? new Uint8Array());
  const label = `${context} (${name || 'unnamed'})`;
  if (varintNumber(last(fields, 14) ?? 0n) === 1 || group(fields, 13).length > 0)
    throw new UnsupportedFeatureError(
      'onnx',
      `external data in ${label}`,
      'load the model with its weights inside the .onnx file (save it without external data)',
    );
  const dims = int64Values(group(fields, 1), label);
  const dataType = dataTypeOf(varintNumber(last(fields, 2) ?? 0n), label);
  const count = dims.reduce((product, size) => product * size, 1);
  const raw = last(fields, 9);
  let data: OnnxTensor['data'];
  if (raw !== undefined) {
    const source = bytesOf(raw);
    const copy = new Uint8Array(source.byteLength);
    copy.set(source);
    data =
      dataType === 'float'
        ? new Float32Array(copy.buffer)
        : dataType === 'double'
          ? new Float64Array(copy.buffer)
          : dataType === 'int32'
            ? new Int32Array(copy.buffer)
            : dataType === 'int64'
              ? new BigInt64Array(copy.buffer)
              : copy;
  } else if (dataType === 'float') data = Float32Array.from(floatValues(group(fields, 4)));
  else if (dataType === 'double') data = Float64Array.from(doubleValues(group(fields, 10)));
  else if (dataType === 'int64')
    data = BigInt64Array.from(int64Values(group(fields, 7), label), (value) => BigInt(value));
  else if (dataType === 'int32') data = Int32Array.from(int64Values(group(fields, 5), label));
  else data = Uint8Array.from(int64Values(group(fields, 5), label));
  if (data.length !== count)
    throw new InvalidInputError(label, `holds ${data.length} values, its dims [${dims.join(', ')}] need ${count}`);
  return { name, dataType, dims, data };
}

function decodeAttribute(bytes: Uint8Array, context: string): [string, OnnxAttribute] {
  const fields = new ProtobufReader(bytes, context).fields();
  const name = utf8(last(fields, 1) ?? new Uint8Array());
  const type = varintNumber(last(fields, 20) ?? 0n);
  const label = `${context}.${name}`;
  switch (type) {
    case 1:
      return [name, { type: 'float', value: floatValues(group(fields, 2))[0] ?? 0 }];
    case 2:
      return [name, { type: 'int', value: varintNumber(last(fields, 3) ?? 0n) }];
    case 3:
      return [name, { type: 'string', value: utf8(last(fields, 4) ?? new Uint8Array()) }];
    case 4:
      return [name, { type: 'tensor', value: decodeTensor(bytesOf(last(fields, 5) ?? new Uint8Array()), label) }];
    case 6:
      return [name, { type: 'floats', value: floatValues(group(fields, 7)) }];
    case 7:
      return [name, { type: 'ints', value: int64Values(group(fields, 8), label) }];
    default:
      throw new UnsupportedFeatureError(
        'onnx',
        `attribute ${label} of type code ${type}`,
        'graphs, strings lists, sparse tensors and type protos as attributes are not read',
      );
  }
}

function decodeNode(bytes: Uint8Array, context: string): OnnxNode {
  const fields = new ProtobufReader(bytes, context).fields();
  const name = utf8(last(fields, 3) ?? new Uint8Array());
  const opType = utf8(last(fields, 4) ?? new Uint8Array());
  const label = `${context} (${opType} ${name})`;
  const domain = utf8(last(fields, 7) ?? new Uint8Array());
  return {
    opType,
    name,
    inputs: group(fields, 1).map((field) => utf8(field.value)),
    outputs: group(fields, 2).map((field) => utf8(field.value)),
    attributes: Object.fromEntries(group(fields, 5).map((field) => decodeAttribute(bytesOf(field.value), label))),
    ...(domain ? { domain } : {}),
  };
}

function decodeValueInfo(bytes: Uint8Array, context: string): OnnxValueInfo {
  const fields = new ProtobufReader(bytes, context).fields();
  const name = utf8(last(fields, 1) ?? new Uint8Array());
  const typeFields = new ProtobufReader(
    bytesOf(last(fields, 2) ?? new Uint8Array()),
    `${context} (${name}).type`,
  ).fields();
  const tensorBytes = last(typeFields, 1);
  if (tensorBytes === undefined)
    throw new UnsupportedFeatureError(
      'onnx',
      `${context} (${name})`,
      'only tensor-typed graph inputs and outputs are read',
    );
  const tensorFields = new ProtobufReader(bytesOf(tensorBytes), `${context} (${name}).type`).fields();
  const dataType = dataTypeOf(varintNumber(last(tensorFields, 1) ?? 0n), `${context} (${name})`);
  const shapeBytes = last(tensorFields, 2);
  const shape =
    shapeBytes === undefined
      ? []
      : new ProtobufReader(bytesOf(shapeBytes), `${context} (${name}).shape`).fields().map((dim, index) => {
          const dimFields = new ProtobufReader(bytesOf(dim.value), `${context} (${name}).shape`).fields();
          const value = last(dimFields, 1);
          const parameter = last(dimFields, 2);
          return value !== undefined
            ? varintNumber(value)
            : parameter !== undefined
              ? utf8(parameter)
              : `${name}_dim${index}`;
        });
  return { name, dataType, shape };
}

/**
 * Decodes ONNX ModelProto bytes (a `.onnx` file) into an OnnxModel, the inverse of encodeOnnxModel.
 * Field numbers follow onnx.proto. Checks the IR version and the default-domain opset against
 * SUPPORTED_IR_VERSIONS and SUPPORTED_OPSETS; a model importing another domain, with external
 * data or with subgraph attributes is an UnsupportedFeatureError naming what and where.
 */
export function decodeOnnxModel(bytes: Uint8Array): OnnxModel {
  if (!(bytes instanceof Uint8Array) || bytes.length === 0)
    throw new InvalidInputError(
      'model',
      `expected the bytes of a .onnx file, got ${bytes instanceof Uint8Array ? 'no bytes' : typeof bytes}`,
    );
  const fields = new ProtobufReader(bytes, 'model').fields();
  const irVersion = varintNumber(last(fields, 1) ?? 0n);
  if (irVersion < SUPPORTED_IR_VERSIONS.min || irVersion > SUPPORTED_IR_VERSIONS.max)
    throw new UnsupportedFeatureError(
      'onnx',
      `IR version ${irVersion}`,
      `the decoder reads IR versions ${SUPPORTED_IR_VERSIONS.min} to ${SUPPORTED_IR_VERSIONS.max}`,
    );
  let opsetVersion: number | null = null;
  for (const opset of group(fields, 8)) {
    const opsetFields = new ProtobufReader(bytesOf(opset.value), 'model.opset_import').fields();
    const domain = utf8(last(opsetFields, 1) ?? new Uint8Array());
    const version = varintNumber(last(opsetFields, 2) ?? 0n);
    if (domain === '' || domain === 'ai.onnx') opsetVersion = version;
    else if (domain !== 'ai.onnx.ml')
      throw new UnsupportedFeatureError(
        'onnx',
        `opset domain "${domain}" (version ${version})`,
        'only the default ONNX domain is supported',
      );
  }
  if (opsetVersion === null) throw new InvalidInputError('model.opset_import', 'imports no default-domain opset');
  if (opsetVersion < SUPPORTED_OPSETS.min || opsetVersion > SUPPORTED_OPSETS.max)
    throw new UnsupportedFeatureError(
      'onnx',
      `opset ${opsetVersion}`,
      `export with an opset from ${SUPPORTED_OPSETS.min} to ${SUPPORTED_OPSETS.max} (torch.onnx.export(..., opset_version=17))`,
    );
  const graphBytes = last(fields, 7);
  if (graphBytes === undefined) throw new InvalidInputError('model.graph', 'is missing');
  const graph = new ProtobufReader(bytesOf(graphBytes), 'model.graph').fields();
  if (group(graph, 15).length > 0)
    throw new UnsupportedFeatureError('onnx', 'sparse initializers', 'store the initializers as dense tensors');
  const nodes = group(graph, 1).map((field, index) => decodeNode(bytesOf(field.value), `model.graph.node[${index}]`));
  for (const node of nodes)
    if (node.domain && node.domain !== 'ai.onnx')
      throw new UnsupportedFeatureError(
        'onnx',
        `op ${node.domain}.${node.opType} (node ${node.name})`,
        'only default-domain ops are supported',
      );
  const producer = last(fields, 2);
  return {
    graphName: utf8(last(graph, 2) ?? new Uint8Array()),
    nodes,
    initializers: group(graph, 5).map((field, index) =>
      decodeTensor(bytesOf(field.value), `model.graph.initializer[${index}]`),
    ),
    inputs: group(graph, 11).map((field, index) =>
      decodeValueInfo(bytesOf(field.value), `model.graph.input[${index}]`),
    ),
    outputs: group(graph, 12).map((field, index) =>
      decodeValueInfo(bytesOf(field.value), `model.graph.output[${index}]`),
    ),
    opsetVersion,
    irVersion,
    ...(producer !== undefined ? { producerName: utf8(producer) } : {}),
  };
}

/**
 * Throws UnsupportedFeatureError naming the first node (op type and node name) whose op is not in
 * `supported`; `purpose` says what the ops are needed for (e.g. "fine-tuning").
 */
export function checkSupportedOps(model: OnnxModel, supported: ReadonlySet<string>, purpose: string): void {
  const unsupported = model.nodes.filter((node) => !supported.has(node.opType));
  if (unsupported.length === 0) return;
  const first = unsupported[0] as OnnxNode;
  const others = [...new Set(unsupported.map((node) => node.opType))].filter((op) => op !== first.opType);
  throw new UnsupportedFeatureError(
    'onnx',
    `op ${first.opType} (node "${first.name}")`,
    `${purpose} supports ${[...supported].sort().join(', ')}${others.length > 0 ? `; also unsupported here: ${others.join(', ')}` : ''}`,
  );
}

/**
 * Checks that every value of the graph is assigned once (ONNX's static single assignment): no node
 * output named like a graph input, an initializer or another node's output, and at least one graph
 * output. A value written twice would otherwise train on whichever write the lowering saw last.
 */
export function checkSingleAssignment(model: OnnxModel): void {
  if (model.outputs.length === 0) throw new InvalidInputError('model', 'the graph has no outputs');
  const declared = new Map<string, string>();
  for (const input of model.inputs) declared.set(input.name, `graph input ${input.name}`);
  for (const tensor of model.initializers) declared.set(tensor.name, `initializer ${tensor.name}`);
  const writer = new Map<string, string>();
  for (const node of model.nodes)
    for (const output of node.outputs) {
      if (output === '') continue;
      const earlier = writer.get(output);
      if (earlier !== undefined)
        throw new InvalidInputError(
          'model',
          `value "${output}" is written by ${earlier} and by node "${node.name}" (${node.opType}); ONNX graphs assign each value once`,
        );
      const source = declared.get(output);
      if (source !== undefined)
        throw new InvalidInputError(
          'model',
          `node "${node.name}" (${node.opType}) writes "${output}", which is already the ${source}`,
        );
      writer.set(output, `node "${node.name}" (${node.opType})`);
    }
}
