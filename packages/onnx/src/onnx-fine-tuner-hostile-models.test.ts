import { readFileSync } from 'node:fs';
import { InvalidInputError } from '@weightspec/core';
import { describe, expect, it } from 'vitest';
import { createOnnxFineTuner } from './onnx-fine-tuner.ts';
import { attribute, OnnxGraphBuilder } from './onnx-graph-builder.ts';
import { decodeOnnxModel } from './onnx-model-decoder.ts';
import { encodeOnnxModel, type OnnxAttribute, type OnnxModel, type OnnxNode } from './onnx-model-proto.ts';

// Malformed models for the fine-tuner: each must be a WS_INVALID_INPUT naming what is wrong, before
// ONNX Runtime sees the graph. Before these checks, a Conv whose kernel_shape disagreed with its weight
// crashed the whole process inside ONNX Runtime, a zero input size threw a raw RangeError, and a value
// written by two nodes trained silently.
const fixture = (name: string) => new URL(`../test-fixtures/finetune/${name}`, import.meta.url);
const gapCnn = decodeOnnxModel(readFileSync(fixture('gap-cnn.onnx'))); // x [batch, 3, 8, 8] -> Conv 6@3x3 pad 1 ...
const data = JSON.parse(readFileSync(fixture('gap-cnn.json'), 'utf8')) as { features: number[][]; labels: number[] };
const firstConv = gapCnn.nodes.findIndex((node) => node.opType === 'Conv');

/** gap-cnn with the first Conv's attributes changed. */
const withConvAttributes = (attributes: Record<string, OnnxAttribute>): OnnxModel => ({
  ...gapCnn,
  nodes: gapCnn.nodes.map((node, index) =>
    index === firstConv ? { ...node, attributes: { ...node.attributes, ...attributes } } : node,
  ),
});
const withNodes = (nodes: OnnxNode[]): OnnxModel => ({ ...gapCnn, nodes });

/** Creates a fine-tuner and takes one step (graphs are built at the first step). */
async function stepOn(model: OnnxModel) {
  const tuner = await createOnnxFineTuner({ model: encodeOnnxModel(model) });
  try {
    return await tuner.step({ features: data.features.slice(0, 2), targets: data.labels.slice(0, 2) });
  } finally {
    await tuner.release();
  }
}

describe('fine-tuner on malformed models', () => {
  const ints = (value: number[]): OnnxAttribute => ({ type: 'ints', value });
  const cases: [string, OnnxModel, RegExp][] = [
    [
      'a Conv kernel_shape that disagrees with its weight (ONNX Runtime read past W)',
      withConvAttributes({ kernel_shape: ints([7, 7]) }),
      /Conv node "\/conv1\/Conv": kernel_shape \[7, 7\] disagrees with the weight's window \[3, 3\]/,
    ],
    ['a zero stride', withConvAttributes({ strides: ints([0, 0]) }), /strides \[0, 0\] must be 2 integers >= 1/],
    [
      'negative pads',
      withConvAttributes({ pads: ints([-5, -5, -5, -5]) }),
      /pads \[-5, -5, -5, -5\] must be 4 integers >= 0/,
    ],
    [
      'a dilated window wider than its padded input',
      withConvAttributes({ dilations: ints([10, 10]) }),
      /a \[3, 3\] window .*dilations \[10, 10\]\) does not fit input \[1, 3, 8, 8\]/,
    ],
    [
      'a group that does not divide the channels',
      withConvAttributes({ group: { type: 'int', value: 2 } }),
      /X has 3 channels and W is \[6, 3, 3, 3\] with group 2/,
    ],
    [
      'a Gemm whose operands do not multiply',
      withNodes(
        gapCnn.nodes.map((node) =>
          node.opType === 'Gemm'
            ? { ...node, attributes: { ...node.attributes, transB: { type: 'int', value: 0 } } }
            : node,
        ),
      ),
      /Gemm node "\/fc\/Gemm": A \[1, 4\] and B \[3, 4\] do not multiply/,
    ],
    [
      'a value written by two nodes',
      withNodes([...gapCnn.nodes, { ...(gapCnn.nodes.at(-1) as OnnxNode), name: 'again' }]),
      /value "logits" is written by node "\/fc\/Gemm" \(Gemm\) and by node "again"/,
    ],
    ['no graph outputs', { ...gapCnn, outputs: [] }, /the graph has no outputs/],
    [
      'an input size of 0',
      { ...gapCnn, inputs: gapCnn.inputs.map((input) => ({ ...input, shape: ['batch', 0, 8, 8] })) },
      /input x declares size 0 at axis 1/,
    ],
    [
      'an input of 3 x 100000 x 100000 values per row',
      { ...gapCnn, inputs: gapCnn.inputs.map((input) => ({ ...input, shape: ['batch', 3, 100000, 100000] })) },
      /input x takes 30000000000 values per row .* at most 134217728/,
    ],
  ];
  for (const [what, model, message] of cases)
    it(`refuses ${what}`, async () => {
      const attempt = stepOn(model);
      await expect(attempt).rejects.toBeInstanceOf(InvalidInputError);
      await expect(attempt).rejects.toThrow(message);
    });

  it('still trains the unchanged model (the checks pass a valid graph)', async () => {
    expect(Number.isFinite(await stepOn(gapCnn))).toBe(true);
  });
});

