/**
 * Conformance cases for SPEC's "Pinned rules (v1.1)", rules 5-12: ids `pinned/rule-N-...` (rules 1-4 are
 * in vector-cases-pinned-class.ts).
 * Expected values come from the core reference; each case also carries values worked by hand from the
 * rule's text, or from the generator's own computation (scripts/independent-loss.ts).
 */
import { independentLoss } from './independent-loss.ts';
import { pinnedClassRuleCases } from './vector-cases-pinned-class.ts';
import type { VectorCase } from './vector-case.ts';

const softmax = { kind: 'softmax_cross_entropy' };
const sigmoid = { kind: 'sigmoid_cross_entropy' };
const logits23 = [
  [0.5, -1, 2],
  [1, 0.2, -0.5],
];
const softplus = (z: number) => Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
const generator = 'generator float64 computation written from SPEC (scripts/independent-loss.ts)';

function ruleFiveToEight(): VectorCase[] {
  const meanOne = (zeroDenominator: string) => ({
    specVersion: 1,
    loss: softmax,
    sample: { normalize: 'mean_one' },
    reduction: { kind: 'weighted_mean', zeroDenominator },
  });
  const zeroWeights = { predictions: logits23, targets: [0, 1], sampleWeights: [0, 0] };
  const curriculumInputs = {
    predictions: [
      [0, 1],
      [1, 0],
      [0.5, 0.5],
      [2, -1],
    ],
    targets: [0, 1, 0, 1],
    difficulty: [0.3, 0.1, 0.2, 0.4],
  };
  const linearCurriculum = (unit: string) => ({
    specVersion: 1,
    loss: softmax,
    curriculum: { difficulty: 'provided', pacing: { kind: 'linear', start: 0.5 }, unit },
  });
  return [
    {
      id: 'pinned/rule-5-hard-mining-ranks-raw-loss',
      description:
        'Rule 5: OHEM ranks the raw loss (no class weight); a sample of weight 0 is still ranked and takes a slot.',
      spec: {
        specVersion: 1,
        loss: softmax,
        class: { strategy: 'manual', weights: [10, 1] },
        adaptive: [{ kind: 'hard_mining', keepFraction: 0.5 }],
      },
      inputs: {
        predictions: [
          [0, 3],
          [0, 2],
          [1, 0],
          [0, 0.5],
        ],
        targets: [0, 1, 0, 0],
        sampleWeights: [0, 1, 1, 1],
      },
      // Ties are not near, but a finite step can still swap ranks 2 and 3: the weights are piecewise constant.
      independent: {
        weights: [[0], [0], [0], [10]],
        loss: softplus(0.5),
        how: 'by hand: raw losses (3.05, 0.13, 0.31, 0.97) keep samples 0 and 3; sample 0 has weight 0',
      },
    },
    {
      id: 'pinned/rule-6-mean-one-zero-mean-zero',
      description: 'Rule 6: mean_one over all-zero sample weights keeps them 0; zeroDenominator zero gives loss 0.',
      spec: meanOne('zero'),
      inputs: zeroWeights,
      independent: { loss: 0, weights: [[0], [0]], how: 'by hand: weights 0, policy zero' },
    },
    {
      id: 'pinned/rule-6-mean-one-zero-mean-nan',
      description: 'Rule 6: mean_one over all-zero sample weights with zeroDenominator nan gives NaN.',
      spec: meanOne('nan'),
      inputs: zeroWeights,
    },
    {
      id: 'pinned/rule-6-mean-one-zero-mean-error',
      description: 'Rule 6: mean_one over all-zero sample weights with zeroDenominator error.',
      spec: meanOne('error'),
      inputs: zeroWeights,
      expectError: 'WS_ZERO_DENOMINATOR',
    },
    {
      id: 'pinned/rule-7-no-clock-tau-zero',
      description: 'Rule 7: no clock and no totals: tau = 0, g = start = 0.5 admits the 2 easiest of 4.',
      spec: linearCurriculum('epoch'),
      inputs: curriculumInputs,
      independent: { weights: [[0], [1], [1], [0]], how: 'by hand: ceil(0.5 * 4) = 2 easiest, difficulty 0.1, 0.2' },
    },
    {
      id: 'pinned/rule-7-step-zero-without-total-steps',
      description: 'Rule 7: a step curriculum at step 0 (epoch 5) without totalSteps: tau = 0 whatever the epoch.',
      spec: linearCurriculum('step'),
      inputs: { ...curriculumInputs, clock: { epoch: 5, step: 0 } },
      independent: { weights: [[0], [1], [1], [0]], how: 'by hand: tau = 0, g = 0.5' },
    },
    {
      id: 'pinned/rule-7-missing-total-after-zero',
      description: 'Rule 7: at epoch 2 the linear pacing needs totalEpochs: WS_INVALID_INPUT.',
      spec: linearCurriculum('epoch'),
      inputs: { ...curriculumInputs, clock: { epoch: 2 } },
      expectError: 'WS_INVALID_INPUT',
    },
    {
      id: 'pinned/rule-7-negative-clock',
      description: 'Rule 7: a negative clock value is WS_INVALID_INPUT.',
      spec: linearCurriculum('epoch'),
      inputs: { ...curriculumInputs, clock: { epoch: -1, totalEpochs: 4 } },
      expectError: 'WS_INVALID_INPUT',
    },
    {
      id: 'pinned/rule-8-empty-batch-sum-nan',
      description: 'Rule 8: an empty batch under `sum` follows zeroDenominator nan.',
      spec: { specVersion: 1, loss: softmax, reduction: { kind: 'sum', zeroDenominator: 'nan' } },
      inputs: { predictions: [], targets: [] },
    },
    {
      id: 'pinned/rule-8-empty-batch-sum-error',
      description: 'Rule 8: an empty batch under `sum` follows zeroDenominator error.',
      spec: { specVersion: 1, loss: softmax, reduction: { kind: 'sum', zeroDenominator: 'error' } },
      inputs: { predictions: [], targets: [] },
      expectError: 'WS_ZERO_DENOMINATOR',
    },
    {
      id: 'pinned/rule-8-empty-batch-balanced-class-weights',
      description:
        'Rule 8: an empty batch with class weights counted from its (no) targets: every class empty, loss 0.',
      spec: { specVersion: 1, loss: softmax, class: { strategy: 'balanced' } },
      inputs: { predictions: [], targets: [] },
      independent: { loss: 0, how: 'by hand: empty batch, zeroDenominator zero' },
    },
    {
      id: 'pinned/rule-8-empty-batch-manual-class-weights-nan',
      description: 'Rule 8: an empty batch with manual class weights [C] follows zeroDenominator nan.',
      spec: {
        specVersion: 1,
        loss: softmax,
        class: { strategy: 'manual', weights: [1, 2, 3] },
        reduction: { kind: 'weighted_mean', zeroDenominator: 'nan' },
      },
      inputs: { predictions: [], targets: [] },
    },
    {
      id: 'pinned/rule-8-no-elements-sum-nan',
      description: 'Rule 8: E = 0 (predictions [2, 0]) under `sum` follows zeroDenominator nan too.',
      spec: { specVersion: 1, loss: { kind: 'mse' }, reduction: { kind: 'sum', zeroDenominator: 'nan' } },
      inputs: { predictions: [[], []], targets: [[], []] },
    },
  ];
}

