import type { WeightingBatch } from '../batch/weighting-batch.ts';
import type { WeightingSpec } from '../spec/parse-weighting-spec.ts';

/** Every feature an adapter may or may not support; conformance cases are tagged with the ones they use. */
export const WEIGHTING_FEATURES = Object.freeze([
  'loss.softmax_cross_entropy',
  'loss.sigmoid_cross_entropy',
  'loss.mse',
  'loss.mae',
  'loss.huber',
  'loss.from_probabilities',
  'loss.label_smoothing',
  'shape.sequence',
  'shape.dense',
  'batch.empty',
  'class.weights',
  'class.schedule',
  'sample.weights',
  'elements.weights',
  'elements.mask_value',
  'adaptive.focal',
  'adaptive.hard_mining',
  'adaptive.self_paced',
  'curriculum.select',
  'curriculum.soft',
  'curriculum.difficulty_loss',
  'reduction.sum',
  'reduction.mean',
  'reduction.weighted_mean',
  'reduction.nonzero_mean',
  'zero_denominator.nan',
  'zero_denominator.error',
  'gradient',
] as const);

/** One feature name from WEIGHTING_FEATURES. */
export type WeightingFeature = (typeof WEIGHTING_FEATURES)[number];

/** The features a spec uses on a batch (the batch tells sequence shapes and empty batches). */
export function requiredFeatures(
  spec: WeightingSpec,
  batch?: Pick<WeightingBatch, 'predictionShape' | 'sampleCount' | 'sampleWeights' | 'elementWeights' | 'lossKind'>,
): WeightingFeature[] {
  const features = new Set<WeightingFeature>([`loss.${spec.loss.kind}`]);
  if ('from' in spec.loss && spec.loss.from === 'probabilities') features.add('loss.from_probabilities');
  if ('labelSmoothing' in spec.loss && spec.loss.labelSmoothing > 0) features.add('loss.label_smoothing');
  if (spec.class) features.add('class.weights');
  if (spec.class?.schedule) features.add('class.schedule');
  if (spec.elements?.weights) features.add('elements.weights');
  if (spec.elements?.maskValue !== undefined) features.add('elements.mask_value');
  for (const rule of spec.adaptive ?? []) features.add(`adaptive.${rule.kind}`);
  if (spec.curriculum) {
    features.add(`curriculum.${spec.curriculum.mode}`);
    if (spec.curriculum.difficulty === 'loss') features.add('curriculum.difficulty_loss');
  }
  const reduction = spec.reduction ?? { kind: 'weighted_mean', zeroDenominator: 'zero' };
  features.add(`reduction.${reduction.kind}`);
  if (reduction.zeroDenominator !== 'zero') features.add(`zero_denominator.${reduction.zeroDenominator}`);
  if (batch) {
    if (batch.sampleWeights) features.add('sample.weights');
    if (batch.elementWeights) features.add('elements.weights');
    if (batch.sampleCount === 0) features.add('batch.empty');
    // [N,T,C] softmax, or [N,T,K] / [N,T,D] for the others: more than one axis past the batch axis.
    if (batch.predictionShape.length > 2) features.add('shape.sequence');
    // Dense outputs (SPEC v1.1): two or more element axes, [N,d1..dk,C] softmax (rank >= 4) or
    // [N,d1..dk] sigmoid / regression with k >= 2 (rank >= 3).
    const elementAxes = batch.predictionShape.length - (batch.lossKind === 'softmax_cross_entropy' ? 2 : 1);
    if (elementAxes >= 2) features.add('shape.dense');
  }
  return [...features];
}
