import type { ScheduledWeighting, WeightingSpec } from '@weightspec/core';
import { attribute, OnnxGraphBuilder } from './onnx-graph-builder.ts';

/** Keras' epsilon: each log argument a is clipped on its own, log(max(a, EPSILON)) (SPEC pinned rule 9). */
const EPSILON = 1e-7;
/** Smallest normal float32: the floor under a zero denominator. */
const FLOAT32_SMALLEST_NORMAL = 1.1754943508222875e-38;

/**
 * Names of the values of a weighted-loss graph. Layout: predictions [R, W] where a row holds one
 * softmax element's C scores (W = C), or K sigmoid labels / D regression outputs (W = K or D);
 * `rest` (every weight factor but the class factor) and the per-element outputs are [R, 1] for
 * softmax and [R, W] otherwise.
 */
export interface WeightedLossGraph {
  readonly builder: OnnxGraphBuilder;
  readonly predictions: string;
  /** Softmax: one-hot targets [R, C] (all zero on masked rows); others: target values [R, W]. */
  readonly targets: string;
  readonly rest: string;
  /** 1 for kept elements, 0 for masked ones; shape of `rest`. */
  readonly keep: string;
  readonly loss: string;
  readonly rawLoss: string;
  readonly weights: string;
  readonly denominator: string;
}

/**
 * log(max(a, 1e-7)) as Where(a >= 1e-7, a, 1e-7): the clip on one log argument (SPEC pinned rule 9), with
 * the gradient passed where a >= 1e-7 (as torch.clamp) through the Where backward rule.
 */
function clippedLog(b: OnnxGraphBuilder, argument: string): string {
  const epsilon = b.constant(EPSILON);
  return b.node('Log', [b.node('Where', [b.node('GreaterOrEqual', [argument, epsilon]), argument, epsilon])]);
}

/**
 * x^gamma for the focal modulator with value 0 and gradient 0 at x = 0 (SPEC pinned rule 10): ONNX
 * Runtime's float32 Sigmoid returns exactly 0 below about -18, and Pow's backward rule would compute
 * gamma * 0^(gamma-1) = 0 * Infinity there. gamma = 0 gives the constant 1.
 */
function safePower(b: OnnxGraphBuilder, x: string, gamma: number, nonNegative = false): string {
  if (gamma === 0) return b.constant(1);
  // x >= 0 and gamma > 1: Pow itself is 0 with gradient gamma * 0^(gamma-1) = 0 at x = 0, so the guard
  // (4 forward and about 7 backward nodes, each an ONNX Runtime dispatch) changes nothing there.
  if (nonNegative && gamma > 1) return b.node('Pow', [x, b.constant(gamma)]);
  const positive = b.node('Greater', [x, b.constant(0)]);
  const base = b.node('Where', [positive, x, b.constant(1)]);
  return b.node('Where', [positive, b.node('Pow', [base, b.constant(gamma)]), b.constant(0)]);
}

