/**
 * Conformance cases for dense outputs (SPEC v1.1 "Dense outputs"): softmax CE on [N,H,W,C] with targets
 * [N,H,W], sigmoid CE and regression on [N,H,W], with per-pixel weights, void labels, class balance
 * over pixels, focal and hard mining over pixels. Every case also carries the loss and weights of the
 * generator's own plain computation (scripts/independent-loss.ts), which generation checks against.
 */
import { independentLoss } from './independent-loss.ts';
import type { IndependentLossCase, Nested } from './independent-loss.ts';
import type { VectorCase } from './vector-case.ts';
import { seeded } from './vector-case.ts';

const round = (value: number) => Math.round(value * 1e4) / 1e4;

/** A tensor of `shape` with uniform values in [-scale, scale] (or [low, high]), rounded to 4 decimals. */
function randomTensor(random: () => number, shape: readonly number[], low: number, high: number): Nested {
  if (shape.length === 0) return round(low + random() * (high - low));
  return Array.from({ length: shape[0] as number }, () => randomTensor(random, shape.slice(1), low, high));
}

/** A tensor of `shape` with integers in [0, classes). */
function randomClasses(random: () => number, shape: readonly number[], classes: number): Nested {
  if (shape.length === 0) return Math.floor(random() * classes);
  return Array.from({ length: shape[0] as number }, () => randomClasses(random, shape.slice(1), classes));
}

/** Replaces the entries at the given flat indices of a nested tensor with `value`. */
function setFlat(tensor: Nested, indices: readonly number[], value: number): Nested {
  let offset = 0;
  const walk = (node: Nested): Nested => {
    if (Array.isArray(node)) return node.map(walk);
    const index = offset++;
    return indices.includes(index) ? value : node;
  };
  return walk(tensor);
}

const how = 'generator float64 computation written from SPEC (scripts/independent-loss.ts), not the core reference';

function withIndependent(
  testCase: Omit<VectorCase, 'independent'>,
  independentCase: IndependentLossCase,
  checkWeights = true,
): VectorCase {
  const { loss, weights } = independentLoss(independentCase);
  return { ...testCase, independent: { loss, ...(checkWeights ? { weights } : {}), how } };
}

