/**
 * Conformance cases, part 1: losses, shapes, class strategies, schedules, sample and element weights.
 * Each case is generated from the core's float64 reference; cases with `independent` also carry values
 * worked out separately (by hand, or published in framework docs) that generation checks against.
 */
import type { VectorCase } from './vector-case.ts';
import { randomMatrix, randomLabels, seeded } from './vector-case.ts';

const softmax = (row: number[]) => {
  const exps = row.map(Math.exp);
  const total = exps.reduce((a, b) => a + b, 0);
  return exps.map((value) => value / total);
};

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

export function coreCases(): VectorCase[] {
  const random = seeded(1);
  const logits43 = randomMatrix(random, 4, 3, 2);
  const labels4 = [0, 2, 1, 2];
  const cases: VectorCase[] = [];

  // --- Losses -----------------------------------------------------------------------------------
  cases.push({
    id: 'loss/softmax-logits-hand',
    description: 'Softmax CE from logits on two samples, weighted_mean without weights (plain mean).',
    spec: { specVersion: 1, loss: { kind: 'softmax_cross_entropy' } },
    inputs: {
      predictions: [
        [1, 2, 0.5],
        [0, 0, 0],
      ],
      targets: [1, 2],
    },
    independent: {
      loss: (-Math.log(softmax([1, 2, 0.5])[1] as number) + Math.log(3)) / 2,
      how: 'by hand: mean of -log softmax(z)_y = (-log(e^2/(e^1+e^2+e^0.5)) + log 3) / 2',
    },
  });
  cases.push({
    id: 'loss/softmax-probabilities-keras-doc',
    description: 'Keras CategoricalCrossentropy documentation example, from probabilities, reduction mean.',
    spec: {
      specVersion: 1,
      loss: { kind: 'softmax_cross_entropy', from: 'probabilities' },
      reduction: { kind: 'mean' },
    },
    inputs: {
      predictions: [
        [0.05, 0.95, 0],
        [0.1, 0.8, 0.1],
      ],
      targets: [1, 2],
    },
    // A probability of exactly 0 sits on the clip boundary, where finite differences leave [0,1].
    checkGradient: false,
    independent: {
      loss: 1.177,
      tolerance: 5e-4,
      how: 'published: tf.keras.losses.CategoricalCrossentropy docs give 1.177',
    },
  });
  cases.push({
    id: 'loss/softmax-probabilities-keras-doc-sample-weight',
    description: 'Keras CategoricalCrossentropy docs, sample_weight [0.3, 0.7] with sum_over_batch_size (SPEC mean).',
    spec: {
      specVersion: 1,
      loss: { kind: 'softmax_cross_entropy', from: 'probabilities' },
      sample: {},
      reduction: { kind: 'mean' },
    },
    inputs: {
      predictions: [
        [0.05, 0.95, 0],
        [0.1, 0.8, 0.1],
      ],
      targets: [1, 2],
      sampleWeights: [0.3, 0.7],
    },
    checkGradient: false,
    independent: {
      loss: 0.814,
      tolerance: 5e-4,
      how: 'published: tf.keras.losses.CategoricalCrossentropy docs give 0.814 with sample_weight [0.3, 0.7]',
    },
  });
  cases.push({
    id: 'loss/softmax-label-smoothing',
    description: 'Softmax CE with label smoothing 0.1: q = 0.9 onehot + 0.1/C.',
    spec: { specVersion: 1, loss: { kind: 'softmax_cross_entropy', labelSmoothing: 0.1 } },
    inputs: { predictions: [[1, 2, 0.5]], targets: [1] },
    independent: {
      loss: -[0.1 / 3, 0.9 + 0.1 / 3, 0.1 / 3].reduce(
        (sum, q, c) => sum + q * Math.log(softmax([1, 2, 0.5])[c] as number),
        0,
      ),
      how: 'by hand: -sum_c q_c log p_c with q = (0.0333, 0.9333, 0.0333)',
    },
  });
  cases.push({
    id: 'loss/sigmoid-logits-binary',
    description: 'Binary sigmoid CE from logits, predictions [N,1], targets [N].',
    spec: { specVersion: 1, loss: { kind: 'sigmoid_cross_entropy' } },
    inputs: { predictions: [[0.5], [-1], [2]], targets: [1, 0, 0] },
    independent: {
      loss: (-Math.log(sigmoid(0.5)) - Math.log(1 - sigmoid(-1)) - Math.log(1 - sigmoid(2))) / 3,
      how: 'by hand: mean of -[y log s(z) + (1-y) log(1-s(z))]',
    },
  });
  cases.push({
    id: 'loss/sigmoid-logits-multilabel',
    description: 'Multi-label sigmoid CE from logits, K = 3.',
    spec: { specVersion: 1, loss: { kind: 'sigmoid_cross_entropy' } },
    inputs: {
      predictions: randomMatrix(random, 4, 3, 2),
      targets: [
        [1, 0, 1],
        [0, 0, 1],
        [1, 1, 0],
        [0, 1, 0],
      ],
    },
  });
  cases.push({
    id: 'loss/sigmoid-probabilities-keras-doc',
    description: 'Keras BinaryCrossentropy documentation example from probabilities, reduction mean.',
    spec: {
      specVersion: 1,
      loss: { kind: 'sigmoid_cross_entropy', from: 'probabilities' },
      reduction: { kind: 'mean' },
    },
    inputs: {
      predictions: [
        [0.6, 0.4],
        [0.4, 0.6],
      ],
      targets: [
        [0, 1],
        [0, 0],
      ],
    },
    independent: { loss: 0.815, tolerance: 5e-4, how: 'published: tf.keras.losses.BinaryCrossentropy docs give 0.815' },
  });
  cases.push({
    id: 'loss/sigmoid-probabilities-keras-doc-sample-weight',
    description: 'Keras BinaryCrossentropy docs with sample_weight [1, 0] (per-element loss, SPEC mean).',
    spec: {
      specVersion: 1,
      loss: { kind: 'sigmoid_cross_entropy', from: 'probabilities' },
      reduction: { kind: 'mean' },
    },
    inputs: {
      predictions: [
        [0.6, 0.4],
        [0.4, 0.6],
      ],
      targets: [
        [0, 1],
        [0, 0],
      ],
      sampleWeights: [1, 0],
    },
    independent: {
      loss: 0.458,
      tolerance: 5e-4,
      how: 'published: tf.keras.losses.BinaryCrossentropy docs give 0.458 with sample_weight [1, 0]',
    },
  });
  cases.push({
    id: 'loss/sigmoid-label-smoothing',
    description: "Sigmoid CE with label smoothing 0.2: y' = y(1-e) + e/2.",
    spec: { specVersion: 1, loss: { kind: 'sigmoid_cross_entropy', labelSmoothing: 0.2 } },
    inputs: { predictions: [[1.5], [-0.5]], targets: [1, 0] },
    independent: {
      loss:
        (-(0.9 * Math.log(sigmoid(1.5)) + 0.1 * Math.log(1 - sigmoid(1.5))) -
          (0.1 * Math.log(sigmoid(-0.5)) + 0.9 * Math.log(1 - sigmoid(-0.5)))) /
        2,
      how: 'by hand: targets smoothed to 0.9 and 0.1',
    },
  });
  cases.push({
    id: 'loss/mse-keras-doc-sample-weight',
    description: 'Keras MeanSquaredError docs with sample_weight [0.7, 0.3], reduction mean.',
    spec: { specVersion: 1, loss: { kind: 'mse' }, reduction: { kind: 'mean' } },
    inputs: {
      predictions: [
        [1, 1],
        [1, 0],
      ],
      targets: [
        [0, 1],
        [0, 0],
      ],
      sampleWeights: [0.7, 0.3],
    },
    independent: {
      loss: 0.25,
      how: 'published: tf.keras.losses.MeanSquaredError docs give 0.25 with sample_weight [0.7, 0.3]',
    },
  });
  cases.push({
    id: 'loss/mae-keras-doc',
    description: 'Keras MeanAbsoluteError docs example, reduction mean.',
    spec: { specVersion: 1, loss: { kind: 'mae' }, reduction: { kind: 'mean' } },
    inputs: {
      predictions: [
        [1, 1],
        [1, 0],
      ],
      targets: [
        [0, 1],
        [0, 0],
      ],
    },
    independent: { loss: 0.5, how: 'published: tf.keras.losses.MeanAbsoluteError docs give 0.5' },
  });
  cases.push({
    id: 'loss/huber-keras-doc-sample-weight',
    description: 'Keras Huber docs with sample_weight [1, 0], delta 1, reduction mean.',
    spec: { specVersion: 1, loss: { kind: 'huber' }, reduction: { kind: 'mean' } },
    inputs: {
      predictions: [
        [0.6, 0.4],
        [0.4, 0.6],
      ],
      targets: [
        [0, 1],
        [0, 0],
      ],
      sampleWeights: [1, 0],
    },
    independent: { loss: 0.09, how: 'published: tf.keras.losses.Huber docs give 0.09 with sample_weight [1, 0]' },
  });
  cases.push({
    id: 'loss/huber-linear-region',
    description: 'Huber with delta 0.5 where most residuals are in the linear region.',
    spec: { specVersion: 1, loss: { kind: 'huber', delta: 0.5 } },
    inputs: {
      predictions: [
        [2, -1],
        [0.1, 0.3],
      ],
      targets: [
        [0, 0],
        [0, 0],
      ],
    },
    independent: {
      loss: (0.5 * (2 - 0.25) + 0.5 * (1 - 0.25) + 0.5 * 0.01 + 0.5 * 0.09) / 4,
      how: 'by hand: delta(|d| - delta/2) for |d| > delta, d^2/2 otherwise',
    },
  });
  cases.push({
    id: 'loss/regression-multi-output-element-weights',
    description: 'MSE on [N,D] with per-output weights from the spec (elements.weights [E]).',
    spec: { specVersion: 1, loss: { kind: 'mse' }, elements: { weights: [1, 0.5, 2] } },
    inputs: { predictions: randomMatrix(random, 3, 3, 1), targets: randomMatrix(random, 3, 3, 1) },
  });

  // --- Sequences and element weights -------------------------------------------------------------
  cases.push({
    id: 'shape/softmax-sequence-element-weights',
    description: 'Softmax CE on [N,T,C] sequences with per-timestep weights given as data [N,T].',
    spec: { specVersion: 1, loss: { kind: 'softmax_cross_entropy' } },
    inputs: {
      predictions: [randomMatrix(random, 3, 4, 2), randomMatrix(random, 3, 4, 2)],
      targets: [
        [0, 3, 1],
        [2, 2, 0],
      ],
      elementWeights: [
        [1, 0.5, 0],
        [2, 1, 1],
      ],
    },
  });
  cases.push({
    id: 'shape/softmax-sequence-mask-value',
    description: 'Sequences padded with target -1, removed by maskValue (out-of-range targets are exempt).',
    spec: { specVersion: 1, loss: { kind: 'softmax_cross_entropy' }, elements: { maskValue: -1 } },
    inputs: {
      predictions: [randomMatrix(random, 3, 3, 2), randomMatrix(random, 3, 3, 2)],
      targets: [
        [0, 2, -1],
        [1, -1, -1],
      ],
    },
  });
  cases.push({
    id: 'shape/sigmoid-mask-value-multilabel',
    description: 'Multi-label sigmoid CE with unknown labels marked -1 and masked out.',
    spec: { specVersion: 1, loss: { kind: 'sigmoid_cross_entropy' }, elements: { maskValue: -1 } },
    inputs: {
      predictions: randomMatrix(random, 3, 3, 2),
      targets: [
        [1, -1, 0],
        [0, 1, -1],
        [-1, -1, 1],
      ],
    },
  });
  cases.push({
    id: 'shape/element-weights-data-and-spec',
    description: 'Per-element weights from data [N,E] and from the spec [E] multiply.',
    spec: { specVersion: 1, loss: { kind: 'sigmoid_cross_entropy' }, elements: { weights: [2, 1, 0.5] } },
    inputs: {
      predictions: randomMatrix(random, 2, 3, 2),
      targets: [
        [1, 0, 1],
        [0, 1, 1],
      ],
      elementWeights: [
        [1, 0, 1],
        [0.5, 1, 3],
      ],
    },
  });

  // --- Class strategies (softmax) ----------------------------------------------------------------
  const counts = [40, 10, 50];
  const strategies: [string, Record<string, unknown>, number[] | null, string][] = [
    ['manual-array', { strategy: 'manual', weights: [1, 3, 0.5] }, [1, 3, 0.5], 'as written'],
    ['manual-map', { strategy: 'manual', weights: { '1': 4 }, default: 0.5 }, [0.5, 4, 0.5], 'map entry and default'],
    [
      'balanced',
      { strategy: 'balanced' },
      [100 / 120, 100 / 30, 100 / 150],
      'scikit-learn: n/(C n_c) = 100/(3*40), 100/(3*10), 100/(3*50)',
    ],
    ['inverse-frequency', { strategy: 'inverse_frequency', power: 0.5 }, null, ''],
    [
      'median-frequency',
      { strategy: 'median_frequency' },
      [0.4 / 0.4, 0.4 / 0.1, 0.4 / 0.5],
      'f = (.4,.1,.5), median .4, weights median/f',
    ],
    ['effective-number', { strategy: 'effective_number', beta: 0.99 }, null, ''],
    ['max-ratio', { strategy: 'max_ratio' }, [50 / 40, 50 / 10, 1], 'max(n)/n_c'],
    [
      'balanced-clip',
      { strategy: 'balanced', clip: { min: 1, max: 2 } },
      [1, 2, 1],
      'balanced (0.83, 3.33, 0.67) clipped to [1,2]',
    ],
  ];
  for (const [name, classBlock, weights, how] of strategies)
    cases.push({
      id: `class/softmax-${name}`,
      description: `Softmax class weights, strategy ${classBlock.strategy as string}, counts from stats [40, 10, 50].`,
      spec: { specVersion: 1, loss: { kind: 'softmax_cross_entropy' }, class: classBlock },
      stats: { classCounts: counts },
      inputs: { predictions: logits43, targets: labels4 },
      ...(weights ? { independent: { classWeights: weights, how: `by hand: ${how}` } } : {}),
    });
  cases.push({
    id: 'class/softmax-balanced-sklearn-counts-from-targets',
    description: 'Balanced weights counted from the targets themselves (no stats): y = [0,0,0,0,1,1,2].',
    spec: { specVersion: 1, loss: { kind: 'softmax_cross_entropy' }, class: { strategy: 'balanced' } },
    inputs: { predictions: randomMatrix(random, 7, 3, 2), targets: [0, 0, 0, 0, 1, 1, 2] },
    independent: {
      classWeights: [7 / 12, 7 / 6, 7 / 3],
      how: 'scikit-learn compute_class_weight("balanced"): 7/(3*4), 7/(3*2), 7/(3*1)',
    },
  });
  cases.push({
    id: 'class/softmax-empty-class-gets-zero',
    description: 'A class with n_c = 0 gets weight 0 (balanced).',
    spec: { specVersion: 1, loss: { kind: 'softmax_cross_entropy' }, class: { strategy: 'balanced' } },
    stats: { classCounts: [30, 0, 10] },
    inputs: { predictions: logits43, targets: [0, 2, 0, 2] },
    independent: { classWeights: [40 / 90, 0, 40 / 30], how: 'by hand: n/(C n_c) with n = 40, C = 3; empty class 0' },
  });
  cases.push({
    id: 'class/softmax-schedule-deferred-before',
    description: 'Deferred re-weighting (LDAM-DRW) before its start epoch: alpha 0, weights 1.',
    spec: {
      specVersion: 1,
      loss: { kind: 'softmax_cross_entropy' },
      class: { strategy: 'balanced', schedule: { kind: 'deferred', start: 3 } },
    },
    stats: { classCounts: counts },
    inputs: { predictions: logits43, targets: labels4, clock: { epoch: 2 } },
    independent: { classWeights: [1, 1, 1], how: 'by hand: c^0 = 1' },
  });
  cases.push({
    id: 'class/softmax-schedule-deferred-after',
    description: 'Deferred re-weighting from its start epoch: alpha 1.',
    spec: {
      specVersion: 1,
      loss: { kind: 'softmax_cross_entropy' },
      class: { strategy: 'balanced', schedule: { kind: 'deferred', start: 3 } },
    },
    stats: { classCounts: counts },
    inputs: { predictions: logits43, targets: labels4, clock: { epoch: 3 } },
  });
  cases.push({
    id: 'class/softmax-schedule-anneal-steps',
    description: 'Annealed class weights c^alpha with alpha from 0 to 1 over steps [10, 30], read at step 15.',
    spec: {
      specVersion: 1,
      loss: { kind: 'softmax_cross_entropy' },
      class: { strategy: 'max_ratio', schedule: { kind: 'anneal', from: 0, to: 1, over: [10, 30], unit: 'step' } },
    },
    stats: { classCounts: counts },
    inputs: { predictions: logits43, targets: labels4, clock: { epoch: 0, step: 15 } },
    independent: {
      classWeights: [1.25 ** 0.25, 5 ** 0.25, 1],
      how: 'by hand: alpha = (15-10)/(30-10) = 0.25 on max_ratio (1.25, 5, 1)',
    },
  });

  // --- Class strategies (sigmoid) ----------------------------------------------------------------
  const labelTargets = [
    [1, 0],
    [0, 0],
    [1, 1],
    [0, 0],
    [0, 1],
  ];
  const labelLogits = randomMatrix(random, 5, 2, 2);
  cases.push({
    id: 'class/sigmoid-manual',
    description: 'Sigmoid per-label positive and negative weights written by hand.',
    spec: {
      specVersion: 1,
      loss: { kind: 'sigmoid_cross_entropy' },
      class: { strategy: 'manual', positive: [3, 1], negative: [1, 0.5] },
    },
    inputs: { predictions: labelLogits, targets: labelTargets },
  });
  cases.push({
    id: 'class/sigmoid-balanced',
    description: 'Sigmoid balanced: a+ = n/(2 n+), a- = n/(2 n-), counted from targets.',
    spec: { specVersion: 1, loss: { kind: 'sigmoid_cross_entropy' }, class: { strategy: 'balanced' } },
    inputs: { predictions: labelLogits, targets: labelTargets },
    independent: {
      positiveWeights: [5 / 4, 5 / 4],
      negativeWeights: [5 / 6, 5 / 6],
      how: 'by hand: label 0 has 2 positives, 3 negatives; label 1 the same',
    },
  });
  cases.push({
    id: 'class/sigmoid-positive-ratio',
    description: 'PyTorch BCEWithLogits pos_weight = n-/n+, with counts from stats.',
    spec: { specVersion: 1, loss: { kind: 'sigmoid_cross_entropy' }, class: { strategy: 'positive_ratio' } },
    stats: { positiveCounts: [10, 40], negativeCounts: [90, 60] },
    inputs: { predictions: labelLogits, targets: labelTargets },
    independent: { positiveWeights: [9, 1.5], negativeWeights: [1, 1], how: 'by hand: 90/10 and 60/40' },
  });
  cases.push({
    id: 'class/sigmoid-balanced-label-smoothing',
    description: 'Sigmoid balanced weights with label smoothing: the class factor uses the smoothed target.',
    spec: {
      specVersion: 1,
      loss: { kind: 'sigmoid_cross_entropy', labelSmoothing: 0.1 },
      class: { strategy: 'balanced' },
    },
    inputs: { predictions: labelLogits, targets: labelTargets },
  });

  // --- Sample weights ----------------------------------------------------------------------------
  cases.push({
    id: 'sample/weights-none',
    description: 'Per-sample weights as given, times balanced class weights.',
    spec: {
      specVersion: 1,
      loss: { kind: 'softmax_cross_entropy' },
      class: { strategy: 'balanced' },
      sample: { normalize: 'none' },
    },
    inputs: { predictions: logits43, targets: labels4, sampleWeights: [1, 2, 0.5, 0] },
  });
  cases.push({
    id: 'sample/weights-mean-one',
    description: 'Per-sample weights divided by their mean (normalize mean_one), reduction sum.',
    spec: {
      specVersion: 1,
      loss: { kind: 'softmax_cross_entropy' },
      sample: { normalize: 'mean_one' },
      reduction: { kind: 'sum' },
    },
    inputs: {
      predictions: [
        [0, 0],
        [0, 0],
      ],
      targets: [0, 1],
      sampleWeights: [1, 3],
    },
    independent: {
      loss: (0.5 + 1.5) * Math.log(2),
      weights: [[0.5], [1.5]],
      how: 'by hand: mean 2, weights 0.5 and 1.5, each loss log 2',
    },
  });

  // --- Labels on larger random batches (covers every loss with all weights at once) --------------
  cases.push({
    id: 'combined/softmax-all-weights',
    description: 'Softmax CE with class, sample and element weights together on a random batch.',
    spec: {
      specVersion: 1,
      loss: { kind: 'softmax_cross_entropy' },
      class: { strategy: 'inverse_frequency' },
      elements: { weights: [1] },
    },
    inputs: {
      predictions: randomMatrix(random, 8, 4, 3),
      targets: randomLabels(random, 8, 4),
      sampleWeights: randomMatrix(random, 1, 8, 1).map((row) => row.map(Math.abs))[0] as number[],
    },
  });
  return cases;
}
