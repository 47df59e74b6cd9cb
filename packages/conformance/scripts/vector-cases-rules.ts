/**
 * Conformance cases, part 2: adaptive rules, curriculum pacing, reductions and zero denominators,
 * extreme logits, and one or more error cases per error code that data can trigger.
 */
import type { VectorCase } from './vector-case.ts';
import { randomLabels, randomMatrix, seeded } from './vector-case.ts';

export function ruleCases(): VectorCase[] {
  const random = seeded(2);
  const cases: VectorCase[] = [];
  const logits = randomMatrix(random, 6, 3, 3);
  const labels = randomLabels(random, 6, 3);
  const softmaxSpec = { kind: 'softmax_cross_entropy' };

  // --- Adaptive rules ----------------------------------------------------------------------------
  cases.push({
    id: 'adaptive/focal-softmax',
    description: 'Softmax focal loss, gamma 2, no alpha: phi = (1-p_y)^2 carries gradient.',
    spec: { specVersion: 1, loss: softmaxSpec, adaptive: [{ kind: 'focal', gamma: 2 }] },
    inputs: { predictions: logits, targets: labels },
  });
  cases.push({
    id: 'adaptive/focal-softmax-hand',
    description: 'Softmax focal loss on one sample worked by hand, gamma 2, scalar alpha 0.25, reduction sum.',
    spec: {
      specVersion: 1,
      loss: softmaxSpec,
      adaptive: [{ kind: 'focal', gamma: 2, alpha: 0.25 }],
      reduction: { kind: 'sum' },
    },
    inputs: { predictions: [[0, Math.log(3)]], targets: [1] },
    independent: {
      loss: 0.25 * 0.25 ** 2 * -Math.log(0.75),
      how: 'by hand: p_y = 3/4, phi = 0.25 (1/4)^2, l = -log(3/4)',
    },
  });
  cases.push({
    id: 'adaptive/focal-softmax-alpha-per-class',
    description: 'Softmax focal loss with per-class alpha [C] and class weights.',
    spec: {
      specVersion: 1,
      loss: softmaxSpec,
      class: { strategy: 'balanced' },
      adaptive: [{ kind: 'focal', gamma: 1.5, alpha: [0.25, 0.5, 1] }],
    },
    inputs: { predictions: logits, targets: labels },
  });
  cases.push({
    id: 'adaptive/focal-sigmoid',
    description: 'Sigmoid focal loss (torchvision sigmoid_focal_loss): alpha 0.25, gamma 2.',
    spec: {
      specVersion: 1,
      loss: { kind: 'sigmoid_cross_entropy' },
      adaptive: [{ kind: 'focal', gamma: 2, alpha: 0.25 }],
    },
    inputs: {
      predictions: randomMatrix(random, 4, 2, 3),
      targets: [
        [1, 0],
        [0, 0],
        [1, 1],
        [0, 1],
      ],
    },
  });
  cases.push({
    id: 'adaptive/focal-sigmoid-hand',
    description: 'Sigmoid focal loss on one logit worked by hand, reduction sum.',
    spec: {
      specVersion: 1,
      loss: { kind: 'sigmoid_cross_entropy' },
      adaptive: [{ kind: 'focal', gamma: 2, alpha: 0.25 }],
      reduction: { kind: 'sum' },
    },
    inputs: { predictions: [[0]], targets: [0] },
    independent: {
      loss: 0.75 * 0.5 ** 2 * Math.log(2),
      how: 'by hand: p = 1/2, y = 0: alpha_t = 0.75, (1-p_t)^2 = 1/4, l = log 2',
    },
  });
  cases.push({
    id: 'adaptive/focal-sigmoid-probabilities-smoothing',
    description: 'Sigmoid focal loss from probabilities with label smoothing (p_t uses the hard target).',
    spec: {
      specVersion: 1,
      loss: { kind: 'sigmoid_cross_entropy', from: 'probabilities', labelSmoothing: 0.1 },
      adaptive: [{ kind: 'focal', gamma: 2, alpha: 0.5 }],
    },
    inputs: {
      predictions: [
        [0.9, 0.2],
        [0.3, 0.6],
      ],
      targets: [
        [1, 0],
        [1, 1],
      ],
    },
  });
  cases.push({
    id: 'adaptive/focal-softmax-probabilities',
    description: 'Softmax focal loss from probabilities (clipped), gamma 2.',
    spec: {
      specVersion: 1,
      loss: { kind: 'softmax_cross_entropy', from: 'probabilities' },
      adaptive: [{ kind: 'focal', gamma: 2 }],
    },
    inputs: {
      predictions: [
        [0.7, 0.2, 0.1],
        [0.1, 0.3, 0.6],
        [0.25, 0.25, 0.5],
      ],
      targets: [0, 1, 2],
    },
  });
  cases.push({
    id: 'adaptive/hard-mining-half',
    description: 'OHEM: keep the 3 of 6 elements with the largest raw loss.',
    spec: { specVersion: 1, loss: softmaxSpec, adaptive: [{ kind: 'hard_mining', keepFraction: 0.5 }] },
    inputs: { predictions: logits, targets: labels },
  });
  cases.push({
    id: 'adaptive/hard-mining-ties-lower-index',
    description:
      'OHEM with exact ties: identical rows, the lower flat index wins; keepFraction 0.25 of 4 gives 1, minKeep raises it to 2.',
    spec: { specVersion: 1, loss: softmaxSpec, adaptive: [{ kind: 'hard_mining', keepFraction: 0.25, minKeep: 2 }] },
    inputs: {
      predictions: [
        [1, 0],
        [0, 1],
        [0, 1],
        [0, 1],
      ],
      targets: [0, 0, 0, 0],
    },
    // Perturbing one of the tied rows breaks the tie, so finite differences cross a selection boundary.
    checkGradient: false,
    independent: {
      weights: [[0], [1], [1], [0]],
      how: 'by hand: rows 1-3 tie with the largest loss; k = max(2, ceil(1)) = 2 keeps rows 1 and 2',
    },
  });
  cases.push({
    id: 'adaptive/hard-mining-sequence-masked',
    description: 'OHEM over [N,T] elements with padding masked out (masked elements never count).',
    spec: {
      specVersion: 1,
      loss: softmaxSpec,
      elements: { maskValue: -1 },
      adaptive: [{ kind: 'hard_mining', keepFraction: 0.6 }],
    },
    inputs: {
      predictions: [randomMatrix(random, 3, 3, 2), randomMatrix(random, 3, 3, 2)],
      targets: [
        [0, 1, -1],
        [2, -1, -1],
      ],
    },
  });
  cases.push({
    id: 'adaptive/self-paced-hard',
    description: 'Self-paced learning, hard mode: v = 1[l < lambda], lambda = 1.2 * 1.5^floor(3/2) at epoch 3.',
    spec: {
      specVersion: 1,
      loss: softmaxSpec,
      adaptive: [{ kind: 'self_paced', threshold: 1.2, growth: 1.5, every: 2 }],
    },
    inputs: { predictions: logits, targets: labels, clock: { epoch: 3 } },
  });
  cases.push({
    id: 'adaptive/self-paced-linear-steps',
    description: 'Self-paced learning, linear mode on steps: v = max(0, 1 - l/lambda).',
    spec: {
      specVersion: 1,
      loss: softmaxSpec,
      adaptive: [{ kind: 'self_paced', threshold: 2, mode: 'linear', unit: 'step' }],
    },
    inputs: { predictions: logits, targets: labels, clock: { step: 7 } },
  });
  cases.push({
    id: 'adaptive/self-paced-hand',
    description: 'Self-paced hard mode worked by hand: two samples, lambda = log 3 keeps only the easy one.',
    spec: {
      specVersion: 1,
      loss: softmaxSpec,
      adaptive: [{ kind: 'self_paced', threshold: Math.log(3) }],
      reduction: { kind: 'sum' },
    },
    inputs: {
      predictions: [
        [0, 0],
        [0, 2],
      ],
      targets: [0, 0],
    },
    independent: {
      loss: Math.log(2),
      weights: [[1], [0]],
      how: 'by hand: losses log 2 < log 3 and log(1+e^2) > log 3',
    },
  });
  cases.push({
    id: 'adaptive/rules-combined',
    description: 'Focal, hard mining and self-paced together, with class weights (each rule multiplies).',
    spec: {
      specVersion: 1,
      loss: softmaxSpec,
      class: { strategy: 'balanced' },
      adaptive: [
        { kind: 'focal', gamma: 2 },
        { kind: 'hard_mining', keepFraction: 0.8 },
        { kind: 'self_paced', threshold: 4, mode: 'linear' },
      ],
    },
    inputs: { predictions: logits, targets: labels },
  });

  // --- Curriculum ---------------------------------------------------------------------------------
  const difficulty = [0.9, 0.1, 0.5, 0.3, 0.7, 0.2, 0.8, 0.4];
  const curriculumLogits = randomMatrix(random, 8, 3, 2);
  const curriculumLabels = randomLabels(random, 8, 3);
  const pacings: Record<string, unknown>[] = [
    { kind: 'linear', start: 0.2, fullAt: 0.8 },
    { kind: 'quadratic', start: 0.1 },
    { kind: 'root', start: 0.3 },
    { kind: 'exponential', start: 0.2, c: 5 },
    { kind: 'logarithmic', start: 0.2 },
    { kind: 'step', start: 0.25, levels: 3 },
    { kind: 'fixed_exponential', start: 0.2, increase: 1.9, every: 2 },
  ];
  for (const pacing of pacings)
    for (const mode of ['select', 'soft'])
      cases.push({
        id: `curriculum/${pacing.kind as string}-${mode}`,
        description: `Curriculum with ${pacing.kind as string} pacing in ${mode} mode at epoch 3 of 10, difficulty given.`,
        spec: {
          specVersion: 1,
          loss: softmaxSpec,
          curriculum: { difficulty: 'provided', pacing, mode, softness: 0.3 },
        },
        inputs: {
          predictions: curriculumLogits,
          targets: curriculumLabels,
          difficulty,
          clock: { epoch: 3, totalEpochs: 10 },
        },
      });
  cases.push({
    id: 'curriculum/linear-select-hand',
    description: 'Linear pacing worked by hand: g = 0.2 + 0.8 * (3/10)/0.8 = 0.5 admits the 4 easiest of 8.',
    spec: {
      specVersion: 1,
      loss: softmaxSpec,
      curriculum: { difficulty: 'provided', pacing: { kind: 'linear', start: 0.2, fullAt: 0.8 } },
    },
    inputs: {
      predictions: curriculumLogits,
      targets: curriculumLabels,
      difficulty,
      clock: { epoch: 3, totalEpochs: 10 },
    },
    independent: {
      weights: [[0], [1], [0], [1], [0], [1], [0], [1]],
      how: 'by hand: g = 0.5, ceil(0.5*8) = 4 easiest: difficulties 0.1, 0.2, 0.3, 0.4',
    },
  });
  cases.push({
    id: 'curriculum/loss-difficulty-steps',
    description: "Curriculum ranked by the model's own per-sample loss, root pacing on steps.",
    spec: {
      specVersion: 1,
      loss: softmaxSpec,
      curriculum: { difficulty: 'loss', pacing: { kind: 'root', start: 0.25 }, unit: 'step' },
    },
    inputs: { predictions: curriculumLogits, targets: curriculumLabels, clock: { step: 10, totalSteps: 40 } },
  });
  cases.push({
    id: 'curriculum/soft-sequence-loss-difficulty',
    description: 'Soft curriculum on sequences: difficulty is the mean raw loss over unmasked timesteps.',
    spec: {
      specVersion: 1,
      loss: softmaxSpec,
      elements: { maskValue: -1 },
      curriculum: { difficulty: 'loss', pacing: { kind: 'linear', start: 0.3 }, mode: 'soft', softness: 0.5 },
    },
    inputs: {
      predictions: [
        randomMatrix(random, 2, 3, 2),
        randomMatrix(random, 2, 3, 2),
        randomMatrix(random, 2, 3, 2),
        randomMatrix(random, 2, 3, 2),
      ],
      targets: [
        [0, 1],
        [2, -1],
        [1, 1],
        [0, -1],
      ],
      clock: { epoch: 1, totalEpochs: 5 },
    },
  });

  // --- Reductions and zero denominators ---------------------------------------------------------
  const reductionInputs = { predictions: logits, targets: labels, sampleWeights: [1, 0, 2, 0.5, 0, 1] };
  for (const kind of ['sum', 'mean', 'weighted_mean', 'nonzero_mean'])
    cases.push({
      id: `reduction/${kind.replace('_', '-')}`,
      description: `Reduction ${kind} with sample weights that include zeros.`,
      spec: { specVersion: 1, loss: softmaxSpec, reduction: { kind } },
      inputs: reductionInputs,
    });
  cases.push({
    id: 'reduction/hand-four-kinds-nonzero-mean',
    description: 'nonzero_mean worked by hand: two samples of loss log 2, weights 2 and 0.',
    spec: { specVersion: 1, loss: softmaxSpec, reduction: { kind: 'nonzero_mean' } },
    inputs: {
      predictions: [
        [0, 0],
        [0, 0],
      ],
      targets: [0, 1],
      sampleWeights: [2, 0],
    },
    independent: { loss: 2 * Math.log(2), how: 'by hand: S = 2 log 2, one non-zero weight' },
  });
  for (const [policy, expectError] of [
    ['zero', undefined],
    ['nan', undefined],
    ['error', 'WS_ZERO_DENOMINATOR'],
  ] as const) {
    cases.push({
      id: `zero-denominator/all-weights-zero-${policy}`,
      description: `weighted_mean with every weight 0, zeroDenominator ${policy}.`,
      spec: { specVersion: 1, loss: softmaxSpec, reduction: { kind: 'weighted_mean', zeroDenominator: policy } },
      inputs: {
        predictions: [
          [1, 2],
          [0, 1],
        ],
        targets: [0, 1],
        sampleWeights: [0, 0],
      },
      ...(expectError ? { expectError } : {}),
    });
    cases.push({
      id: `zero-denominator/empty-batch-${policy}`,
      description: `An empty batch under mean, zeroDenominator ${policy}.`,
      spec: { specVersion: 1, loss: softmaxSpec, reduction: { kind: 'mean', zeroDenominator: policy } },
      inputs: { predictions: [], targets: [] },
      ...(expectError ? { expectError } : {}),
    });
  }
  cases.push({
    id: 'zero-denominator/self-paced-rejects-all-nonzero-mean',
    description: 'Self-paced threshold below every loss leaves no non-zero weight; policy zero gives 0.',
    spec: {
      specVersion: 1,
      loss: softmaxSpec,
      adaptive: [{ kind: 'self_paced', threshold: 0.001 }],
      reduction: { kind: 'nonzero_mean' },
    },
    inputs: { predictions: logits, targets: labels },
    independent: { loss: 0, how: 'by hand: every weight is 0, policy zero' },
  });

  // --- Extreme logits ------------------------------------------------------------------------------
  cases.push({
    id: 'extreme/softmax-logits-1e4',
    description: 'Softmax CE with |z| = 1e4: stable log-softmax, no NaN or Inf; includes focal gamma 2.',
    spec: { specVersion: 1, loss: softmaxSpec, adaptive: [{ kind: 'focal', gamma: 2 }], reduction: { kind: 'mean' } },
    // Losses of 1e4 leave float32 frameworks ~1e-8 relative to the loss, i.e. up to ~1e-3 absolute on
    // gradient entries of 1/3; the case is about finite, stable values, so the absolute floor is wider.
    tolerance: { relative: 1e-5, absolute: 1e-3 },
    inputs: {
      predictions: [
        [1e4, -1e4, 0],
        [-1e4, 1e4, 0],
        [0, 0, 1e4],
      ],
      targets: [0, 0, 1],
    },
  });
  cases.push({
    id: 'extreme/sigmoid-logits-1e4',
    description: 'Sigmoid CE with |z| = 1e4 and class weights: stable softplus form.',
    spec: { specVersion: 1, loss: { kind: 'sigmoid_cross_entropy' }, class: { strategy: 'manual', positive: [2] } },
    // Losses of 1e4 leave float32 frameworks ~1e-8 relative to the loss, i.e. up to ~1e-3 absolute on
    // gradient entries of 1/3; the case is about finite, stable values, so the absolute floor is wider.
    tolerance: { relative: 1e-5, absolute: 1e-3 },
    inputs: { predictions: [[1e4], [-1e4], [1e4], [-1e4]], targets: [1, 1, 0, 0] },
    independent: {
      loss: (2 * 1e4 + 1e4) / (2 + 2 + 1 + 1),
      how: 'by hand: losses 0, 2*1e4 (weighted), 1e4, 0 over weights 2, 2, 1, 1',
    },
  });
  cases.push({
    id: 'extreme/sigmoid-focal-logits-1e4',
    description: 'Sigmoid focal loss at |z| = 1e4: (1-p_t) underflows to 0 or saturates without NaN.',
    spec: {
      specVersion: 1,
      loss: { kind: 'sigmoid_cross_entropy' },
      adaptive: [{ kind: 'focal', gamma: 2, alpha: 0.25 }],
      reduction: { kind: 'sum' },
    },
    // Losses of 1e4 leave float32 frameworks ~1e-8 relative to the loss, i.e. up to ~1e-3 absolute on
    // gradient entries of 1/3; the case is about finite, stable values, so the absolute floor is wider.
    tolerance: { relative: 1e-5, absolute: 1e-3 },
    inputs: { predictions: [[1e4], [-1e4]], targets: [0, 0] },
    independent: { loss: 0.75 * 1e4, how: 'by hand: first element p_t = 0: 0.75 * 1 * 1e4; second p_t = 1: 0' },
  });

  // --- Sigmoid (one-vs-all) variants of the rules, so sigmoid-only adapters are checked on them too ---
  const sigmoidSpec = { kind: 'sigmoid_cross_entropy' };
  const sigmoidLogits = randomMatrix(random, 6, 3, 3);
  const sigmoidTargets = [
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
  ];
  const sigmoidDifficulty = [0.6, 0.1, 0.9, 0.35, 0.75, 0.2];
  const sigmoidRuleCases: [string, string, Record<string, unknown>, Record<string, unknown>][] = [
    [
      'hard-mining',
      'OHEM over the N*K one-vs-all elements.',
      { adaptive: [{ kind: 'hard_mining', keepFraction: 0.4 }] },
      {},
    ],
    [
      'self-paced-linear',
      'Self-paced learning, linear mode, on one-vs-all elements.',
      { adaptive: [{ kind: 'self_paced', threshold: 1.5, mode: 'linear', growth: 2, every: 4 }] },
      { clock: { epoch: 5 } },
    ],
    [
      'curriculum-select-provided',
      'Curriculum selection on given difficulty, quadratic pacing.',
      { curriculum: { difficulty: 'provided', pacing: { kind: 'quadratic', start: 0.3 } } },
      { difficulty: sigmoidDifficulty, clock: { epoch: 4, totalEpochs: 8 } },
    ],
    [
      'curriculum-soft-loss',
      'Soft curriculum ranked by mean one-vs-all loss, linear pacing on steps.',
      {
        curriculum: {
          difficulty: 'loss',
          pacing: { kind: 'linear', start: 0.2 },
          mode: 'soft',
          softness: 0.4,
          unit: 'step',
        },
      },
      { clock: { step: 30, totalSteps: 100 } },
    ],
    [
      'balanced-focal-sample-weights',
      'Balanced label weights, focal and per-sample weights together.',
      { class: { strategy: 'balanced' }, adaptive: [{ kind: 'focal', gamma: 2, alpha: 0.25 }] },
      { sampleWeights: [1, 2, 0.5, 1, 0, 3] },
    ],
    [
      'reduction-mean',
      'Reduction mean over N*K elements with per-sample weights.',
      { reduction: { kind: 'mean' } },
      { sampleWeights: [1, 2, 0.5, 1, 0, 3] },
    ],
    [
      'reduction-nonzero-mean',
      'Reduction nonzero_mean with zero per-sample weights.',
      { reduction: { kind: 'nonzero_mean' } },
      { sampleWeights: [1, 0, 0.5, 1, 0, 3] },
    ],
    [
      'reduction-sum-mean-one',
      'Reduction sum with per-sample weights normalized to mean one.',
      { sample: { normalize: 'mean_one' }, reduction: { kind: 'sum' } },
      { sampleWeights: [1, 2, 0.5, 1, 0.5, 3] },
    ],
  ];
  for (const [name, description, blocks, extraInputs] of sigmoidRuleCases)
    cases.push({
      id: `sigmoid/${name}`,
      description: `Sigmoid CE, K = 3: ${description}`,
      spec: { specVersion: 1, loss: sigmoidSpec, ...blocks },
      inputs: { predictions: sigmoidLogits, targets: sigmoidTargets, ...extraInputs },
    });
  cases.push({
    id: 'sigmoid/empty-batch-nan',
    description: 'Sigmoid CE on an empty batch with zeroDenominator nan.',
    spec: { specVersion: 1, loss: sigmoidSpec, reduction: { kind: 'weighted_mean', zeroDenominator: 'nan' } },
    inputs: { predictions: [], targets: [] },
  });
  cases.push({
    id: 'sigmoid/all-weights-zero-error',
    description: 'Sigmoid CE whose weights are all zero, with zeroDenominator error.',
    spec: { specVersion: 1, loss: sigmoidSpec, reduction: { kind: 'weighted_mean', zeroDenominator: 'error' } },
    inputs: { predictions: [[1, -1]], targets: [[1, 0]], sampleWeights: [0] },
    expectError: 'WS_ZERO_DENOMINATOR',
  });

  // --- Errors -------------------------------------------------------------------------------------
  const ok = { predictions: [[1, 0]], targets: [0] };
  const errors: [string, string, unknown, Record<string, unknown>, string][] = [
    [
      'invalid-spec-unknown-key',
      'An unknown key in the spec.',
      { specVersion: 1, loss: softmaxSpec, weighting: {} },
      ok,
      'WS_INVALID_SPEC',
    ],
    [
      'invalid-spec-class-with-regression',
      'Class weights with a regression loss.',
      { specVersion: 1, loss: { kind: 'mse' }, class: { strategy: 'balanced' } },
      ok,
      'WS_INVALID_SPEC',
    ],
    [
      'invalid-spec-proto-key',
      'A __proto__ key in a class map.',
      JSON.parse(
        '{"specVersion":1,"loss":{"kind":"softmax_cross_entropy"},"class":{"strategy":"manual","weights":{"__proto__":2}}}',
      ),
      ok,
      'WS_INVALID_SPEC',
    ],
    [
      'invalid-spec-keep-fraction',
      'hard_mining keepFraction above 1.',
      { specVersion: 1, loss: softmaxSpec, adaptive: [{ kind: 'hard_mining', keepFraction: 1.5 }] },
      ok,
      'WS_INVALID_SPEC',
    ],
    [
      'unsupported-version',
      'specVersion 2 is not read by v1 implementations.',
      { specVersion: 2, loss: softmaxSpec },
      ok,
      'WS_UNSUPPORTED_VERSION',
    ],
    [
      'input-class-out-of-range',
      'A class index >= C.',
      { specVersion: 1, loss: softmaxSpec },
      { predictions: [[1, 0]], targets: [2] },
      'WS_INVALID_INPUT',
    ],
    [
      'input-class-not-integer',
      'A fractional class index.',
      { specVersion: 1, loss: softmaxSpec },
      { predictions: [[1, 0]], targets: [0.5] },
      'WS_INVALID_INPUT',
    ],
    [
      'input-negative-sample-weight',
      'A negative per-sample weight.',
      { specVersion: 1, loss: softmaxSpec },
      { ...ok, sampleWeights: [-1] },
      'WS_INVALID_INPUT',
    ],
    [
      'input-probability-above-one',
      'A probability above 1 with from: probabilities.',
      { specVersion: 1, loss: { kind: 'sigmoid_cross_entropy', from: 'probabilities' } },
      { predictions: [[1.5]], targets: [1] },
      'WS_INVALID_INPUT',
    ],
    [
      'input-shape-mismatch',
      'Targets that do not match the predictions.',
      { specVersion: 1, loss: { kind: 'mse' } },
      { predictions: [[1, 2]], targets: [[1, 2, 3]] },
      'WS_INVALID_INPUT',
    ],
    [
      'input-sample-weight-length',
      'Per-sample weights of the wrong length.',
      { specVersion: 1, loss: softmaxSpec },
      { ...ok, sampleWeights: [1, 2] },
      'WS_INVALID_INPUT',
    ],
    [
      'input-missing-difficulty',
      'curriculum.difficulty provided without difficulty data.',
      {
        specVersion: 1,
        loss: softmaxSpec,
        curriculum: { difficulty: 'provided', pacing: { kind: 'linear', start: 0.5 } },
      },
      { ...ok, clock: { totalEpochs: 2 } },
      'WS_INVALID_INPUT',
    ],
    [
      'input-focal-alpha-length',
      'Per-class focal alpha [C] whose length is not the C of the predictions.',
      { specVersion: 1, loss: softmaxSpec, adaptive: [{ kind: 'focal', alpha: [0.25, 0.5, 1] }] },
      ok,
      'WS_INVALID_INPUT',
    ],
    [
      'zero-denominator-error',
      'nonzero_mean with every weight zero and zeroDenominator error.',
      { specVersion: 1, loss: softmaxSpec, reduction: { kind: 'nonzero_mean', zeroDenominator: 'error' } },
      { ...ok, sampleWeights: [0] },
      'WS_ZERO_DENOMINATOR',
    ],
  ];
  for (const [name, description, spec, inputs, code] of errors)
    cases.push({ id: `error/${name}`, description, spec, inputs, expectError: code });
  return cases;
}
