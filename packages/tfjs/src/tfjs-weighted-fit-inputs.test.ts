import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  HAND_PICKED_SIX_ROWS,
  WeightspecError,
  copyHandPickedProblem,
  countClasses,
  parseWeightingSpec,
} from '@weightspec/core';
import type { LayersModel, Tensor } from '@tensorflow/tfjs';
import { createTfjsClassifierTrainer } from './tfjs-classifier-trainer.ts';
import { cpuTfjs } from './tfjs-test-support.ts';
import { fitWeighted } from './tfjs-weighted-fit.ts';

const tf = await cpuTfjs();
const { features, labels } = copyHandPickedProblem(HAND_PICKED_SIX_ROWS);
const kernel = HAND_PICKED_SIX_ROWS.kernel.map((row) => [...row]);
const spec = { specVersion: 1, loss: { kind: 'softmax_cross_entropy' } } as const;
const invalidInput = { code: 'WS_INVALID_INPUT' };

function denseModel(units = 3, activation: 'linear' | 'softmax' | 'sigmoid' = 'linear'): LayersModel {
  const model = tf.sequential();
  const weights = units === 3 ? [tf.tensor2d(kernel)] : undefined;
  model.add(tf.layers.dense({ units, inputShape: [3], useBias: false, activation, weights }));
  return model;
}
const weightsOf = (model: LayersModel) => model.getWeights().map((weight) => Array.from((weight as Tensor).dataSync()));

