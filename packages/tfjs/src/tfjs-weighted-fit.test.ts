import { describe, expect, it } from 'vitest';
import {
  HAND_PICKED_SIX_ROWS,
  PLAN_IDENTITY_RUN,
  copyHandPickedProblem,
  prepareWeightingComputation,
  referenceWeightedLoss,
  traceBatches,
  tracePlannedRun,
} from '@weightspec/core';
import type { PlannedBatch, WeightingSpecInput } from '@weightspec/core';
import type { LayersModel, Tensor } from '@tensorflow/tfjs';
import { cpuTfjs } from './tfjs-test-support.ts';
import { fitWeighted } from './tfjs-weighted-fit.ts';
import { createTfjsWeightingAdapter } from './tfjs-weighting-adapter.ts';

const tf = await cpuTfjs();

const { features, labels } = copyHandPickedProblem(HAND_PICKED_SIX_ROWS);
const kernel = HAND_PICKED_SIX_ROWS.kernel.map((row) => [...row]);

function linearModel(): LayersModel {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 3, inputShape: [3], useBias: false, weights: [tf.tensor2d(kernel)] }));
  return model;
}

describe('fitWeighted', () => {
  it('takes one SGD step along the float64 reference gradient of the weighted loss', async () => {
    const spec = {
      specVersion: 1,
      loss: { kind: 'softmax_cross_entropy' },
      class: { strategy: 'balanced' },
      sample: {},
      adaptive: [{ kind: 'focal', gamma: 2 }],
    } satisfies WeightingSpecInput;
    const sampleWeights = [1, 2, 0.5, 1, 3, 0];
    const model = linearModel();
    const learningRate = 0.1;
    await fitWeighted(tf, model, tf.tensor2d(features), tf.tensor1d(labels), {
      spec,
      epochs: 1,
      batchSize: 6,
      shuffle: false,
      sampleWeights,
      optimizer: tf.train.sgd(learningRate),
    });
    // Independent: logits = X K, g = d loss / d logits from the core's float64 reference (same spec,
    // counts from the same labels), so d loss / d K = X^T g and K' = K - lr X^T g.
    const logits = features.map((row) =>
      [0, 1, 2].map((column) =>
        row.reduce((sum, value, index) => sum + value * (kernel[index]?.[column] as number), 0),
      ),
    );
    const computation = prepareWeightingComputation(spec, { predictions: logits, targets: labels, sampleWeights });
    const gradient = referenceWeightedLoss(computation.spec, computation.scheduled, computation.batch)
      .gradient as Float64Array;
    const trained = (model.getWeights()[0] as Tensor).arraySync() as number[][];
    kernel.forEach((row, input) => {
      row.forEach((value, output) => {
        const slope = features.reduce(
          (sum, sample, index) => sum + (sample[input] as number) * (gradient[index * 3 + output] as number),
          0,
        );
        expect(trained[input]?.[output]).toBeCloseTo(value - learningRate * slope, 5);
      });
    });
  });

  it('ignores whatever masked sequence steps hold: padded inputs and targets do not change training', async () => {
    // [N=4, T=3, D=2] inputs; the last steps of samples 1 and 3 are padding (target -1).
    const base = [
      [
        [0.1, 0.2],
        [0.3, -0.4],
        [0.5, 0.1],
      ],
      [
        [-0.2, 0.4],
        [0.6, 0.1],
        [9, 9],
      ],
      [
        [0.3, 0.3],
        [-0.5, 0.2],
        [0.2, -0.1],
      ],
      [
        [0.7, -0.6],
        [8, -8],
        [7, 7],
      ],
    ];
    const garbage = base.map((sample, index) =>
      sample.map((step, time) => (index % 2 === 1 && time >= (index === 1 ? 2 : 1) ? [-3, 4] : step)),
    );
    const targets = [
      [0, 1, 2],
      [1, 2, -1],
      [2, 0, 1],
      [0, -1, -1],
    ];
    const train = async (inputs: number[][][]) => {
      const model = tf.sequential();
      model.add(
        tf.layers.dense({
          units: 3,
          inputShape: [3, 2],
          kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }),
        }),
      );
      await fitWeighted(tf, model, tf.tensor3d(inputs), tf.tensor2d(targets), {
        spec: { specVersion: 1, loss: { kind: 'softmax_cross_entropy' }, elements: { maskValue: -1 } },
        epochs: 3,
        batchSize: 2,
        seed: 5,
        optimizer: tf.train.sgd(0.2),
      });
      return model.getWeights().map((weight) => Array.from((weight as Tensor).dataSync()));
    };
    const first = await train(base);
    const second = await train(garbage);
    expect(second).toEqual(first);
    expect(first[0]?.some((value) => Math.abs(value) > 1e-3)).toBe(true);
  });

  it('logs how many samples the curriculum admits each epoch (linear pacing, worked by hand)', async () => {
    const count = 20;
    const x = tf.randomUniform([count, 3], -1, 1, 'float32', 7);
    const y = tf.tensor1d(Array.from({ length: count }, (_, index) => index % 3));
    const model = linearModel();
    const history = await fitWeighted(tf, model, x, y, {
      spec: {
        specVersion: 1,
        loss: { kind: 'softmax_cross_entropy' },
        curriculum: { difficulty: 'provided', pacing: { kind: 'linear', start: 0.5 } },
      },
      difficulty: Array.from({ length: count }, (_, index) => (index * 7) % count),
      epochs: 2,
      batchSize: 8,
      validationData: [x, y],
    });
    // g = 0.5 + 0.5 * (epoch / 2): 0.5 then 0.75 of 20 samples.
    expect(history.history.admittedSamples).toEqual([10, 15]);
    expect(Object.keys(history.history).sort()).toEqual([
      'admittedSamples',
      'loss',
      'meanCurriculumWeight',
      'val_accuracy',
      'val_loss',
      'val_unweighted_loss',
      'val_weighted_accuracy',
    ]);
  });

  it('leaks no tensors across epochs or across adapter computations', async () => {
    const x = tf.tensor2d(features);
    const y = tf.tensor1d(labels);
    const model = linearModel();
    const counts: number[] = [];
    await fitWeighted(tf, model, x, y, {
      spec: {
        specVersion: 1,
        loss: { kind: 'softmax_cross_entropy' },
        class: { strategy: 'balanced' },
        adaptive: [{ kind: 'hard_mining', keepFraction: 0.5 }],
        curriculum: { difficulty: 'loss', pacing: { kind: 'root', start: 0.5 } },
      },
      epochs: 4,
      batchSize: 4,
      validationData: [x, y],
      callbacks: { onEpochEnd: () => void counts.push(tf.memory().numTensors) },
    });
    expect(new Set(counts).size).toBe(1);
    const adapter = await createTfjsWeightingAdapter({ backend: 'cpu', tf });
    const computation = prepareWeightingComputation(
      {
        specVersion: 1,
        loss: { kind: 'softmax_cross_entropy' },
        adaptive: [{ kind: 'focal' }, { kind: 'hard_mining', keepFraction: 0.5 }],
      },
      { predictions: features, targets: labels },
    );
    const before = tf.memory().numTensors;
    for (let round = 0; round < 3; round += 1) await adapter.computeWeightedLoss(computation);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects bad options with typed errors', async () => {
    const x = tf.tensor2d(features);
    const y = tf.tensor1d(labels);
    const spec = { specVersion: 1, loss: { kind: 'softmax_cross_entropy' } } satisfies WeightingSpecInput;
    await expect(fitWeighted(tf, linearModel(), x, y, { spec, epochs: 0 })).rejects.toMatchObject({
      code: 'WS_INVALID_INPUT',
    });
    await expect(fitWeighted(tf, linearModel(), x, y, { spec, sampleWeights: [1, 2] })).rejects.toMatchObject({
      code: 'WS_INVALID_INPUT',
      message: expect.stringMatching(/sampleWeights/),
    });
    // The type rejects unknown keys at compile time; the parser rejects them at run time.
    // @ts-expect-error `extra` is not a spec field
    await expect(fitWeighted(tf, linearModel(), x, y, { spec: { ...spec, extra: true } })).rejects.toMatchObject({
      code: 'WS_INVALID_SPEC',
    });
  });

  it("follows the core training plan: same spec, size and seed give the plan's (clock, batch, admitted) trace", async () => {
    const run = PLAN_IDENTITY_RUN;
    const count = run.labels.length;
    for (const batchSize of [count, 5]) {
      const seen: PlannedBatch[] = [];
      await fitWeighted(
        tf,
        linearModel(),
        tf.tensor2d(run.features.map((row) => [...row])),
        tf.tensor1d([...run.labels]),
        {
          spec: run.spec,
          epochs: run.epochs,
          batchSize,
          seed: run.seed,
          difficulty: run.difficulty,
          optimizer: tf.train.sgd(0.1),
          callbacks: { onBatchBegin: (_batch, planned) => void seen.push(planned) },
        },
      );
      expect(traceBatches(seen)).toEqual(tracePlannedRun(run, batchSize));
    }
  });

  it('types the spec: a typo such as "balance" fails to compile, and to parse at run time', async () => {
    const spec = { specVersion: 1, loss: { kind: 'softmax_cross_entropy' }, class: { strategy: 'balanced' } } as const;
    await fitWeighted(tf, linearModel(), tf.tensor2d(features), tf.tensor1d(labels), { spec, epochs: 1 });
    await expect(
      fitWeighted(tf, linearModel(), tf.tensor2d(features), tf.tensor1d(labels), {
        // @ts-expect-error "balance" is not a class strategy (editors suggest "balanced")
        spec: { specVersion: 1, loss: { kind: 'softmax_cross_entropy' }, class: { strategy: 'balance' } },
      }),
    ).rejects.toMatchObject({ code: 'WS_INVALID_SPEC' });
  });
});
