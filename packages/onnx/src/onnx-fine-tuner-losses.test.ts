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

describe('dense outputs (SPEC v1.1: one class per pixel)', () => {
  // A 3-class segmentation head: Conv 1 -> 3 channels, 3x3, pads 1, on 4x4 images: output [N, 3, 4, 4].
  const segmentation = (() => {
    const weight = Float32Array.from({ length: 27 }, (_, index) => Math.sin(index * 1.7) * 0.5);
    return encodeOnnxModel({
      graphName: 'segmentation',
      nodes: [
        {
          opType: 'Conv',
          inputs: ['x', 'w', 'b'],
          outputs: ['y'],
          name: 'conv',
          attributes: { pads: { type: 'ints', value: [1, 1, 1, 1] } },
        },
      ],
      initializers: [
        { name: 'w', dataType: 'float', dims: [3, 1, 3, 3], data: weight },
        { name: 'b', dataType: 'float', dims: [3], data: Float32Array.of(0.1, -0.2, 0.05) },
      ],
      inputs: [{ name: 'x', dataType: 'float', shape: ['N', 1, 4, 4] }],
      outputs: [{ name: 'y', dataType: 'float', shape: ['N', 3, 4, 4] }],
      opsetVersion: 17,
    });
  })();
  const images = Array.from({ length: 3 }, (_, sample) =>
    Array.from({ length: 16 }, (_, pixel) => Math.cos(sample * 16 + pixel)),
  );
  // Pixel labels; 255 marks ignored pixels (SPEC elements.maskValue).
  const labels = images.map((image, sample) =>
    image.map((value, pixel) => (pixel === sample ? 255 : value > 0.3 ? 2 : value < -0.3 ? 0 : 1)),
  );
  const spec = {
    specVersion: 1,
    loss: { kind: 'softmax_cross_entropy' },
    class: { strategy: 'balanced' },
    elements: { maskValue: 255, weights: Array.from({ length: 16 }, (_, pixel) => 1 + (pixel % 4) / 4) },
    adaptive: [{ kind: 'focal', gamma: 1.5 }],
  };

  it('weights every pixel: the loss equals the float64 reference on [N, H, W, C] predictions', async () => {
    const tuner = await createOnnxFineTuner({ model: segmentation, spec });
    const outputs = await tuner.predict(images);
    // Channels-first [C, H, W] per sample to the SPEC's channels-last [H, W, C].
    const predictions = outputs.map((flat) =>
      Array.from({ length: 4 }, (_, row) =>
        Array.from({ length: 4 }, (_, column) =>
          [0, 1, 2].map((label) => flat[label * 16 + row * 4 + column] as number),
        ),
      ),
    );
    const targets = labels.map((flat) => Array.from({ length: 4 }, (_, row) => flat.slice(row * 4, row * 4 + 4)));
    const computation = prepareWeightingComputation(spec, { predictions, targets, sampleWeights: [1, 2, 0.5] });
    const expected = referenceWeightedLoss(computation.spec, computation.scheduled, computation.batch).loss;
    const { loss } = await tuner.gradients({ features: images, targets: labels, sampleWeights: [1, 2, 0.5] });
    expect(Math.abs(loss - expected) / Math.abs(expected)).toBeLessThan(1e-5);
    const { accuracy } = await tuner.evaluate(images, labels);
    expect(accuracy).not.toBeNull();
    await tuner.release();
  });

  it('takes per-pixel weights given with the data', async () => {
    const plainSpec = { specVersion: 1, loss: { kind: 'softmax_cross_entropy' }, elements: { maskValue: 255 } };
    const tuner = await createOnnxFineTuner({ model: segmentation, spec: plainSpec });
    const outputs = await tuner.predict(images);
    const predictions = outputs.map((flat) =>
      Array.from({ length: 4 }, (_, row) =>
        Array.from({ length: 4 }, (_, column) =>
          [0, 1, 2].map((label) => flat[label * 16 + row * 4 + column] as number),
        ),
      ),
    );
    const targets = labels.map((flat) => Array.from({ length: 4 }, (_, row) => flat.slice(row * 4, row * 4 + 4)));
    const elementWeights = images.map((_, sample) =>
      Array.from({ length: 16 }, (_, pixel) => ((sample + pixel) % 3) / 2),
    );
    const computation = prepareWeightingComputation(plainSpec, { predictions, targets, elementWeights });
    const expected = referenceWeightedLoss(computation.spec, computation.scheduled, computation.batch).loss;
    const { loss } = await tuner.gradients({ features: images, targets: labels, elementWeights });
    expect(Math.abs(loss - expected) / Math.abs(expected)).toBeLessThan(1e-5);
    await tuner.release();
  });

  it('checks elements.weights against the pixels per sample', async () => {
    await expect(
      createOnnxFineTuner({ model: segmentation, spec: { ...spec, elements: { weights: [1, 2] } } }).then((tuner) =>
        tuner.step({ features: images, targets: labels }),
      ),
    ).rejects.toThrow(/E = 16/);
  });
});