export function denseCases(): VectorCase[] {
  const random = seeded(3);
  const cases: VectorCase[] = [];
  const softmax = { kind: 'softmax_cross_entropy' };
  const logits = randomTensor(random, [2, 2, 3, 3], -2, 2);
  const labels = randomClasses(random, [2, 2, 3], 3);
  const pixelWeights = randomTensor(random, [2, 2, 3], 0, 2);
  const voidLabels = setFlat(labels, [1, 4, 9], 255);

  cases.push(
    withIndependent(
      {
        id: 'dense/softmax-nhwc-pixel-weights',
        description: 'Softmax CE on [N,H,W,C] = [2,2,3,3] with a per-pixel weight map [N,H,W] (E = H*W = 6).',
        spec: { specVersion: 1, loss: softmax },
        inputs: { predictions: logits, targets: labels, elementWeights: pixelWeights },
      },
      {
        loss: 'softmax',
        predictions: logits,
        targets: labels,
        elementWeights: pixelWeights,
        reduction: 'weighted_mean',
      },
    ),
  );
  cases.push(
    withIndependent(
      {
        id: 'dense/softmax-void-label-mask',
        description: 'Segmentation with void pixels labelled 255, removed by maskValue (exempt from the class range).',
        spec: { specVersion: 1, loss: softmax, elements: { maskValue: 255 } },
        inputs: { predictions: logits, targets: voidLabels },
      },
      { loss: 'softmax', predictions: logits, targets: voidLabels, maskValue: 255, reduction: 'weighted_mean' },
    ),
  );
  cases.push(
    withIndependent(
      {
        id: 'dense/softmax-balanced-over-pixels',
        description: 'Balanced class weights counted over the unmasked pixels of the batch (void pixels not counted).',
        spec: { specVersion: 1, loss: softmax, class: { strategy: 'balanced' }, elements: { maskValue: 255 } },
        inputs: { predictions: logits, targets: voidLabels },
      },
      {
        loss: 'softmax',
        predictions: logits,
        targets: voidLabels,
        maskValue: 255,
        classWeights: 'balanced',
        reduction: 'weighted_mean',
      },
    ),
  );
  cases.push(
    withIndependent(
      {
        id: 'dense/softmax-spec-element-weights',
        description: 'elements.weights of shape [H,W] = [2,3] (row-major pixel order), broadcast over the samples.',
        spec: {
          specVersion: 1,
          loss: softmax,
          elements: {
            weights: [
              [1, 2, 0],
              [0.5, 1, 3],
            ],
          },
        },
        inputs: { predictions: logits, targets: labels },
      },
      {
        loss: 'softmax',
        predictions: logits,
        targets: labels,
        specElementWeights: [1, 2, 0, 0.5, 1, 3],
        reduction: 'weighted_mean',
      },
    ),
  );
  cases.push(
    withIndependent(
      {
        id: 'dense/softmax-focal-per-class-alpha',
        description: 'Per-pixel softmax focal loss, gamma 2 and alpha per class, with a pixel weight map.',
        spec: { specVersion: 1, loss: softmax, adaptive: [{ kind: 'focal', gamma: 2, alpha: [0.25, 0.5, 1] }] },
        inputs: { predictions: logits, targets: labels, elementWeights: pixelWeights },
      },
      {
        loss: 'softmax',
        predictions: logits,
        targets: labels,
        elementWeights: pixelWeights,
        focal: { gamma: 2, alpha: [0.25, 0.5, 1] },
        reduction: 'weighted_mean',
      },
    ),
  );
  cases.push(
    withIndependent(
      {
        id: 'dense/softmax-hard-pixel-mining',
        description: 'OHEM over pixels: keep the 30% hardest of the 9 unmasked pixels (void pixels never ranked).',
        spec: {
          specVersion: 1,
          loss: softmax,
          elements: { maskValue: 255 },
          adaptive: [{ kind: 'hard_mining', keepFraction: 0.3 }],
        },
        inputs: { predictions: logits, targets: voidLabels },
      },
      {
        loss: 'softmax',
        predictions: logits,
        targets: voidLabels,
        maskValue: 255,
        hardMining: { keepFraction: 0.3, minKeep: 1 },
        reduction: 'weighted_mean',
      },
    ),
  );
  cases.push(
    withIndependent(
      {
        id: 'dense/softmax-nonzero-mean-sample-and-pixel',
        description: 'nonzero_mean with per-sample weights times a pixel map that has zeros.',
        spec: { specVersion: 1, loss: softmax, reduction: { kind: 'nonzero_mean' } },
        inputs: {
          predictions: logits,
          targets: labels,
          sampleWeights: [2, 0.5],
          elementWeights: setFlat(pixelWeights, [0, 7, 8], 0),
        },
      },
      {
        loss: 'softmax',
        predictions: logits,
        targets: labels,
        sampleWeights: [2, 0.5],
        elementWeights: setFlat(pixelWeights, [0, 7, 8], 0),
        reduction: 'nonzero_mean',
      },
    ),
  );
  const volume = randomTensor(random, [1, 2, 2, 2, 2], -2, 2);
  const volumeLabels = randomClasses(random, [1, 2, 2, 2], 2);
  cases.push(
    withIndependent(
      {
        id: 'dense/softmax-volume-sum',
        description: 'A 3-D volume [N,D,H,W,C] = [1,2,2,2,2] (E = 8 voxels), reduction sum.',
        spec: { specVersion: 1, loss: softmax, reduction: { kind: 'sum' } },
        inputs: { predictions: volume, targets: volumeLabels },
      },
      { loss: 'softmax', predictions: volume, targets: volumeLabels, reduction: 'sum' },
    ),
  );

  const sigmoidLogits = randomTensor(random, [2, 3, 3], -3, 3);
  const masks = randomClasses(random, [2, 3, 3], 2);
  cases.push(
    withIndependent(
      {
        id: 'dense/sigmoid-nhw-focal',
        description: 'Binary segmentation [N,H,W] = [2,3,3] from logits with sigmoid focal loss (alpha 0.25, gamma 2).',
        spec: {
          specVersion: 1,
          loss: { kind: 'sigmoid_cross_entropy' },
          adaptive: [{ kind: 'focal', gamma: 2, alpha: 0.25 }],
        },
        inputs: { predictions: sigmoidLogits, targets: masks },
      },
      {
        loss: 'sigmoid',
        predictions: sigmoidLogits,
        targets: masks,
        focal: { gamma: 2, alpha: 0.25 },
        reduction: 'weighted_mean',
      },
    ),
  );
  cases.push(
    withIndependent(
      {
        id: 'dense/sigmoid-nhw-label-weights-last-axis',
        description: 'Sigmoid [N,H,W]: a+ and a- are per label of the last axis (K = W = 3, SPEC: C is the last axis).',
        spec: {
          specVersion: 1,
          loss: { kind: 'sigmoid_cross_entropy' },
          class: { strategy: 'manual', positive: [2, 1, 4], negative: [1, 0.5, 1] },
        },
        inputs: { predictions: sigmoidLogits, targets: masks },
      },
      {
        loss: 'sigmoid',
        predictions: sigmoidLogits,
        targets: masks,
        positiveWeights: [2, 1, 4],
        negativeWeights: [1, 0.5, 1],
        reduction: 'weighted_mean',
      },
    ),
  );
  const sigmoidVoid = setFlat(masks, [2, 11], -1);
  cases.push(
    withIndependent(
      {
        id: 'dense/sigmoid-hard-mining-void',
        description: 'Hard pixel mining on a binary mask with two unlabelled pixels (-1) masked, reduction mean.',
        spec: {
          specVersion: 1,
          loss: { kind: 'sigmoid_cross_entropy' },
          elements: { maskValue: -1 },
          adaptive: [{ kind: 'hard_mining', keepFraction: 0.5, minKeep: 2 }],
          reduction: { kind: 'mean' },
        },
        inputs: { predictions: sigmoidLogits, targets: sigmoidVoid },
      },
      {
        loss: 'sigmoid',
        predictions: sigmoidLogits,
        targets: sigmoidVoid,
        maskValue: -1,
        hardMining: { keepFraction: 0.5, minKeep: 2 },
        reduction: 'mean',
      },
    ),
  );

  const depth = randomTensor(random, [2, 3, 3], -1, 1);
  const depthTargets = randomTensor(random, [2, 3, 3], -1, 1);
  const weightMap = randomTensor(random, [2, 3, 3], 0, 3);
  cases.push(
    withIndependent(
      {
        id: 'dense/regression-mse-weight-map',
        description: 'Per-pixel regression [N,H,W] with MSE and a weight map [N,H,W].',
        spec: { specVersion: 1, loss: { kind: 'mse' } },
        inputs: { predictions: depth, targets: depthTargets, elementWeights: weightMap },
      },
      { loss: 'mse', predictions: depth, targets: depthTargets, elementWeights: weightMap, reduction: 'weighted_mean' },
    ),
  );
  const depthVoid = setFlat(depthTargets, [0, 5, 13], -9);
  cases.push(
    withIndependent(
      {
        id: 'dense/regression-huber-missing-depth',
        description: 'Huber (delta 0.3) on [N,H,W] with missing depth marked -9 and masked, per-sample weights, sum.',
        spec: {
          specVersion: 1,
          loss: { kind: 'huber', delta: 0.3 },
          elements: { maskValue: -9 },
          reduction: { kind: 'sum' },
        },
        inputs: { predictions: depth, targets: depthVoid, sampleWeights: [1, 2.5] },
      },
      {
        loss: 'huber',
        delta: 0.3,
        predictions: depth,
        targets: depthVoid,
        maskValue: -9,
        sampleWeights: [1, 2.5],
        reduction: 'sum',
      },
    ),
  );
  cases.push(
    withIndependent(
      {
        id: 'dense/regression-mae-spec-weights-mean',
        description: 'MAE on [N,H,W] with elements.weights [H*W] = 9 (border pixels down-weighted), reduction mean.',
        spec: {
          specVersion: 1,
          loss: { kind: 'mae' },
          elements: { weights: [0.5, 0.5, 0.5, 0.5, 2, 0.5, 0.5, 0.5, 0.5] },
          reduction: { kind: 'mean' },
        },
        inputs: { predictions: depth, targets: depthTargets },
      },
      {
        loss: 'mae',
        predictions: depth,
        targets: depthTargets,
        specElementWeights: [0.5, 0.5, 0.5, 0.5, 2, 0.5, 0.5, 0.5, 0.5],
        reduction: 'mean',
      },
    ),
  );
  return cases;
}
