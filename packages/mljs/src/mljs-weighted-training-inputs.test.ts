import fc from 'fast-check';
import type { Matrix } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import {
  HAND_PICKED_SEVEN_ROWS,
  WeightspecError,
  copyHandPickedProblem,
  countClasses,
  decodeLabels,
} from '@weightspec/core';
import { createMljsClassifierTrainer } from './mljs-classifier-trainer.ts';
import { trainWeightedLogisticRegression } from './mljs-weighted-training.ts';

const { features, labels } = copyHandPickedProblem(HAND_PICKED_SEVEN_ROWS);
const invalidInput = { code: 'WS_INVALID_INPUT' };
const coefficientsOf = (model: { classifiers: { weights: Matrix | null }[] }) =>
  model.classifiers.flatMap((classifier) => (classifier.weights as Matrix).to1DArray());

describe('trainWeightedLogisticRegression at its boundary', () => {
  it('names options and an onProgress that are not an object and a function (a raw TypeError mid-training before)', () => {
    expect(() => trainWeightedLogisticRegression(features, labels, { numSteps: 5, onProgress: 5 } as never)).toThrow(
      expect.objectContaining({ ...invalidInput, message: 'onProgress: must be a function, got 5' }),
    );
    expect(() => trainWeightedLogisticRegression(features, labels, [] as never)).toThrow(
      expect.objectContaining({
        ...invalidInput,
        message: 'options: must be an options object, got an array of length 0',
      }),
    );
  });

  it('rejects hostile numbers with typed errors naming the field', () => {
    const spec = { specVersion: 1, loss: { kind: 'sigmoid_cross_entropy' }, sample: {} } as const;
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, -1])
      expect(() =>
        trainWeightedLogisticRegression(features, labels, { spec, sampleWeights: [1, 1, bad, 1, 1, 1, 1] }),
      ).toThrow(expect.objectContaining({ ...invalidInput, message: expect.stringMatching(/sampleWeights\[2\]/) }));
    for (const bad of [7, -1, 1.5])
      expect(() =>
        trainWeightedLogisticRegression(features, [0, 1, bad, 1, 0, 2, 0], {
          numClasses: 3,
          stats: countClasses(labels, 3),
        }),
      ).toThrow(expect.objectContaining({ ...invalidInput, message: expect.stringMatching(/y\[2\]/) }));
    // Int32Array labels with numClasses are range-checked in place (not copied): same typed error.
    for (const bad of [7, -1])
      expect(() =>
        trainWeightedLogisticRegression(features, Int32Array.from([0, 1, bad, 1, 0, 2, 0]), { numClasses: 3 }),
      ).toThrow(expect.objectContaining({ ...invalidInput, message: expect.stringMatching(/y\[2\]/) }));
    expect(() => trainWeightedLogisticRegression(features, labels, { numSteps: 5, progressEvery: 0 })).toThrow(
      expect.objectContaining({ ...invalidInput, message: expect.stringMatching(/progressEvery/) }),
    );
    expect(() => trainWeightedLogisticRegression(features, labels, { numClasses: 1 })).toThrow(
      expect.objectContaining(invalidInput),
    );
    // Finite but huge: the summed gradient overflows, so the model is refused instead of holding NaN.
    expect(() =>
      trainWeightedLogisticRegression(
        features.map((row) => row.map((value) => value * 1e307)),
        labels,
        { numSteps: 3, learningRate: 1 },
      ),
    ).toThrow(expect.objectContaining({ ...invalidInput, message: expect.stringMatching(/training/) }));
  });

  it('zeroDenominator "error" stops a step whose weights are all 0, on the fast and the general path', () => {
    for (const adaptive of [[], [{ kind: 'focal', gamma: 1 }]] as const)
      expect(() =>
        trainWeightedLogisticRegression(features, labels, {
          spec: {
            specVersion: 1,
            loss: { kind: 'sigmoid_cross_entropy' },
            sample: {},
            adaptive,
            reduction: { kind: 'weighted_mean', zeroDenominator: 'error' },
          },
          sampleWeights: labels.map(() => 0),
          numSteps: 3,
        }),
      ).toThrow(expect.objectContaining({ code: 'WS_ZERO_DENOMINATOR' }));
  });

  it('takes string labels with a class list: the same model as their indices, predictions decode to labels', () => {
    const classes = ['rain', 'sun', 'fog'];
    const named = labels.map((label) => classes[label] as string);
    const options = { numSteps: 50, learningRate: 0.05, intercept: true };
    const byName = trainWeightedLogisticRegression(features, named, { ...options, classes });
    const byIndex = trainWeightedLogisticRegression(features, labels, options);
    expect(coefficientsOf(byName)).toEqual(coefficientsOf(byIndex));
    expect(decodeLabels(byName.predict(features), classes)).toEqual(
      byIndex.predict(features).map((index) => classes[index]),
    );
    expect(() => trainWeightedLogisticRegression(features, [...named.slice(1), 'snow'], { classes })).toThrow(
      expect.objectContaining({ ...invalidInput, message: expect.stringMatching(/labels\[6\]/) }),
    );
  });

  it('the classifier trainer takes string labels and answers with labels (withClassLabels)', async () => {
    const classes = ['rain', 'sun', 'fog'];
    const trainer = createMljsClassifierTrainer();
    const request = { features, spec: null, epochs: 30, batchSize: 7, seed: 0, learningRate: 0.05 };
    const byName = await trainer.train({
      ...request,
      labels: labels.map((label) => classes[label] as string),
      classes,
    });
    const byIndex = await trainer.train({ ...request, labels, numClasses: 3 });
    expect(byName.classes).toEqual(classes);
    expect(await byName.predictLabels(features)).toEqual(
      (await byIndex.predict(features)).map((index) => classes[index]),
    );
  });

  it('property: any features, labels, weights and scalars give finite coefficients or a WeightspecError', () => {
    const adversarial = fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -0, 1e-320, 1e308, -1e308, 1e39, -3);
    const plain = fc.oneof({ weight: 12, arbitrary: fc.double({ min: -3, max: 3, noNaN: true }) }, adversarial);
    const run = fc.integer({ min: 0, max: 6 }).chain((count) =>
      fc.record({
        rows: fc.oneof(
          {
            weight: 6,
            arbitrary: fc.array(fc.array(plain, { minLength: 2, maxLength: 2 }), {
              minLength: count,
              maxLength: count,
            }),
          },
          fc.array(fc.array(adversarial, { maxLength: 3 }), { maxLength: 4 }),
        ),
        classes: fc.array(fc.oneof({ weight: 12, arbitrary: fc.integer({ min: 0, max: 2 }) }, adversarial), {
          minLength: count,
          maxLength: count,
        }),
        sampleWeights: fc.option(
          fc.array(fc.oneof({ weight: 8, arbitrary: fc.double({ min: 0, max: 3, noNaN: true }) }, adversarial), {
            minLength: count,
            maxLength: count + 1,
          }),
        ),
        learningRate: fc.oneof({ weight: 6, arbitrary: fc.double({ min: 1e-3, max: 1, noNaN: true }) }, adversarial),
        focal: fc.boolean(),
      }),
    );
    let trained = 0;
    fc.assert(
      fc.property(run, ({ rows, classes, sampleWeights, learningRate, focal }) => {
        try {
          const model = trainWeightedLogisticRegression(rows, classes, {
            spec: {
              specVersion: 1,
              loss: { kind: 'sigmoid_cross_entropy' },
              sample: {},
              adaptive: focal ? [{ kind: 'focal' }] : [],
            },
            sampleWeights,
            learningRate,
            numSteps: 20,
            intercept: true,
          });
          expect(coefficientsOf(model).every(Number.isFinite)).toBe(true);
          trained += 1;
        } catch (error) {
          if (!WeightspecError.isInstance(error)) throw error;
        }
      }),
      { numRuns: 200, seed: 9 },
    );
    expect(trained).toBeGreaterThan(20);
  });
});