/** x [N, 4] -> `layer` -> Gemm (3 outputs): a small model around one op under test. */
function around(layer: (b: OnnxGraphBuilder, x: string) => string): OnnxModel {
  const b = new OnnxGraphBuilder('around');
  const x = b.input('x', 'float', ['N', 4]);
  const weight = b.constant(new Array(12).fill(0.1), [3, 4], 'float', 'w');
  b.node('Gemm', [layer(b, x), weight], { transB: attribute.int(1) }, { shape: ['N', 3], output: 'logits' });
  b.output('logits', 'float', ['N', 3]);
  return b.build();
}

describe('fine-tuner on ops ONNX Runtime itself rejects', () => {
  const int64s = (b: OnnxGraphBuilder, values: number[]) => b.constant(values, [values.length], 'int64');
  const step = async (model: OnnxModel) => {
    const tuner = await createOnnxFineTuner({ model: encodeOnnxModel(model) });
    try {
      return await tuner.step({ features: [[1, 2, 3, 4]], targets: [0] });
    } finally {
      await tuner.release();
    }
  };
  const cases: [string, OnnxModel, RegExp][] = [
    [
      'a Softmax axis past the rank (ONNX Runtime shape inference, wrapped)',
      around((b, x) => b.node('Softmax', [x], { axis: attribute.int(7) }, { shape: ['N', 4] })),
      /model: ONNX Runtime rejects the step graph made from this model: .*Softmax.*'axis' must be in/,
    ],
    [
      'a Gather index past the table (a failure while running, wrapped)',
      around((b, x) => b.node('Gather', [x, int64s(b, [0, 1, 2, 9])], { axis: attribute.int(1) }, { shape: ['N', 4] })),
      /model: ONNX Runtime could not run the step graph made from this model: .*Gather.*out of data bounds/,
    ],
    [
      'a Squeeze of an axis of size 4',
      around((b, x) => b.node('Squeeze', [x, int64s(b, [1])], {}, { shape: ['N', 4] })),
      /Squeeze node "node_Squeeze_\d+" removes axes \[1\] of \[1, 4\]; each must exist and have size 1/,
    ],
    [
      'a Dropout ratio of 2',
      around((b, x) => b.node('Dropout', [x, b.constant([2], [], 'float')], {}, { shape: ['N', 4] })),
      /Dropout node "node_Dropout_\d+" has ratio 2; ONNX takes \[0, 1\)/,
    ],
  ];
  for (const [what, model, message] of cases)
    it(`refuses ${what} as a typed error`, async () => {
      const attempt = step(model);
      await expect(attempt).rejects.toBeInstanceOf(InvalidInputError);
      await expect(attempt).rejects.toThrow(message);
    });
});
