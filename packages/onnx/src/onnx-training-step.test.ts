import { describe, expect, it } from 'vitest';
import { prepareWeightingComputation, referenceWeightedLoss } from '@weightspec/core';
import { encodeOnnxModel } from './onnx-model-proto.ts';
import { loadOnnxRuntime } from './onnx-runtime-loader.ts';
import { buildTrainingStepGraph, packLayers } from './onnx-training-step.ts';

const ort = await loadOnnxRuntime();
const sizes = [3, 5, 4, 3];
const features = [
  [0.5, 1.2, -0.3],
  [1.5, -0.4, 0.8],
  [-1.1, 0.3, 0.9],
  [0.2, -1.3, 1.4],
  [1.8, 0.6, -1.2],
  [-0.7, -0.9, 0.1],
];
const labels = [0, 1, 2, 1, 0, 0];
const focalSpec = {
  specVersion: 1,
  loss: { kind: 'softmax_cross_entropy' },
  class: { strategy: 'balanced' },
  adaptive: [{ kind: 'focal', gamma: 2 }],
};
// No focal rule: the step graph takes its closed-form logits gradient.
const smoothedSpec = {
  specVersion: 1,
  loss: { kind: 'softmax_cross_entropy', labelSmoothing: 0.1 },
  class: { strategy: 'balanced' },
  sample: {},
};
const sampleWeights = [1, 2, 0.5, 0, 3, 0.25];

/**
 * The packed gradient of a ReLU MLP by float64 backpropagation written out here: forward pass, d loss /
 * d logits from core's float64 reference loss, then d kernel = a^T g, d bias = column sums of g and
 * g <- (g W^T) * [a > 0] layer by layer, packed like packLayers (kernel row-major, then bias).
 */
function referenceMlpGradient(
  spec: unknown,
  theta: Float32Array,
  weights?: number[],
): { gradient: Float64Array; loss: number } {
  const { layers, parameterCount } = packLayers(sizes);
  const activations: number[][][] = [features];
  for (const [index, layer] of layers.entries()) {
    const input = activations[index] as number[][];
    activations.push(
      input.map((row) =>
        Array.from({ length: layer.outputs }, (_, out) => {
          let sum = theta[layer.offset + layer.inputs * layer.outputs + out] as number;
          row.forEach((value, inp) => {
            sum += value * (theta[layer.offset + inp * layer.outputs + out] as number);
          });
          return index < layers.length - 1 ? Math.max(0, sum) : sum;
        }),
      ),
    );
  }
  const logits = activations.at(-1) as number[][];
  const computation = prepareWeightingComputation(spec, {
    predictions: logits,
    targets: labels,
    sampleWeights: weights,
  });
  const result = referenceWeightedLoss(computation.spec, computation.scheduled, computation.batch);
  const flatGradient = result.gradient as Float64Array;
  let g = logits.map((row, i) => row.map((_, k) => flatGradient[i * row.length + k] as number));
  const gradient = new Float64Array(parameterCount);
  for (let index = layers.length - 1; index >= 0; index -= 1) {
    const layer = layers[index] as (typeof layers)[number];
    const input = activations[index] as number[][];
    input.forEach((row, i) => {
      for (let out = 0; out < layer.outputs; out += 1) {
        const gi = (g[i] as number[])[out] as number;
        const biasIndex = layer.offset + layer.inputs * layer.outputs + out;
        gradient[biasIndex] = (gradient[biasIndex] as number) + gi;
        row.forEach((value, inp) => {
          const kernelIndex = layer.offset + inp * layer.outputs + out;
          gradient[kernelIndex] = (gradient[kernelIndex] as number) + value * gi;
        });
      }
    });
    g = input.map((row, i) =>
      row.map((value, inp) => {
        if (value <= 0) return 0;
        let sum = 0;
        for (let out = 0; out < layer.outputs; out += 1)
          sum += ((g[i] as number[])[out] as number) * (theta[layer.offset + inp * layer.outputs + out] as number);
        return sum;
      }),
    );
  }
  return { gradient, loss: result.loss as number };
}

describe('buildTrainingStepGraph', () => {
  it.each([
    ['balanced + focal loss (generic loss gradient)', focalSpec, undefined],
    ['balanced + label smoothing + sample weights (closed-form loss gradient)', smoothedSpec, sampleWeights],
  ])(
    'the hand-written MLP backward pass (two ReLU layers, %s) matches float64 backpropagation',
    async (_name, spec, weights) => {
      const { parameterCount } = packLayers(sizes);
      // A deterministic spread of parameters, both signs, so some ReLU units are off for some rows.
      const theta = Float32Array.from({ length: parameterCount }, (_, index) => Math.sin(index * 1.7 + 0.3) * 0.8);
      const computation = prepareWeightingComputation(spec, {
        predictions: features.map(() => [0, 0, 0]),
        targets: labels,
      });
      // SGD without momentum from m = 0: m_next is exactly the gradient.
      const graph = buildTrainingStepGraph(computation.spec, computation.scheduled, sizes, { kind: 'sgd' });
      const session = await ort.InferenceSession.create(encodeOnnxModel(graph.build()));
      const rows = features.length;
      const oneHot = new Float32Array(rows * 3);
      labels.forEach((label, row) => {
        oneHot[row * 3 + label] = 1;
      });
      const ones = new Float32Array(rows).fill(1);
      const result = await session.run({
        theta: new ort.Tensor('float32', theta, [parameterCount]),
        m: new ort.Tensor('float32', new Float32Array(parameterCount), [parameterCount]),
        x: new ort.Tensor('float32', Float32Array.from(features.flat()), [rows, 3]),
        targets: new ort.Tensor('float32', oneHot, [rows, 3]),
        rest: new ort.Tensor('float32', weights ? Float32Array.from(weights) : ones, [rows, 1]),
        keep: new ort.Tensor('float32', ones, [rows, 1]),
        learning_rate: new ort.Tensor('float32', Float32Array.of(0.1), []),
        step: new ort.Tensor('float32', Float32Array.of(1), []),
      });
      const expected = referenceMlpGradient(spec, theta, weights);
      const actual = result.m_next?.data as Float32Array;
      expect(actual.length).toBe(parameterCount);
      // Some entries are exactly zero (ReLU units off for every row); the rest must match to float32 accuracy.
      expect(expected.gradient.some((value) => value === 0)).toBe(true);
      expect(expected.gradient.filter((value) => Math.abs(value) > 1e-3).length).toBeGreaterThan(parameterCount / 2);
      expected.gradient.forEach((value, index) => {
        expect(actual[index] as number).toBeCloseTo(value, 5);
      });
      expect(result.loss?.data[0] as number).toBeCloseTo(expected.loss, 5);
      const thetaNext = result.theta_next?.data as Float32Array;
      thetaNext.forEach((value, index) => {
        expect(value).toBeCloseTo((theta[index] as number) - 0.1 * (expected.gradient[index] as number), 5);
      });
      await session.release();
    },
  );
});
