import { describe, expect, it } from 'vitest';
import { cpuTfjs } from './tfjs-test-support.ts';
import { createTfjsWeightedLoss } from './tfjs-weighted-loss-function.ts';

const manualSpec = {
  specVersion: 1,
  loss: { kind: 'softmax_cross_entropy' },
  class: { strategy: 'manual', weights: { '1': 3 } },
} as const;

describe('createTfjsWeightedLoss', () => {
  it('infers C from the predictions when manual weights need it (no numClasses)', async () => {
    const tf = await cpuTfjs();
    const loss = createTfjsWeightedLoss(tf, manualSpec);
    // Logits 0 over C = 3: every loss is log 3; weights (1, 3) for targets (0, 1): weighted_mean log 3.
    const value = tf.tidy(() => loss(tf.zeros([2, 3]), tf.tensor1d([0, 1])).dataSync()[0] as number);
    expect(value).toBeCloseTo(Math.log(3), 5);
    // Logits (0, ln 2) for target 1 (p = 2/3, weight 3) and (0, 0) for target 0 (p = 1/2, weight 1), C = 2:
    // (3 (-ln 2/3) + ln 2) / 4, worked by hand.
    const two = tf.tidy(
      () =>
        loss(
          tf.tensor2d([
            [0, Math.log(2)],
            [0, 0],
          ]),
          tf.tensor1d([1, 0]),
        ).dataSync()[0] as number,
    );
    expect(two).toBeCloseTo((3 * -Math.log(2 / 3) + Math.log(2)) / 4, 5);
  });

  it('takes one-hot targets, equal to class indices', async () => {
    const tf = await cpuTfjs();
    const loss = createTfjsWeightedLoss(tf, manualSpec);
    const logits = tf.tensor2d([
      [0.5, -1, 2],
      [1, 0, -0.5],
    ]);
    const byIndex = tf.tidy(() => loss(logits, tf.tensor1d([1, 2])).dataSync()[0] as number);
    const byOneHot = tf.tidy(() => loss(logits, tf.oneHot(tf.tensor1d([1, 2], 'int32'), 3)).dataSync()[0] as number);
    expect(byOneHot).toBeCloseTo(byIndex, 6);
    logits.dispose();
  });

  it('works as a model.compile loss with one-hot targets (Keras argument order)', async () => {
    const tf = await cpuTfjs();
    const spec = { ...manualSpec, loss: { kind: 'softmax_cross_entropy', from: 'probabilities' } } as const;
    const model = tf.sequential({
      layers: [tf.layers.dense({ units: 3, inputShape: [2], activation: 'softmax', kernelInitializer: 'zeros' })],
    });
    model.compile({ optimizer: tf.train.sgd(0.1), loss: createTfjsWeightedLoss(tf, spec, { forCompile: true }) });
    const x = tf.tensor2d([
      [1, 0],
      [0, 1],
    ]);
    const y = tf.oneHot(tf.tensor1d([0, 1], 'int32'), 3).toFloat();
    // Zero kernel and bias: p = 1/3 everywhere, so the weighted mean is log 3 whatever the weights.
    const evaluated = model.evaluate(x, y) as ReturnType<typeof tf.scalar>;
    expect(evaluated.dataSync()[0]).toBeCloseTo(Math.log(3), 5);
    const history = await model.fit(x, y, { epochs: 3, verbose: 0 });
    const losses = history.history.loss as number[];
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[2] as number).toBeLessThan(losses[0] as number);
    tf.dispose([x, y, evaluated]);
    model.dispose();
  });

  it('counts classes from the batch targets when a counted strategy has no stats (SPEC: else the targets)', async () => {
    const tf = await cpuTfjs();
    const loss = createTfjsWeightedLoss(tf, {
      specVersion: 1,
      loss: { kind: 'softmax_cross_entropy' },
      class: { strategy: 'balanced' },
    });
    // Targets (0, 0, 1): balanced 3/(2*2) = 0.75 and 3/2 = 1.5. Losses ln 4, ln 2, ln 2 (logits (0, ln 3),
    // (0, 0), (0, 0)): (0.75 ln 4 + 0.75 ln 2 + 1.5 ln 2) / 3 = 1.25 ln 2, worked by hand.
    const value = tf.tidy(
      () =>
        loss(
          tf.tensor2d([
            [0, Math.log(3)],
            [0, 0],
            [0, 0],
          ]),
          tf.tensor1d([0, 0, 1]),
        ).dataSync()[0] as number,
    );
    expect(value).toBeCloseTo(1.25 * Math.LN2, 5);
  });
});
