import { readFileSync } from 'node:fs';
import { UnsupportedFeatureError, InvalidInputError } from '@weightspec/core';
import { describe, expect, it } from 'vitest';
import { buildTrainingStepGraph } from './onnx-training-step.ts';
import { parseWeightingSpec, resolveSchedules, resolveWeighting } from '@weightspec/core';
import { checkSupportedOps, decodeOnnxModel } from './onnx-model-decoder.ts';
import { encodeOnnxModel } from './onnx-model-proto.ts';
import { ProtobufWriter } from './onnx-protobuf-writer.ts';
import { attribute, OnnxGraphBuilder } from './onnx-graph-builder.ts';

function trainingStepBytes(): Uint8Array {
  const spec = parseWeightingSpec({
    specVersion: 1,
    loss: { kind: 'softmax_cross_entropy' },
    adaptive: [{ kind: 'focal', gamma: 2 }],
  });
  const scheduled = resolveSchedules(spec, resolveWeighting(spec, { numClasses: 3 }), { epoch: 0, step: 0 });
  return encodeOnnxModel(buildTrainingStepGraph(spec, scheduled, [4, 5, 3], { kind: 'adam' }).build());
}

describe('decodeOnnxModel', () => {
  it('inverts encodeOnnxModel: encode -> decode -> encode gives the same bytes', () => {
    const bytes = trainingStepBytes();
    const model = decodeOnnxModel(bytes);
    expect(encodeOnnxModel(model)).toEqual(bytes);
    expect(model.opsetVersion).toBe(17);
    expect(model.irVersion).toBe(8);
    expect(model.inputs.map((input) => input.name)).toContain('theta');
  });

  it('keeps every attribute type and tensor type', () => {
    const builder = new OnnxGraphBuilder('attributes');
    const x = builder.input('x', 'float', ['N', 2]);
    const y = builder.node('LeakyRelu', [x], { alpha: attribute.float(0.25) }, { shape: ['N', 2] });
    const z = builder.node('Transpose', [y], { perm: attribute.ints([1, 0]) }, { shape: [2, 'N'] });
    builder.node(
      'Identity',
      [builder.constant([1, 2], [2], 'int64')],
      {},
      { output: 'ints', shape: [2], type: 'int64' },
    );
    builder.node(
      'Identity',
      [builder.constant([1.5], [1], 'double')],
      {},
      { output: 'doubles', shape: [1], type: 'double' },
    );
    builder.node(
      'Cast',
      [z],
      { to: attribute.int(11), note: attribute.string('é'), values: attribute.floats([0.5, -2]) },
      { output: 'cast', type: 'double' },
    );
    for (const name of ['ints', 'doubles', 'cast']) builder.output(name);
    const bytes = encodeOnnxModel(builder.build());
    const model = decodeOnnxModel(bytes);
    expect(encodeOnnxModel(model)).toEqual(bytes);
    const cast = model.nodes.find((node) => node.opType === 'Cast');
    expect(cast?.attributes).toEqual({
      to: { type: 'int', value: 11 },
      note: { type: 'string', value: 'é' },
      values: { type: 'floats', value: [0.5, -2] },
    });
    expect(model.inputs[0]?.shape).toEqual(['N', 2]);
  });

  it('reads tensors stored in the typed fields (float_data, int64_data) as well as raw_data', () => {
    const writer = new ProtobufWriter();
    writer.int(1, 8);
    writer.message(7, (graph) => {
      graph.message(5, (tensor) => tensor.packedInts(1, [2]).int(2, 1).packedFloats(4, [1.5, -2]).string(8, 'floats'));
      graph.message(5, (tensor) => tensor.packedInts(1, [3]).int(2, 7).packedInts(7, [4, -1, 9]).string(8, 'ints'));
    });
    writer.message(8, (opset) => opset.string(1, '').int(2, 17));
    const [floats, ints] = decodeOnnxModel(writer.finish()).initializers;
    expect(Array.from(floats?.data as Float32Array)).toEqual([1.5, -2]);
    expect(Array.from(ints?.data as BigInt64Array)).toEqual([4n, -1n, 9n]);
  });

  it('refuses external data with a typed error', () => {
    const writer = new ProtobufWriter();
    writer.int(1, 8);
    writer.message(7, (graph) =>
      graph.message(5, (tensor) => {
        tensor.packedInts(1, [2]).int(2, 1).string(8, 'weight');
        tensor.message(13, (entry) => entry.string(1, 'location').string(2, 'weights.bin'));
        tensor.int(14, 1);
      }),
    );
    writer.message(8, (opset) => opset.string(1, '').int(2, 17));
    expect(() => decodeOnnxModel(writer.finish())).toThrow(UnsupportedFeatureError);
    expect(() => decodeOnnxModel(writer.finish())).toThrow(/external data in model.graph.initializer\[0\] \(weight\)/);
  });

  it('checks the opset and IR versions and truncated bytes', () => {
    const opset = (version: number, ir = 8) => {
      const writer = new ProtobufWriter();
      writer.int(1, ir);
      writer.message(7, (graph) => graph.string(2, 'g'));
      writer.message(8, (inner) => inner.string(1, '').int(2, version));
      return writer.finish();
    };
    expect(() => decodeOnnxModel(opset(9))).toThrow(/opset 9/);
    expect(() => decodeOnnxModel(opset(17, 2))).toThrow(/IR version 2/);
    expect(decodeOnnxModel(opset(17)).nodes).toEqual([]);
    const bytes = trainingStepBytes();
    expect(() => decodeOnnxModel(bytes.subarray(0, bytes.length - 3))).toThrow(InvalidInputError);
  });

  it('names the op and node of anything unsupported', () => {
    const model = decodeOnnxModel(trainingStepBytes());
    expect(() => checkSupportedOps(model, new Set(['Add']), 'fine-tuning')).toThrow(/op \w+ \(node "node_\w+_\d+"\)/);
  });
});

describe('decodeOnnxModel on PyTorch exports', () => {
  it.each(['mlp-batchnorm-dropout', 'lenet', 'gap-cnn', 'transformer', 'encoder-layer'])(
    'decodes %s.onnx (torch.onnx.export, training mode)',
    (name) => {
      const bytes = readFileSync(new URL(`../test-fixtures/finetune/${name}.onnx`, import.meta.url));
      const model = decodeOnnxModel(bytes);
      expect(model.opsetVersion).toBe(17);
      expect(model.inputs[0]?.name).toBe('x');
      expect(model.outputs[0]?.name).toBe('logits');
      // Values the export script chose: the batch axis is dynamic and named `batch`.
      expect(model.inputs[0]?.shape[0]).toBe('batch');
      const again = encodeOnnxModel(model);
      expect(encodeOnnxModel(decodeOnnxModel(again))).toEqual(again);
      expect(decodeOnnxModel(again)).toEqual({ ...model, producerName: model.producerName });
    },
  );
});
