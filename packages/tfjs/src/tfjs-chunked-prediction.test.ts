import { createSeededRandom } from '@weightspec/core';
import { describe, expect, it } from 'vitest';
import { predictClassesInChunks } from './tfjs-chunked-prediction.ts';
import { cpuTfjs } from './tfjs-test-support.ts';

const inputs = 3;
const hidden = 4;
const classes = 5;
const rows = 11;

/** Seeded weights and rows in [-1, 1): kernel [inputs, hidden], biases, output kernel [hidden, classes]. */
function fixture() {
  const random = createSeededRandom(17);
  const draw = (length: number) => Float32Array.from({ length }, () => random() * 2 - 1);
  return {
    kernel1: draw(inputs * hidden),
    bias1: draw(hidden),
    kernel2: draw(hidden * classes),
    bias2: draw(classes),
    values: draw(rows * inputs),
  };
}

/** Independent float64 forward pass: relu(x W1 + b1) W2 + b2 (softmax keeps the argmax), first index on ties. */
function referenceClasses(data: ReturnType<typeof fixture>): { classes: number[]; smallestMargin: number } {
  const predicted: number[] = [];
  let smallestMargin = Number.POSITIVE_INFINITY;
  for (let row = 0; row < rows; row += 1) {
    const activations = Array.from({ length: hidden }, (_, unit) => {
      let sum = data.bias1[unit] as number;
      for (let input = 0; input < inputs; input += 1)
        sum += (data.values[row * inputs + input] as number) * (data.kernel1[input * hidden + unit] as number);
      return Math.max(0, sum);
    });
    const scores = Array.from({ length: classes }, (_, output) => {
      let sum = data.bias2[output] as number;
      for (let unit = 0; unit < hidden; unit += 1)
        sum += (activations[unit] as number) * (data.kernel2[unit * classes + output] as number);
      return sum;
    });
    const best = scores.indexOf(Math.max(...scores));
    const runnerUp = Math.max(...scores.filter((_, index) => index !== best));
    smallestMargin = Math.min(smallestMargin, (scores[best] as number) - runnerUp);
    predicted.push(best);
  }
  return { classes: predicted, smallestMargin };
}

describe('predictClassesInChunks', () => {
  it('gives every row the class of a float64 forward pass, whatever the chunk size', async () => {
    const tf = await cpuTfjs();
    const data = fixture();
    const model = tf.sequential();
    model.add(tf.layers.dense({ units: hidden, activation: 'relu', inputShape: [inputs] }));
    model.add(tf.layers.dense({ units: classes, activation: 'softmax' }));
    model.setWeights([
      tf.tensor2d(data.kernel1, [inputs, hidden]),
      tf.tensor1d(data.bias1),
      tf.tensor2d(data.kernel2, [hidden, classes]),
      tf.tensor1d(data.bias2),
    ]);
    const expected = referenceClasses(data);
    // float32 rounding cannot reorder the top two classes when they are this far apart.
    expect(expected.smallestMargin).toBeGreaterThan(1e-4);
    const matrix = { values: data.values, rows, columns: inputs };
    const tensorsBefore = tf.memory().numTensors;
    // 3 and 4 leave a short last chunk; 11 and 64 are one chunk; 1 scores row by row.
    for (const chunkRows of [1, 3, 4, 11, 64])
      expect(Array.from(predictClassesInChunks(tf, model, matrix, chunkRows))).toEqual(expected.classes);
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    expect(new Set(expected.classes).size).toBeGreaterThan(1);
    model.dispose();
  });
});
