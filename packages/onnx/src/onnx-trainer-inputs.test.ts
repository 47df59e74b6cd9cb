import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HAND_PICKED_SIX_ROWS, WeightspecError, copyHandPickedProblem, countClasses } from '@weightspec/core';
import { loadOnnxRuntime } from './onnx-runtime-loader.ts';
import { createOnnxTrainer } from './onnx-trainer.ts';

const ort = await loadOnnxRuntime();
const { features, labels } = copyHandPickedProblem(HAND_PICKED_SIX_ROWS);
const invalidInput = { code: 'WS_INVALID_INPUT' };

/** Numbers a hostile caller sends: NaN, infinities, signed zero, subnormals, float32 overflow. */
const adversarialNumber = fc.oneof(
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 1e-320, 1e308, 1e39, -1e39, 3e38),
  fc.double({ min: -5, max: 5, noNaN: true }),
  fc.integer({ min: -2, max: 4 }),
);

describe('createOnnxTrainer and fit reject hostile input with typed errors', () => {
  it('names fit options and callbacks that are not an object and functions (raw TypeErrors before)', async () => {
    const trainer = await createOnnxTrainer({ ort, inputSize: 3, numClasses: 3 });
    const before = trainer.parameters();
    await expect(trainer.fit(features, labels, undefined as never)).rejects.toMatchObject({
      ...invalidInput,
      message: 'options: must be an options object, got undefined',
    });
    await expect(
      trainer.fit(features, labels, { epochs: 1, batchSize: 2, onProgress: 5 } as never),
    ).rejects.toMatchObject({ ...invalidInput, message: 'onProgress: must be a function, got 5' });
    expect(trainer.parameters()).toEqual(before);
    await trainer.release();
  });

  it('rejects sizes and scalars that would hang, crash or train on NaN', async () => {
    await expect(createOnnxTrainer({ ort, inputSize: 3, numClasses: 3, hiddenUnits: [-3] })).rejects.toMatchObject({
      ...invalidInput,
      message: expect.stringMatching(/hiddenUnits\[0\]/),
    });
    await expect(
      createOnnxTrainer({ ort, inputSize: 3, numClasses: 3, learningRate: Number.NaN }),
    ).rejects.toMatchObject({ ...invalidInput, message: expect.stringMatching(/learningRate/) });
    await expect(createOnnxTrainer({ ort, inputSize: 0, numClasses: 3 })).rejects.toMatchObject(invalidInput);
    await expect(createOnnxTrainer({ ort, inputSize: 3, numClasses: 1 })).rejects.toMatchObject(invalidInput);
    const trainer = await createOnnxTrainer({ ort, inputSize: 3, numClasses: 3 });
    for (const batchSize of [0, -1, 1.5, Number.NaN])
      await expect(trainer.fit(features, labels, { epochs: 1, batchSize })).rejects.toMatchObject({
        ...invalidInput,
        message: expect.stringMatching(/batchSize/),
      });
    await trainer.release();
  });

  it('rejects bad weights, features and labels (labels also when stats are given)', async () => {
    const trainer = await createOnnxTrainer({ ort, inputSize: 3, numClasses: 3 });
    const fit = (options: Record<string, unknown>, rows = features, classes: readonly number[] = labels) =>
      trainer.fit(rows, classes, { epochs: 1, batchSize: 2, ...options });
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, -1, 1e39])
      await expect(fit({ sampleWeights: [1, 1, bad, 1, 1, 1] })).rejects.toMatchObject({
        ...invalidInput,
        message: expect.stringMatching(/sampleWeights\[2\]/),
      });
    const nanRow = features.map((row, index) => (index === 4 ? [row[0] as number, Number.NaN, 0] : row));
    await expect(fit({}, nanRow)).rejects.toMatchObject({
      ...invalidInput,
      message: expect.stringMatching(/features\[4\]/),
    });
    const stats = countClasses(labels, 3);
    for (const bad of [7, -1, 1.5])
      await expect(fit({ stats }, features, [0, 1, bad, 1, 0, 0])).rejects.toMatchObject({
        ...invalidInput,
        message: expect.stringMatching(/labels\[2\]/),
      });
    await expect(fit({}, [[1, 2]], [0])).rejects.toMatchObject(invalidInput);
    await trainer.release();
  });

  it('zeroDenominator "error" aborts on a batch whose weights are all 0, as tfjs does', async () => {
    const trainer = await createOnnxTrainer({
      ort,
      inputSize: 3,
      numClasses: 3,
      spec: {
        specVersion: 1,
        loss: { kind: 'softmax_cross_entropy' },
        sample: {},
        reduction: { zeroDenominator: 'error' },
      },
    });
    const before = trainer.parameters();
    await expect(
      trainer.fit(features, labels, { epochs: 1, batchSize: 6, sampleWeights: [0, 0, 0, 0, 0, 0] }),
    ).rejects.toMatchObject({ code: 'WS_ZERO_DENOMINATOR' });
    expect(trainer.parameters()).toEqual(before);
    await trainer.release();
  });

  it('two fit calls at once run one after the other: the same parameters as two awaited calls', async () => {
    const options = { ort, inputSize: 3, numClasses: 3, seed: 2 } as const;
    const concurrent = await createOnnxTrainer(options);
    await Promise.all([
      concurrent.fit(features, labels, { epochs: 2, batchSize: 2 }),
      concurrent.fit(features, labels, { epochs: 2, batchSize: 2 }),
    ]);
    const sequential = await createOnnxTrainer(options);
    await sequential.fit(features, labels, { epochs: 2, batchSize: 2 });
    await sequential.fit(features, labels, { epochs: 2, batchSize: 2 });
    expect(concurrent.parameters()).toEqual(sequential.parameters());
    expect(concurrent.parameters()).not.toEqual((await createOnnxTrainer(options)).parameters());
    await concurrent.release();
    await sequential.release();
  });

  it('takes string labels with a class list and maps predictions back to them', async () => {
    const classes = ['rain', 'sun', 'fog'] as const;
    const named = labels.map((label) => classes[label] as (typeof classes)[number]);
    const byName = await createOnnxTrainer({ ort, inputSize: 3, classes, seed: 4 });
    await byName.fit(features, named, { epochs: 3, batchSize: 3 });
    const byIndex = await createOnnxTrainer({ ort, inputSize: 3, numClasses: 3, seed: 4 });
    await byIndex.fit(features, labels, { epochs: 3, batchSize: 3 });
    // Same codes (the order of `classes`), so the same run: parameters equal bit for bit.
    expect(byName.parameters()).toEqual(byIndex.parameters());
    const indices = (await byIndex.predictLabels(features)) as number[];
    expect(await byName.predictLabels(features)).toEqual(indices.map((index) => classes[index]));
    await expect(
      byName.fit(features, [...named.slice(0, 5), 'snow'], { epochs: 1, batchSize: 3 }),
    ).rejects.toMatchObject({ ...invalidInput, message: expect.stringMatching(/labels\[5\]/) });
    await byName.release();
    await byIndex.release();
  });

  it('property: any features, labels, weights and batch size give finite parameters or a WeightspecError', async () => {
    const trainer = await createOnnxTrainer({ ort, inputSize: 2, numClasses: 3, seed: 1 });
    const mostlyPlain = fc.oneof(
      { weight: 4, arbitrary: fc.double({ min: -3, max: 3, noNaN: true }) },
      adversarialNumber,
    );
    // Shapes right most of the time (so training runs and its numbers are checked), wrong some of the time.
    const run = fc.integer({ min: 0, max: 5 }).chain((count) =>
      fc.record({
        rows: fc.oneof(
          {
            weight: 4,
            arbitrary: fc.array(fc.array(mostlyPlain, { minLength: 2, maxLength: 2 }), {
              minLength: count,
              maxLength: count,
            }),
          },
          fc.array(fc.array(adversarialNumber, { maxLength: 3 }), { maxLength: 5 }),
        ),
        classes: fc.array(fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 0, max: 2 }) }, adversarialNumber), {
          minLength: count,
          maxLength: count,
        }),
        sampleWeights: fc.option(
          fc.array(fc.oneof({ weight: 4, arbitrary: fc.double({ min: 0, max: 3, noNaN: true }) }, adversarialNumber), {
            minLength: count,
            maxLength: count,
          }),
        ),
        batchSize: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 1, max: 4 }) }, adversarialNumber),
      }),
    );
    let trained = 0;
    await fc.assert(
      fc.asyncProperty(run, async ({ rows, classes, sampleWeights, batchSize }) => {
        try {
          const { losses } = await trainer.fit(rows, classes, { epochs: 1, batchSize, sampleWeights });
          expect(losses.every(Number.isFinite)).toBe(true);
          trained += 1;
        } catch (error) {
          if (!WeightspecError.isInstance(error)) throw error;
        }
        expect(trainer.parameters().every(Number.isFinite)).toBe(true);
      }),
      { numRuns: 60, seed: 12 },
    );
    // The generator must reach training, not only the validators.
    expect(trained).toBeGreaterThan(5);
    await trainer.release();
  });
});