describe('fitWeighted rejects hostile input with typed errors', () => {
  it('checks x, labels (with stats too), weights within float32, and a one-class softmax model', async () => {
    const x = tf.tensor2d(features);
    const y = tf.tensor1d(labels);
    const nanX = tf.tensor2d(features.map((row, index) => (index === 3 ? [1, Number.POSITIVE_INFINITY, 0] : row)));
    await expect(fitWeighted(tf, denseModel(), nanX, y, { spec })).rejects.toMatchObject({
      ...invalidInput,
      message: expect.stringMatching(/x\[3\]/),
    });
    const stats = countClasses(labels, 3);
    for (const bad of [7, -1, 1.5])
      await expect(
        fitWeighted(tf, denseModel(), x, tf.tensor1d([0, 1, bad, 1, 0, 0]), { spec, stats }),
      ).rejects.toMatchObject({
        ...invalidInput,
        message: expect.stringMatching(/y\[2\]/),
      });
    await expect(
      fitWeighted(tf, denseModel(), x, y, { spec: { ...spec, sample: {} }, sampleWeights: [1, 1, 1e39, 1, 1, 1] }),
    ).rejects.toMatchObject({ ...invalidInput, message: expect.stringMatching(/sampleWeights\[2\].*float32/) });
    await expect(fitWeighted(tf, denseModel(1), x, tf.tensor1d([0, 0, 0, 0, 0, 0]), { spec })).rejects.toMatchObject({
      ...invalidInput,
      message: expect.stringMatching(/C >= 2/),
    });
    await expect(fitWeighted(tf, denseModel(), x, y, { spec, batchSize: 0 })).rejects.toMatchObject(invalidInput);
  });

  it('names options, callbacks and a model that are not what they should be (raw TypeErrors before)', async () => {
    const x = tf.tensor2d(features);
    const y = tf.tensor1d(labels);
    await expect(fitWeighted(tf, {} as never, x, y, { spec })).rejects.toMatchObject({
      ...invalidInput,
      message: 'model: must be a tf.LayersModel (tf.sequential() or tf.model()), got an object',
    });
    await expect(fitWeighted(tf, denseModel(), x, y, 'fast' as never)).rejects.toMatchObject({
      ...invalidInput,
      message: 'options: must be an options object, got "fast"',
    });
    await expect(
      fitWeighted(tf, denseModel(), x, y, { spec, callbacks: { onEpochEnd: 'log' } as never }),
    ).rejects.toMatchObject({ ...invalidInput, message: 'callbacks.onEpochEnd: must be a function, got "log"' });
    // The model was not touched by any refused call.
    const model = denseModel();
    const before = weightsOf(model);
    await expect(fitWeighted(tf, model, x, y, { spec, callbacks: { onBatchEnd: 1 } as never })).rejects.toThrow(
      /callbacks.onBatchEnd/,
    );
    expect(weightsOf(model)).toEqual(before);
  });

  it('a softmax last layer trained "from logits" is a typed error naming the fix, not a silent double softmax', async () => {
    const x = tf.tensor2d(features);
    await expect(fitWeighted(tf, denseModel(3, 'softmax'), x, tf.tensor1d(labels), { spec })).rejects.toMatchObject({
      ...invalidInput,
      message: expect.stringMatching(/from.*probabilities/),
    });
  });

  it('Keras-shaped inputs: one-hot targets train as class indices; no spec trains the unweighted loss', async () => {
    const x = tf.tensor2d(features);
    const train = async (y: Tensor, options: Parameters<typeof fitWeighted>[4], activation: 'linear' | 'softmax') => {
      const model = denseModel(3, activation);
      await fitWeighted(tf, model, x, y, { epochs: 2, batchSize: 3, optimizer: tf.train.sgd(0.1), ...options });
      return weightsOf(model);
    };
    const oneHot = tf.oneHot(tf.tensor1d(labels, 'int32'), 3).toFloat();
    expect(await train(oneHot, { spec }, 'linear')).toEqual(await train(tf.tensor1d(labels), { spec }, 'linear'));
    const probabilities = { specVersion: 1, loss: { kind: 'softmax_cross_entropy', from: 'probabilities' } } as const;
    const unweighted = await train(tf.tensor1d(labels), {}, 'softmax');
    expect(unweighted).toEqual(await train(tf.tensor1d(labels), { spec: probabilities }, 'softmax'));
    expect(unweighted[0]).not.toEqual(kernel.flat());
    await expect(
      fitWeighted(tf, denseModel(), x, tf.tensor2d(labels.map((label) => [label, 0, 0])), { spec }),
    ).rejects.toMatchObject(invalidInput);
  });

  it('string labels with a class list train as their indices; history.classes decodes predictions', async () => {
    const classes = ['rain', 'sun', 'fog'];
    const named = labels.map((label) => classes[label] as string);
    const byName = denseModel();
    const history = await fitWeighted(tf, byName, tf.tensor2d(features), named, { spec, classes, epochs: 2, seed: 3 });
    const byIndex = denseModel();
    await fitWeighted(tf, byIndex, tf.tensor2d(features), tf.tensor1d(labels), { spec, epochs: 2, seed: 3 });
    expect(history.classes).toEqual(classes);
    expect(weightsOf(byName)).toEqual(weightsOf(byIndex));
    await expect(
      fitWeighted(tf, denseModel(), tf.tensor2d(features), [...named.slice(1), 'snow'], { spec, classes }),
    ).rejects.toMatchObject({ ...invalidInput, message: expect.stringMatching(/labels\[5\]/) });
  });

  it('string labels with a sigmoid output become one-hot rows of the class list', async () => {
    const sigmoidSpec = { specVersion: 1, loss: { kind: 'sigmoid_cross_entropy' } } as const;
    const byName = denseModel();
    const named = labels.map((label) => ['a', 'b', 'c'][label] as string);
    await fitWeighted(tf, byName, tf.tensor2d(features), named, { spec: sigmoidSpec, epochs: 2, seed: 1 });
    const byOneHot = denseModel();
    const oneHot = tf.oneHot(tf.tensor1d(labels, 'int32'), 3).toFloat();
    await fitWeighted(tf, byOneHot, tf.tensor2d(features), oneHot, { spec: sigmoidSpec, epochs: 2, seed: 1 });
    expect(weightsOf(byName)).toEqual(weightsOf(byOneHot));
  });

  it('reports weighted validation accuracy: sum(w * correct) / sum(w) with w = sample weight x class weight', async () => {
    const model = denseModel();
    const x = tf.tensor2d(features);
    const y = tf.tensor1d(labels);
    const weights = [1, 0, 2, 1, 0.5, 3];
    const manual = [2, 1, 0.5];
    const history = await fitWeighted(tf, model, x, y, {
      spec: { ...spec, class: { strategy: 'manual', weights: manual } },
      optimizer: tf.train.sgd(0),
      validationData: [x, y, weights],
    });
    // Worked from the model's own predictions (learning rate 0: the kernel as given).
    const predicted = Array.from((tf.argMax(model.predict(x) as Tensor, -1) as Tensor).dataSync());
    const w = labels.map((label, index) => (weights[index] as number) * (manual[label] as number));
    const correct: number[] = labels.map((label, index) => (predicted[index] === label ? 1 : 0));
    const expected =
      w.reduce((sum, value, index) => sum + value * (correct[index] as number), 0) / w.reduce((a, b) => a + b, 0);
    expect(history.history.val_weighted_accuracy?.[0]).toBeCloseTo(expected, 6);
    expect(history.history.val_accuracy?.[0]).toBeCloseTo(correct.reduce((a, b) => a + b, 0) / 6, 6);
  });

  it('leaks no tensors: 30 calls without an optimizer and 10 classifier-trainer cycles', async () => {
    const x = tf.tensor2d(features);
    const y = tf.tensor1d(labels);
    const model = denseModel();
    const before = tf.memory().numTensors;
    for (let call = 0; call < 30; call += 1) await fitWeighted(tf, model, x, y, { spec, batchSize: 4 });
    expect(tf.memory().numTensors).toBe(before);
    // Calls that fail after making tensors (labels encoded, one-hot converted) leave none behind either.
    const oneHot = tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), 3).toFloat());
    const failing = before + 1;
    for (let call = 0; call < 5; call += 1) {
      await expect(
        fitWeighted(tf, model, x, ['a', 'b', 'c', 'a', 'b', 'z'], { spec, classes: ['a', 'b', 'c'] }),
      ).rejects.toThrow();
      await expect(fitWeighted(tf, model, x, oneHot, { spec, sampleWeights: [1, -1, 1, 1, 1, 1] })).rejects.toThrow();
      await expect(
        fitWeighted(tf, model, x, ['a', 'b', 'c', 'a', 'b', 'a'], { spec, validationData: [x, oneHot, [Number.NaN]] }),
      ).rejects.toThrow();
    }
    expect(tf.memory().numTensors).toBe(failing);
    oneHot.dispose();
    const trainer = await createTfjsClassifierTrainer({ backend: 'cpu', tf });
    const cycleStart = tf.memory().numTensors;
    for (let cycle = 0; cycle < 10; cycle += 1) {
      const trained = await trainer.train({
        features,
        labels,
        numClasses: 3,
        spec: null,
        epochs: 2,
        batchSize: 4,
        seed: cycle,
      });
      await trained.predict(features);
      trained.dispose?.();
    }
    expect(tf.memory().numTensors).toBe(cycleStart);
  });

  it('the classifier trainer checks labels before tf.oneHot can turn label 7 into a row of zeros', async () => {
    const trainer = await createTfjsClassifierTrainer({ backend: 'cpu', tf });
    const sigmoid = parseWeightingSpec({ specVersion: 1, loss: { kind: 'sigmoid_cross_entropy' } });
    const request = { features, numClasses: 3, spec: sigmoid, epochs: 1, batchSize: 4, seed: 0 };
    await expect(trainer.train({ ...request, labels: [0, 1, 7, 1, 0, 0] })).rejects.toMatchObject({
      ...invalidInput,
      message: expect.stringMatching(/labels\[2\]/),
    });
    const trained = await trainer.train({ ...request, labels });
    await expect(trained.predict([[1, Number.NaN, 0]])).rejects.toMatchObject(invalidInput);
    trained.dispose?.();
  });

  it('property: any x, labels, weights and batch size give finite weights or a WeightspecError', async () => {
    const adversarial = fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -0, 1e-320, 1e308, 1e39, 3e38, -7);
    const plain = fc.oneof({ weight: 12, arbitrary: fc.double({ min: -3, max: 3, noNaN: true }) }, adversarial);
    const run = fc.integer({ min: 1, max: 5 }).chain((count) =>
      fc.record({
        rows: fc.array(fc.array(plain, { minLength: 3, maxLength: 3 }), { minLength: count, maxLength: count }),
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
        batchSize: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 1, max: 4 }) }, adversarial),
      }),
    );
    const model = denseModel();
    const start = weightsOf(model);
    let trained = 0;
    await fc.assert(
      fc.asyncProperty(run, async ({ rows, classes, sampleWeights, batchSize }) => {
        model.setWeights([tf.tensor2d(kernel)]);
        try {
          await fitWeighted(tf, model, tf.tensor2d(rows), tf.tensor1d(classes), {
            spec: { ...spec, sample: {} },
            sampleWeights,
            batchSize,
            optimizer: tf.train.sgd(0.1),
          });
          expect(weightsOf(model).flat().every(Number.isFinite)).toBe(true);
          trained += 1;
        } catch (error) {
          if (!WeightspecError.isInstance(error)) throw error;
        }
      }),
      { numRuns: 30, seed: 5 },
    );
    expect(start[0]).toEqual(kernel.flat().map((value) => Math.fround(value)));
    expect(trained).toBeGreaterThan(3);
  });
});
