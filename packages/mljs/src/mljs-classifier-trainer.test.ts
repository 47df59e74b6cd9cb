import { describe, expect, it } from 'vitest';
import { createSeededRandom } from '@weightspec/core';
import { createMljsClassifierTrainer } from './mljs-classifier-trainer.ts';
import { trainWeightedLogisticRegression } from './mljs-weighted-training.ts';

/** 9000 rows (more than one 8192-row predict chunk) of two features; label = which feature is larger. */
function table() {
  const rows = Array.from({ length: 9000 }, (_, row) => [Math.sin(row), Math.cos(row * 1.3)]);
  const labels = rows.map(([first, second]) => ((first as number) > (second as number) ? 1 : 0));
  return { rows, labels };
}

describe('createMljsClassifierTrainer with a dense feature matrix', () => {
  it('declares denseFeatures and trains and predicts exactly as with rows of numbers', async () => {
    // The rows form is the reference: it is the path checked against ml-logistic-regression itself
    // (mljs-weighted-training.test.ts). float64 values hold the rows' numbers exactly, so every
    // coefficient and prediction must be identical, not merely close.
    const { rows, labels } = table();
    const dense = { values: Float64Array.from(rows.flat()), rows: rows.length, columns: 2 };
    const trainer = createMljsClassifierTrainer({ defaultLearningRate: 1e-4 });
    expect(trainer.denseFeatures).toBe(true);
    const request = { labels, numClasses: 2, spec: null, epochs: 5, batchSize: 32, seed: 1 };
    const fromRows = await trainer.train({ ...request, features: rows });
    const fromDense = await trainer.train({ ...request, features: dense, labels: Int32Array.from(labels) });
    const rowsPredicted = await fromRows.predict(rows);
    expect(await fromDense.predict(dense)).toEqual(rowsPredicted);
    expect(await fromRows.predict(dense)).toEqual(rowsPredicted);
    // The model learned the rule on most rows (a sanity floor, not a tuned number: 5 full-batch steps).
    const correct = rowsPredicted.filter((label, row) => label === labels[row]).length;
    expect(correct / labels.length).toBeGreaterThan(0.6);
  });

  // Reference: ml-logistic-regression's own predict on rows (through WeightedLogisticRegression.predict,
  // which appends the intercept column); predictDense must pick the same class for every row.
  for (const intercept of [true, false])
    it(`predictDense gives ml.js's classes on 4 classes (intercept ${intercept})`, () => {
      const random = createSeededRandom(intercept ? 31 : 32);
      const rows = Array.from({ length: 500 }, () => [random() * 4 - 2, random() * 4 - 2, random() * 4 - 2]);
      const labels = rows.map(([first, second]) => ((first as number) > 0 ? 2 : 0) + ((second as number) > 0 ? 1 : 0));
      const model = trainWeightedLogisticRegression(rows, labels, { numSteps: 40, learningRate: 0.01, intercept });
      const values = Float32Array.from(rows.flat());
      const asFloat32Rows = Array.from({ length: rows.length }, (_, row) =>
        Array.from(values.subarray(row * 3, row * 3 + 3)),
      );
      const expected = model.predict(asFloat32Rows);
      expect(new Set(expected).size).toBe(4);
      expect(model.predictDense(values, rows.length, 3)).toEqual(expected);
      expect(() => model.predictDense(values, rows.length / 2, 6)).toThrow(/has 6 columns; the model takes 3 features/);
    });

  it('rejects a dense matrix whose values do not fill rows x columns, naming the field', async () => {
    const trainer = createMljsClassifierTrainer();
    const thrown = await trainer
      .train({
        features: { values: new Float32Array(5), rows: 3, columns: 2 },
        labels: [0, 1, 0],
        numClasses: 2,
        spec: null,
        epochs: 1,
        batchSize: 1,
        seed: 1,
      })
      .catch((error: unknown) => error);
    expect((thrown as Error).message).toMatch(/X\.values: has 5 values, expected rows x columns = 3 x 2 = 6/);
  });
});