/** The per-element raw loss, class-weighted loss, class factor and focal modulator as graph values. */
function elementTerms(
  b: OnnxGraphBuilder,
  spec: WeightingSpec,
  scheduled: ScheduledWeighting,
  predictions: string,
  targets: string,
  width: number,
) {
  const loss = spec.loss;
  const one = b.constant(1);
  const focal = (spec.adaptive ?? []).find((rule) => rule.kind === 'focal');
  const lastAxis = b.constant([1], [1], 'int64');
  const rowSum = (value: string) => b.node('ReduceSum', [value, lastAxis], { keepdims: attribute.int(1) });
  if (loss.kind === 'softmax_cross_entropy') {
    const smoothed = b.node('Add', [
      b.node('Mul', [targets, b.constant(1 - loss.labelSmoothing)]),
      b.constant(loss.labelSmoothing / width),
    ]);
    // Masked rows have all-zero one-hot targets; smoothing must not give them a loss.
    const rowHasTarget = rowSum(targets);
    let logProbabilities: string;
    let oneMinusTrue: () => string;
    if (loss.from === 'logits') {
      logProbabilities = b.node('LogSoftmax', [predictions], { axis: attribute.int(-1) });
      // 1 - p_y as the sum of the other classes' probabilities, exact where p_y rounds to 1.
      oneMinusTrue = () => rowSum(b.node('Mul', [b.node('Exp', [logProbabilities]), b.node('Sub', [one, targets])]));
    } else {
      logProbabilities = clippedLog(b, predictions);
      // Focal reads p_y as given: the clip belongs to the log argument only.
      oneMinusTrue = () => b.node('Sub', [one, rowSum(b.node('Mul', [predictions, targets]))]);
    }
    const rawLoss = b.node('Mul', [b.node('Neg', [rowSum(b.node('Mul', [smoothed, logProbabilities]))]), rowHasTarget]);
    const classFactor = scheduled.scheduledClassWeights
      ? rowSum(b.node('Mul', [targets, b.constant(scheduled.scheduledClassWeights, [width])]))
      : rowHasTarget;
    let modulator: string | null = null;
    if (focal?.kind === 'focal') {
      const alpha =
        focal.alpha === null
          ? one
          : typeof focal.alpha === 'number'
            ? b.constant(focal.alpha)
            : rowSum(b.node('Mul', [targets, b.constant(focal.alpha, [width])]));
      // From logits, 1 - p_y is a sum of exponentials times (1 - one-hot): never negative.
      modulator = b.node('Mul', [alpha, safePower(b, oneMinusTrue(), focal.gamma, loss.from === 'logits')]);
    }
    return { rawLoss, classLoss: b.node('Mul', [rawLoss, classFactor]), classFactor, modulator };
  }
  if (loss.kind === 'sigmoid_cross_entropy') {
    const smoothed = b.node('Add', [
      b.node('Mul', [targets, b.constant(1 - loss.labelSmoothing)]),
      b.constant(loss.labelSmoothing / 2),
    ]);
    const notSmoothed = b.node('Sub', [one, smoothed]);
    let positiveTerm: string;
    let negativeTerm: string;
    let probability: string;
    let complement: string;
    if (loss.from === 'logits') {
      positiveTerm = b.node('Softplus', [b.node('Neg', [predictions])]);
      negativeTerm = b.node('Softplus', [predictions]);
      probability = b.node('Sigmoid', [predictions]);
      complement = b.node('Sigmoid', [b.node('Neg', [predictions])]);
    } else {
      // 1 - clip(p) is not float32-exact (1 - 1e-7 rounds to 0.99999988): clip each log argument instead.
      probability = predictions;
      complement = b.node('Sub', [one, predictions]);
      positiveTerm = b.node('Neg', [clippedLog(b, probability)]);
      negativeTerm = b.node('Neg', [clippedLog(b, complement)]);
    }
    const positiveWeights = b.constant(scheduled.scheduledPositiveWeights ?? new Array<number>(width).fill(1), [width]);
    const negativeWeights = b.constant(scheduled.scheduledNegativeWeights ?? new Array<number>(width).fill(1), [width]);
    const rawLoss = b.node('Add', [
      b.node('Mul', [smoothed, positiveTerm]),
      b.node('Mul', [notSmoothed, negativeTerm]),
    ]);
    const classLoss = b.node('Add', [
      b.node('Mul', [b.node('Mul', [smoothed, positiveTerm]), positiveWeights]),
      b.node('Mul', [b.node('Mul', [notSmoothed, negativeTerm]), negativeWeights]),
    ]);
    const classFactor = b.node('Add', [
      b.node('Mul', [smoothed, positiveWeights]),
      b.node('Mul', [notSmoothed, negativeWeights]),
    ]);
    let modulator: string | null = null;
    if (focal?.kind === 'focal') {
      const notTarget = b.node('Sub', [one, targets]);
      const oneMinusPt = b.node('Add', [b.node('Mul', [targets, complement]), b.node('Mul', [notTarget, probability])]);
      const alpha =
        focal.alpha === null
          ? one
          : b.node('Add', [
              b.node('Mul', [targets, b.constant(focal.alpha as number)]),
              b.node('Mul', [notTarget, b.constant(1 - (focal.alpha as number))]),
            ]);
      modulator = b.node('Mul', [alpha, safePower(b, oneMinusPt, focal.gamma)]);
    }
    return { rawLoss, classLoss, classFactor, modulator };
  }
  const difference = b.node('Sub', [predictions, targets]);
  let rawLoss: string;
  if (loss.kind === 'mse') rawLoss = b.node('Mul', [difference, difference]);
  else if (loss.kind === 'mae') rawLoss = b.node('Abs', [difference]);
  else {
    const size = b.node('Abs', [difference]);
    const quadratic = b.node('Mul', [b.node('Mul', [difference, difference]), b.constant(0.5)]);
    const linear = b.node('Mul', [b.node('Sub', [size, b.constant(0.5 * loss.delta)]), b.constant(loss.delta)]);
    rawLoss = b.node('Where', [b.node('LessOrEqual', [size, b.constant(loss.delta)]), quadratic, linear]);
  }
  return { rawLoss, classLoss: rawLoss, classFactor: null, modulator: null };
}

