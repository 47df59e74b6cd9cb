import { createSeededRandom } from '@weightspec/core';
import { describe, expect, it } from 'vitest';
import { predictClassesInChunks } from './onnx-chunked-prediction.ts';
import { loadOnnxRuntime } from './onnx-runtime-loader.ts';
import { createOnnxTrainer } from './onnx-trainer.ts';
import { packLayers } from './onnx-training-step.ts';

const ort = await loadOnnxRuntime();
const inputs = 3;
const hidden = 6;
const classes = 4;

/**
 * Independent float64 forward pass of the packed MLP (each layer: kernel [in, out] row-major, then
 * bias [out]; ReLU between layers); softmax keeps the argmax, so the logits' argmax is the class.
 */
function referenceClasses(theta: Float32Array, values: Float32Array, rows: number) {
  const { layers } = packLayers([inputs, hidden, classes]);
  const predicted: number[] = [];
  let smallestMargin = Number.POSITIVE_INFINITY;
  for (let row = 0; row < rows; row += 1) {
    let activations = Array.from(values.subarray(row * inputs, (row + 1) * inputs));
    layers.forEach((layer, index) => {
      activations = Array.from({ length: layer.outputs }, (_, output) => {
        let sum = theta[layer.offset + layer.inputs * layer.outputs + output] as number;
        for (let input = 0; input < layer.inputs; input += 1)
          sum += (activations[input] as number) * (theta[layer.offset + input * layer.outputs + output] as number);
        return index < layers.length - 1 ? Math.max(0, sum) : sum;
      });
    });
    const best = activations.indexOf(Math.max(...activations));
    smallestMargin = Math.min(
      smallestMargin,
      (activations[best] as number) - Math.max(...activations.filter((_, index) => index !== best)),
    );
    predicted.push(best);
  }
  return { classes: predicted, smallestMargin };
}

describe('predictClassesInChunks', () => {
  it('gives every row the class of a float64 forward pass of the trained parameters, whatever the chunk size', async () => {
    const random = createSeededRandom(23);
    const rows = 50;
    const values = Float32Array.from({ length: rows * inputs }, () => random() * 4 - 2);
    const labels = Int32Array.from({ length: rows }, (_, row) => row % classes);
    const trainer = await createOnnxTrainer({
      ort,
      inputSize: inputs,
      numClasses: classes,
      hiddenUnits: [hidden],
      seed: 4,
    });
    await trainer.fit({ values, rows, columns: inputs }, labels, { epochs: 3, batchSize: 16 });
    await trainer.release();
    const expected = referenceClasses(trainer.parameters(), values, rows);
    // float32 rounding cannot reorder the top two classes when they are this far apart.
    expect(expected.smallestMargin).toBeGreaterThan(1e-4);
    expect(new Set(expected.classes).size).toBeGreaterThan(1);
    const model = trainer.exportInferenceModel();
    // 7 and 16 leave a short last chunk; 50 and 1000 are one chunk; 1 scores row by row.
    for (const chunkRows of [1, 7, 16, 50, 1000]) {
      const predicted = await predictClassesInChunks(
        ort,
        model,
        { values, rows, columns: inputs },
        {
          numClasses: classes,
          chunkRows,
        },
      );
      expect(Array.from(predicted)).toEqual(expected.classes);
    }
    // Float64 rows are cast to float32 on the way in, as the rows path does.
    const fromFloat64 = await predictClassesInChunks(
      ort,
      model,
      { values: Float64Array.from(values), rows, columns: inputs },
      {
        numClasses: classes,
        chunkRows: 7,
      },
    );
    expect(Array.from(fromFloat64)).toEqual(expected.classes);
  });

  it('gives -1 to a row whose probabilities hold NaN (the CLI rejects it instead of scoring it)', async () => {
    const trainer = await createOnnxTrainer({ ort, inputSize: 1, numClasses: 2, hiddenUnits: [], seed: 1 });
    const model = trainer.exportInferenceModel();
    const predicted = await predictClassesInChunks(
      ort,
      model,
      { values: Float32Array.of(0, Number.NaN, 1), rows: 3, columns: 1 },
      {
        numClasses: 2,
        chunkRows: 2,
      },
    );
    expect(predicted[1]).toBe(-1);
    expect(predicted[0]).not.toBe(-1);
    expect(predicted[2]).not.toBe(-1);
  });
});
