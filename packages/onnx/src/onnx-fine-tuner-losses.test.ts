import { readFileSync } from 'node:fs';
import { prepareWeightingComputation, referenceWeightedLoss } from '@weightspec/core';
import { describe, expect, it } from 'vitest';
import { createOnnxFineTuner } from './onnx-fine-tuner.ts';
import { decodeOnnxModel } from './onnx-model-decoder.ts';
import { encodeOnnxModel } from './onnx-model-proto.ts';

// LeNet has no BatchNorm or Dropout, so its training-mode forward equals `predict`.
const lenet = readFileSync(new URL('../test-fixtures/finetune/lenet.onnx', import.meta.url));
const data = JSON.parse(readFileSync(new URL('../test-fixtures/finetune/lenet.json', import.meta.url), 'utf8')) as {
  features: number[][];
};
const sampleWeights = [1, 0.5, 2, 1.5, 1, 0.25, 1, 3];

/** LeNet with a Softmax appended: the output holds probabilities. */
function withSoftmax(): Uint8Array {
  const model = decodeOnnxModel(lenet);
  const nodes = model.nodes.map((node) => ({
    ...node,
    outputs: node.outputs.map((name) => (name === 'logits' ? 'scores' : name)),
  }));
  nodes.push({
    opType: 'Softmax',
    inputs: ['scores'],
    outputs: ['probabilities'],
    name: 'softmax',
    attributes: { axis: { type: 'int', value: 1 } },
  });
  return encodeOnnxModel({
    ...model,
    nodes,
    outputs: [{ name: 'probabilities', dataType: 'float', shape: ['batch', 3] }],
  });
}

const cases: [string, Uint8Array, unknown, (number | number[])[]][] = [
  [
    'softmax CE from probabilities, label smoothing, balanced',
    withSoftmax(),
    {
      specVersion: 1,
      loss: { kind: 'softmax_cross_entropy', from: 'probabilities', labelSmoothing: 0.1 },
      class: { strategy: 'balanced' },
    },
    [0, 1, 2, 1, 0, 2, 1, 0],
  ],
  [
    'sigmoid CE from logits with focal',
    lenet,
    { specVersion: 1, loss: { kind: 'sigmoid_cross_entropy' }, adaptive: [{ kind: 'focal', gamma: 2, alpha: 0.25 }] },
    Array.from({ length: 8 }, (_, row) => [row % 2, (row >> 1) % 2, 1]),
  ],
  [
    'mse regression, mean reduction',
    lenet,
    { specVersion: 1, loss: { kind: 'mse' }, reduction: { kind: 'mean' } },
    Array.from({ length: 8 }, (_, row) => [row * 0.1, -0.2, 0.3 - row * 0.05]),
  ],
];

describe('the fine-tuner attaches every row-wise SPEC loss', () => {
  it.each(cases)(
    '%s: the step loss equals the float64 reference on the model outputs',
    async (_name, model, spec, targets) => {
      const tuner = await createOnnxFineTuner({ model, spec });
      const predictions = await tuner.predict(data.features);
      const computation = prepareWeightingComputation(spec, {
        predictions,
        targets: targets as number[],
        sampleWeights,
      });
      const expected = referenceWeightedLoss(computation.spec, computation.scheduled, computation.batch).loss;
      const { loss } = await tuner.gradients({ features: data.features, targets: targets as number[], sampleWeights });
      expect(Math.abs(loss - expected) / Math.abs(expected)).toBeLessThan(1e-5);
      await tuner.release();
    },
  );
});