function ruleNineToTwelve(): VectorCase[] {
  const logOfClip = -Math.log(1e-7);
  const difficulty = [0.8, 0.1, 0.5, 0.3, 0.9, 0.2, 0.6, 0.4];
  const curriculumLogits = difficulty.map((value, index) => [value, index % 3 === 0 ? 1 : -0.5]);
  const curriculumTargets = difficulty.map((_, index) => index % 2);
  return [
    {
      id: 'pinned/rule-9-sigmoid-probabilities-each-log-clipped',
      description: 'Rule 9: log(max(p, 1e-7)) and log(max(1-p, 1e-7)) on their own; 1 - 0.99999994 is below the clip.',
      spec: {
        specVersion: 1,
        loss: { kind: 'sigmoid_cross_entropy', from: 'probabilities' },
        reduction: { kind: 'sum' },
      },
      inputs: { predictions: [[1], [1], [0.99999994], [0], [0]], targets: [1, 0, 0, 1, 0] },
      // p = 0 and p = 1 sit on the domain's edge: finite differences would leave [0, 1].
      checkGradient: false,
      independent: {
        loss: 3 * logOfClip,
        how: 'by hand: 0 + (-log 1e-7) + (-log 1e-7) + (-log 1e-7) + 0; slopes -1, 0, 0, 0, 1',
      },
    },
    {
      id: 'pinned/rule-9-softmax-probabilities-not-renormalized',
      description: 'Rule 9: softmax rows from probabilities are not renormalized; p_y = 1 gives 0, p_y = 0 the clip.',
      spec: { specVersion: 1, loss: { kind: 'softmax_cross_entropy', from: 'probabilities' } },
      inputs: {
        predictions: [
          [0.2, 0.2, 0.2],
          [1, 0, 0],
          [0, 0.5, 0.5],
        ],
        targets: [0, 0, 0],
      },
      checkGradient: false,
      independent: {
        loss: (-Math.log(0.2) + 0 + logOfClip) / 3,
        how: 'by hand: -log 0.2 (not -log 1/3), -log 1, -log max(0, 1e-7), weighted mean over 3',
      },
    },
    {
      id: 'pinned/rule-10-focal-gamma-half-saturated-sigmoid',
      description: 'Rule 10: sigmoid focal with gamma 0.5 at |z| = 120 (1 - p_t is 0 in float32): finite gradient.',
      spec: { specVersion: 1, loss: sigmoid, adaptive: [{ kind: 'focal', gamma: 0.5 }], reduction: { kind: 'sum' } },
      inputs: { predictions: [[120], [-120], [0.5]], targets: [1, 0, 0] },
      independent: {
        ...independentLoss({
          loss: 'sigmoid',
          predictions: [[120], [-120], [0.5]],
          targets: [1, 0, 0],
          focal: { gamma: 0.5, alpha: null },
          reduction: 'sum',
        }),
        how: generator,
      },
    },
    {
      id: 'pinned/rule-10-focal-gamma-quarter-saturated-softmax',
      description: 'Rule 10: softmax focal with gamma 0.25 where e^-120 underflows float32: finite gradient.',
      spec: { specVersion: 1, loss: softmax, adaptive: [{ kind: 'focal', gamma: 0.25 }] },
      inputs: {
        predictions: [
          [120, 0, 0],
          [0.2, 0.1, -0.3],
        ],
        targets: [0, 2],
      },
      independent: {
        ...independentLoss({
          loss: 'softmax',
          predictions: [
            [120, 0, 0],
            [0.2, 0.1, -0.3],
          ],
          targets: [0, 2],
          focal: { gamma: 0.25, alpha: null },
          reduction: 'weighted_mean',
        }),
        how: generator,
      },
    },
    {
      id: 'pinned/rule-11-tiny-sample-weights',
      description: 'Rule 11: sample weights 1e-40 (subnormal in float32) give the same weighted mean as (1, 3, 2).',
      spec: { specVersion: 1, loss: softmax },
      inputs: { predictions: [...logits23, [0, 0, 1]], targets: [0, 1, 2], sampleWeights: [1e-40, 3e-40, 2e-40] },
      independent: {
        loss: independentLoss({
          loss: 'softmax',
          predictions: [...logits23, [0, 0, 1]],
          targets: [0, 1, 2],
          sampleWeights: [1, 3, 2],
          reduction: 'weighted_mean',
        }).loss,
        tolerance: 1e-10,
        how: `${generator}, on the weights (1, 3, 2): weighted_mean does not see a common factor`,
      },
    },
    {
      id: 'pinned/rule-11-weights-below-float32',
      description: 'Rule 11: sample weights 1e-46 (0 in float32) are not a zero denominator.',
      spec: { specVersion: 1, loss: softmax, reduction: { kind: 'weighted_mean', zeroDenominator: 'error' } },
      inputs: { predictions: logits23, targets: [2, 0], sampleWeights: [1e-46, 2e-46] },
      independent: {
        loss: independentLoss({
          loss: 'softmax',
          predictions: logits23,
          targets: [2, 0],
          sampleWeights: [1, 2],
          reduction: 'weighted_mean',
        }).loss,
        tolerance: 1e-10,
        how: `${generator}, on the weights (1, 2)`,
      },
    },
    {
      id: 'pinned/rule-11-class-weights-near-float64-max',
      description: 'Rule 11: manual class weights 1e308 and 1.5e308, whose sum overflows float64, under weighted_mean.',
      spec: { specVersion: 1, loss: softmax, class: { strategy: 'manual', weights: [1e308, 1.5e308, 1e308] } },
      inputs: { predictions: logits23, targets: [0, 1] },
      independent: {
        loss: independentLoss({
          loss: 'softmax',
          predictions: logits23,
          targets: [0, 1],
          classWeights: [1, 1.5, 1],
          reduction: 'weighted_mean',
        }).loss,
        how: `${generator}, on the class weights (1, 1.5, 1)`,
      },
    },
    {
      id: 'pinned/rule-11-sigmoid-label-weights-near-float64-max',
      description: 'Rule 11: sigmoid a+ = 1e308 and a- = 1.5e308 per label: the weight sum overflows float64.',
      spec: {
        specVersion: 1,
        loss: sigmoid,
        class: { strategy: 'manual', positive: [1e308, 1e308], negative: [1.5e308, 1.5e308] },
      },
      inputs: {
        predictions: [
          [0.3, -1.2],
          [2, 0.1],
        ],
        targets: [
          [1, 0],
          [0, 1],
        ],
      },
      independent: {
        loss: independentLoss({
          loss: 'sigmoid',
          predictions: [
            [0.3, -1.2],
            [2, 0.1],
          ],
          targets: [
            [1, 0],
            [0, 1],
          ],
          positiveWeights: [1, 1],
          negativeWeights: [1.5, 1.5],
          reduction: 'weighted_mean',
        }).loss,
        how: `${generator}, on a+ = 1 and a- = 1.5`,
      },
    },
    {
      id: 'pinned/rule-11-inverse-frequency-huge-power',
      description: 'Rule 11: inverse_frequency with power 2000 (n_c^-p underflows) is computed in log space.',
      spec: { specVersion: 1, loss: softmax, class: { strategy: 'inverse_frequency', power: 2000 } },
      stats: { classCounts: [4, 2] },
      inputs: {
        predictions: [
          [0.5, -1],
          [1, 0.2],
        ],
        targets: [0, 1],
      },
      independent: {
        classWeights: [0, 3],
        how: 'by hand: relative to the rarest class (1 for class 1, 2^-2000 = 0 for class 0), sum n_c w_c = 6 gives 3',
      },
    },
    {
      id: 'pinned/rule-11-exponential-pacing-c-1000',
      description: 'Rule 11: exponential pacing with c = 1000 (e^c overflows) at epoch 5 of 10: h = e^-500, g = start.',
      spec: {
        specVersion: 1,
        loss: softmax,
        curriculum: { difficulty: 'provided', pacing: { kind: 'exponential', start: 0.25, c: 1000 } },
      },
      inputs: {
        predictions: curriculumLogits,
        targets: curriculumTargets,
        difficulty,
        clock: { epoch: 5, totalEpochs: 10 },
      },
      independent: {
        weights: [[0], [1], [0], [0], [0], [1], [0], [0]],
        how: 'by hand: g = 0.25 + 0.75 e^-500, ceil(g * 8) = 2 easiest (difficulty 0.1, 0.2)',
      },
    },
    {
      id: 'pinned/rule-11-mean-one-mean-too-small',
      description: 'Rule 11: mean_one over weights of mean 1e-320, whose 1/mean overflows float64: WS_INVALID_SPEC.',
      spec: { specVersion: 1, loss: softmax, sample: { normalize: 'mean_one' } },
      inputs: { predictions: logits23, targets: [0, 1], sampleWeights: [1e-320, 1e-320] },
      expectError: 'WS_INVALID_SPEC',
    },
    {
      id: 'pinned/rule-12-defaults-focal-and-hard-mining',
      description:
        'Rule 12: focal defaults gamma 2, alpha null; hard_mining minKeep 1 (keepFraction 0.01 of 3 keeps 1).',
      spec: {
        specVersion: 1,
        loss: softmax,
        adaptive: [{ kind: 'focal' }, { kind: 'hard_mining', keepFraction: 0.01 }],
      },
      inputs: { predictions: [...logits23, [0, 0, 1]], targets: [1, 0, 2] },
      independent: {
        ...independentLoss({
          loss: 'softmax',
          predictions: [...logits23, [0, 0, 1]],
          targets: [1, 0, 2],
          focal: { gamma: 2, alpha: null },
          hardMining: { keepFraction: 0.01, minKeep: 1 },
          reduction: 'weighted_mean',
        }),
        how: generator,
      },
    },
    {
      id: 'pinned/rule-12-defaults-step-pacing-select',
      description: 'Rule 12: step pacing defaults levels 4, fullAt 1, mode select: at epoch 6 of 10 g = 0.2 + 0.8/2.',
      spec: {
        specVersion: 1,
        loss: softmax,
        curriculum: { difficulty: 'provided', pacing: { kind: 'step', start: 0.2 } },
      },
      inputs: {
        predictions: curriculumLogits.slice(0, 5),
        targets: curriculumTargets.slice(0, 5),
        difficulty: difficulty.slice(0, 5),
        clock: { epoch: 6, totalEpochs: 10 },
      },
      independent: {
        weights: [[0], [1], [1], [1], [0]],
        how: 'by hand: floor(0.6 * 4)/4 = 0.5, g = 0.6, ceil(0.6 * 5) = 3 easiest (0.1, 0.3, 0.5)',
      },
    },
    {
      id: 'pinned/rule-12-defaults-huber-delta-one',
      description: 'Rule 12: huber delta defaults to 1: residual 2 costs 1.5, residual 0.5 costs 0.125.',
      spec: { specVersion: 1, loss: { kind: 'huber' }, reduction: { kind: 'sum' } },
      inputs: { predictions: [[2], [0.5]], targets: [[0], [0]] },
      independent: { loss: 1.5 + 0.125, how: 'by hand: 1 * (2 - 0.5) + 0.5 * 0.5^2' },
    },
  ];
}

/** One or more cases for each of pinned rules 1-12. */
export function pinnedRuleCases(): VectorCase[] {
  return [...pinnedClassRuleCases(), ...ruleFiveToEight(), ...ruleNineToTwelve()];
}
