/**
 * Conformance cases for SPEC's "Pinned rules (v1.1)", rules 1-4 (class weights): ids `pinned/rule-N-...`.
 * Expected values come from the core reference; each case also carries values worked by hand from the
 * rule's text (generation checks the reference against them).
 */
import type { VectorCase } from './vector-case.ts';

const softmax = { kind: 'softmax_cross_entropy' };
const sigmoid = { kind: 'sigmoid_cross_entropy' };
const logits23 = [
  [0.5, -1, 2],
  [1, 0.2, -0.5],
];
const sigmoidOf = (z: number) => 1 / (1 + Math.exp(-z));
const softplus = (z: number) => Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));

/** One or more cases for each of pinned rules 1-4. */
export function pinnedClassRuleCases(): VectorCase[] {
  return [
    {
      id: 'pinned/rule-1-deferred-empty-class-is-one',
      description: 'Rule 1: before a deferred start alpha = 0 and 0^0 = 1, so the empty class (n_1 = 0) weighs 1 too.',
      spec: {
        specVersion: 1,
        loss: softmax,
        class: { strategy: 'balanced', schedule: { kind: 'deferred', start: 2 } },
      },
      stats: { classCounts: [3, 0, 1] },
      inputs: { predictions: logits23, targets: [0, 2], clock: { epoch: 1 } },
      independent: { classWeights: [1, 1, 1], how: 'by hand: c^0 = 1 for every class, 0^0 = 1' },
    },
    {
      id: 'pinned/rule-1-anneal-t0-equals-t1-at-t1',
      description: 'Rule 1: an anneal over [3, 3] read at epoch 3 gives alpha = `to` (t >= t1 is checked first).',
      spec: {
        specVersion: 1,
        loss: softmax,
        class: { strategy: 'max_ratio', schedule: { kind: 'anneal', from: 0, to: 1, over: [3, 3] } },
      },
      stats: { classCounts: [40, 10, 50] },
      inputs: { predictions: logits23, targets: [1, 2], clock: { epoch: 3 } },
      independent: { classWeights: [1.25, 5, 1], how: 'by hand: alpha = to = 1 on max_ratio (50/40, 50/10, 1)' },
    },
    {
      id: 'pinned/rule-1-anneal-t0-equals-t1-before',
      description: 'Rule 1: the same anneal over [3, 3] read at epoch 2 gives alpha = `from` = 0: unweighted.',
      spec: {
        specVersion: 1,
        loss: softmax,
        class: { strategy: 'max_ratio', schedule: { kind: 'anneal', from: 0, to: 1, over: [3, 3] } },
      },
      stats: { classCounts: [40, 10, 50] },
      inputs: { predictions: logits23, targets: [1, 2], clock: { epoch: 2 } },
      independent: { classWeights: [1, 1, 1], how: 'by hand: alpha = from = 0' },
    },
    {
      id: 'pinned/rule-1-strategy-clip-then-exponent',
      description: 'Rule 1 order: strategy, then clip, then the exponent: (min(balanced, 2))^0.5 half-way through.',
      spec: {
        specVersion: 1,
        loss: softmax,
        class: {
          strategy: 'balanced',
          clip: { max: 2 },
          schedule: { kind: 'anneal', from: 0, to: 1, over: [0, 2] },
        },
      },
      stats: { classCounts: [40, 10, 50] },
      inputs: { predictions: logits23, targets: [0, 1], clock: { epoch: 1 } },
      independent: {
        classWeights: [Math.sqrt(100 / 120), Math.SQRT2, Math.sqrt(100 / 150)],
        how: 'by hand: balanced (0.833, 3.33, 0.667), clipped to max 2, then ^0.5',
      },
    },
    {
      id: 'pinned/rule-2-clip-keeps-empty-class-zero',
      description: 'Rule 2: clip min 1 does not lift the empty class, which stays 0.',
      spec: { specVersion: 1, loss: softmax, class: { strategy: 'balanced', clip: { min: 1 } } },
      stats: { classCounts: [30, 0, 10] },
      inputs: { predictions: logits23, targets: [0, 2] },
      independent: { classWeights: [1, 0, 40 / 30], how: 'by hand: balanced (40/90, -, 40/30), clip min 1, empty 0' },
    },
    {
      id: 'pinned/rule-2-sigmoid-empty-side-zero-clip',
      description:
        'Rule 2: a label without positives gets a+ = 0, without negatives a- = 0; clip applies to a+ and a-.',
      spec: { specVersion: 1, loss: sigmoid, class: { strategy: 'balanced', clip: { min: 0.8 } } },
      stats: { positiveCounts: [0, 3], negativeCounts: [5, 0] },
      inputs: {
        predictions: [
          [0.3, -0.2],
          [-1, 1.5],
        ],
        targets: [
          [0, 1],
          [0, 1],
        ],
      },
      independent: {
        positiveWeights: [0, 0.8],
        negativeWeights: [0.8, 0],
        weights: [
          [0.8, 0.8],
          [0.8, 0.8],
        ],
        how: 'by hand: a- = 5/(2*5) = 0.5 and a+ = 3/(2*3) = 0.5, both clipped up to 0.8; empty sides stay 0',
      },
    },
    {
      id: 'pinned/rule-2-median-frequency-even',
      description: 'Rule 2: median over an even number of present classes is the mean of the middle two.',
      spec: { specVersion: 1, loss: softmax, class: { strategy: 'median_frequency' } },
      stats: { classCounts: [10, 20, 30, 40, 0] },
      inputs: {
        predictions: [
          [0, 1, 0, -1, 0.5],
          [1, 0, 0.5, 0, -1],
        ],
        targets: [0, 3],
      },
      independent: {
        classWeights: [2.5, 1.25, 0.25 / 0.3, 0.625, 0],
        how: 'by hand: f = (.1, .2, .3, .4), median (.2 + .3)/2 = .25, weights .25/f, empty 0',
      },
    },
    {
      id: 'pinned/rule-2-effective-number-empty-class',
      description: 'Rule 2: effective_number sums to C over all classes, the empty one counted as 0.',
      spec: { specVersion: 1, loss: softmax, class: { strategy: 'effective_number', beta: 0.9 } },
      stats: { classCounts: [1, 0, 3] },
      inputs: { predictions: logits23, targets: [0, 2] },
      independent: {
        classWeights: [(3 * 1) / (1 + 0.1 / 0.271), 0, (3 * (0.1 / 0.271)) / (1 + 0.1 / 0.271)],
        how: 'by hand: raw (0.1/0.1, 0, 0.1/(1-0.9^3)) = (1, 0, 0.369), scaled to sum 3',
      },
    },
    {
      id: 'pinned/rule-3-counts-exclude-masked-not-zero-weight',
      description: 'Rule 3: counts from targets skip masked elements but keep an element whose sample weight is 0.',
      spec: { specVersion: 1, loss: softmax, class: { strategy: 'balanced' }, elements: { maskValue: -1 } },
      inputs: {
        predictions: [
          [0, 1, 0],
          [1, 0, 0],
          [0, 0, 1],
          [0.5, 0, 0],
          [0, 2, 0],
          [1, 1, 0],
        ],
        targets: [0, -1, 1, 1, 2, 0],
        sampleWeights: [1, 1, 1, 0, 1, 1],
      },
      independent: {
        classWeights: [5 / 6, 5 / 6, 5 / 3],
        how: 'by hand: unmasked counts (2, 2, 1), n = 5, balanced 5/(3 n_c); the zero-weight sample counts',
      },
    },
    {
      id: 'pinned/rule-4-sigmoid-smoothing-class-factor-focal-hard-target',
      description: "Rule 4: weights y' a+ + (1-y') a- with y' smoothed; focal p_t and alpha_t from the hard y; sum.",
      spec: {
        specVersion: 1,
        loss: { kind: 'sigmoid_cross_entropy', labelSmoothing: 0.2 },
        class: { strategy: 'manual', positive: [3], negative: [0.5] },
        adaptive: [{ kind: 'focal', gamma: 2, alpha: 0.25 }],
        reduction: { kind: 'sum' },
      },
      inputs: { predictions: [[0.3], [-0.4]], targets: [1, 0] },
      independent: {
        weights: [[0.9 * 3 + 0.1 * 0.5], [0.1 * 3 + 0.9 * 0.5]],
        loss:
          0.25 * (1 - sigmoidOf(0.3)) ** 2 * (3 * 0.9 * softplus(-0.3) + 0.5 * 0.1 * softplus(0.3)) +
          0.75 * sigmoidOf(-0.4) ** 2 * (3 * 0.1 * softplus(0.4) + 0.5 * 0.9 * softplus(-0.4)),
        how: "by hand: y' = 0.9 / 0.1; phi = alpha_t (1-p_t)^2 with the hard y; L = a+ y' sp(-z) + a- (1-y') sp(z)",
      },
    },
  ];
}