/**
 * Builds SPEC's weighted loss as ONNX ops: class weights (at the clock) folded in as constants, the
 * per-element `rest` weights and the mask as graph inputs, focal as a differentiable modulator, and
 * the reduction guarded against a zero denominator (a zero denominator means a zero numerator, so a
 * float32 floor gives SPEC's 0; `nan` selects NaN; `error` is raised by the caller from the
 * `denominator` output).
 */
export function buildWeightedLossGraph(
  spec: WeightingSpec,
  scheduled: ScheduledWeighting,
  width: number,
): WeightedLossGraph {
  const builder = new OnnxGraphBuilder('weightspec_weighted_loss');
  const predictions = builder.input('predictions', 'float', ['R', width]);
  const graph = appendWeightedLoss(builder, spec, scheduled, predictions, width, 'R');
  for (const name of [graph.loss, graph.rawLoss, graph.weights, graph.denominator]) builder.output(name);
  return graph;
}

/**
 * Appends the weighted loss of `predictions` [rows, width] to a graph (a training step's forward
 * pass, say), adding the `targets`, `rest` and `keep` inputs with `rows` as their first dimension.
 */
export function appendWeightedLoss(
  b: OnnxGraphBuilder,
  spec: WeightingSpec,
  scheduled: ScheduledWeighting,
  predictions: string,
  width: number,
  rows: string,
): WeightedLossGraph {
  const isSoftmax = spec.loss.kind === 'softmax_cross_entropy';
  const restWidth = isSoftmax ? 1 : width;
  const targets = b.input('targets', 'float', [rows, width]);
  const rest = b.input('rest', 'float', [rows, restWidth]);
  const keep = b.input('keep', 'float', [rows, restWidth]);
  const terms = elementTerms(b, spec, scheduled, predictions, targets, width);
  const rawLoss = b.node('Mul', [terms.rawLoss, keep], {}, { output: 'raw_loss' });
  const classFactor = terms.classFactor ? b.node('Mul', [terms.classFactor, keep]) : keep;
  const weights = b.node('Mul', [classFactor, rest], {}, { output: 'weights' });
  const perElement = terms.modulator ? b.node('Mul', [terms.modulator, terms.classLoss]) : terms.classLoss;
  const all = b.constant([0, 1], [2], 'int64');
  const total = (value: string) => b.node('ReduceSum', [value, all], { keepdims: attribute.int(0) }, { shape: [] });
  const numerator = total(b.node('Mul', [b.node('Mul', [perElement, keep]), rest]));
  const reduction = spec.reduction ?? { kind: 'weighted_mean', zeroDenominator: 'zero' };
  let denominator: string;
  // An empty batch never reaches the graph (callers apply the policy), so `sum` divides by 1.
  if (reduction.kind === 'sum') denominator = b.constant(1);
  else if (reduction.kind === 'mean')
    denominator = b.node(
      'Cast',
      [b.node('Size', [weights], {}, { shape: [], type: 'int64' })],
      { to: attribute.int(1) },
      { shape: [] },
    );
  else if (reduction.kind === 'weighted_mean') denominator = total(weights);
  else
    denominator = total(
      b.node('Cast', [b.node('Not', [b.node('Equal', [weights, b.constant(0)])])], { to: attribute.int(1) }),
    );
  denominator = b.node('Identity', [denominator], {}, { output: 'denominator' });
  let loss = b.node('Div', [numerator, b.node('Max', [denominator, b.constant(FLOAT32_SMALLEST_NORMAL)])]);
  if (reduction.zeroDenominator === 'nan')
    loss = b.node('Where', [b.node('Equal', [denominator, b.constant(0)]), b.constant(Number.NaN), loss]);
  loss = b.node('Identity', [loss], {}, { output: 'loss' });
  return { builder: b, predictions, targets, rest, keep, loss, rawLoss, weights, denominator };
}
