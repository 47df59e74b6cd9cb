import { InvalidInputError, UnsupportedFeatureError } from '@weightspec/core';
import type { TrainingContext } from './mljs-training-paths.ts';
import { readDesignRow } from './mljs-design-matrix.ts';
import type { DesignMatrix } from './mljs-design-matrix.ts';

/**
 * One weighted binary logistic problem in ml-logistic-regression's orientation: the score
 * s_i = x_i . beta is the logit of "not class k". Row i contributes
 *   A_i softplus(s_i) + B_i softplus(-s_i),
 * where A_i = r_i a+_i y'_i weighs -log P(class k) and B_i = r_i a-_i (1 - y'_i) weighs -log P(not
 * class k) (r: row weight, a+/a-: class factors, y': target), the objective gradient descent follows.
 */
export interface WeightedLogisticProblem {
  /** The design as the trainer reads it (the caller's values, feature weights, intercept). */
  readonly design: DesignMatrix;
  readonly rows: number;
  readonly width: number;
  readonly classWeightedTarget: Float64Array;
  readonly classWeightedComplement: Float64Array;
}

/** Options of minimizeWeightedLogistic. */
export interface LbfgsOptions {
  /**
   * Stop when every gradient component of the objective is at most `tolerance` times the problem's
   * total weight sum(A + B) (a tolerance on the weighted-mean objective, independent of row count).
   */
  readonly tolerance: number;
  readonly maxIterations: number;
  /** L2 penalty: (l2 / 2) ||beta||^2 over the first `penalizedColumns` coefficients (not the intercept). */
  readonly l2: number;
  readonly penalizedColumns: number;
  /** Correction pairs kept (L-BFGS memory; default 10, as scipy's L-BFGS-B). */
  readonly memory?: number;
}

/** Where minimizeWeightedLogistic stopped. */
export interface LbfgsResult {
  readonly coefficients: Float64Array;
  readonly objective: number;
  /** Largest gradient component divided by the total weight (compare with `tolerance`). */
  readonly relativeGradient: number;
  readonly iterations: number;
  readonly converged: boolean;
}

/** softplus(s) = log(1 + e^s), without overflow. */
const softplus = (score: number): number => Math.max(score, 0) + Math.log1p(Math.exp(-Math.abs(score)));

/**
 * The weighted objective sum_i A_i softplus(s_i) + B_i softplus(-s_i) + (l2 / 2) ||beta_pen||^2 at
 * `beta`; writes its gradient sum_i (A_i sigma(s_i) - B_i (1 - sigma(s_i))) x_i + l2 beta_pen into
 * `gradient`.
 */
export function weightedLogisticObjective(
  problem: WeightedLogisticProblem,
  beta: Float64Array,
  l2: number,
  penalizedColumns: number,
  gradient: Float64Array,
): number {
  const { design, rows, width, classWeightedTarget, classWeightedComplement } = problem;
  gradient.fill(0);
  let objective = 0;
  const x = new Float64Array(width);
  for (let row = 0; row < rows; row += 1) {
    readDesignRow(design, row, x);
    let score = 0;
    for (let column = 0; column < width; column += 1) score += (x[column] as number) * (beta[column] as number);
    const a = classWeightedTarget[row] as number;
    const b = classWeightedComplement[row] as number;
    if (a === 0 && b === 0) continue;
    const positive = softplus(score);
    // softplus(-s) = softplus(s) - s.
    objective += a * positive + b * (positive - score);
    const sigma = 1 / (1 + Math.exp(-score));
    const slope = a * sigma - b * (1 - sigma);
    for (let column = 0; column < width; column += 1)
      gradient[column] = (gradient[column] as number) + slope * (x[column] as number);
  }
  for (let column = 0; column < penalizedColumns; column += 1) {
    const value = beta[column] as number;
    objective += 0.5 * l2 * value * value;
    gradient[column] = (gradient[column] as number) + l2 * value;
  }
  return objective;
}

const dot = (left: Float64Array, right: Float64Array): number => {
  let sum = 0;
  for (let index = 0; index < left.length; index += 1) sum += (left[index] as number) * (right[index] as number);
  return sum;
};
const maxAbs = (values: Float64Array): number =>
  values.reduce((largest, value) => Math.max(largest, Math.abs(value)), 0);

/**
 * Minimizes a weighted logistic objective from beta = 0 by L-BFGS (Nocedal and Wright, Numerical
 * Optimization, 2nd ed., algorithm 7.4: two-loop recursion with H0 = (s.y / y.y) I) and a backtracking
 * line search on the Armijo condition (c1 = 1e-4). The objective is convex, so the pairs it keeps have
 * s.y > 0 except at rounding level; such pairs are skipped.
 */
export function minimizeWeightedLogistic(problem: WeightedLogisticProblem, options: LbfgsOptions): LbfgsResult {
  const { width } = problem;
  const memory = options.memory ?? 10;
  let totalWeight = 0;
  for (let row = 0; row < problem.rows; row += 1)
    totalWeight += (problem.classWeightedTarget[row] as number) + (problem.classWeightedComplement[row] as number);
  const scale = Math.max(totalWeight, Number.MIN_VALUE);
  let beta = new Float64Array(width);
  let gradient = new Float64Array(width);
  let objective = weightedLogisticObjective(problem, beta, options.l2, options.penalizedColumns, gradient);
  const steps: Float64Array[] = [];
  const changes: Float64Array[] = [];
  const curvatures: number[] = [];
  const direction = new Float64Array(width);
  const alphas = new Float64Array(memory);
  let trialBeta = new Float64Array(width);
  let trialGradient = new Float64Array(width);
  let iterations = 0;
  while (maxAbs(gradient) / scale > options.tolerance && iterations < options.maxIterations) {
    iterations += 1;
    // Two-loop recursion: direction = -H gradient.
    for (let index = 0; index < width; index += 1) direction[index] = -(gradient[index] as number);
    for (let pair = steps.length - 1; pair >= 0; pair -= 1) {
      const alpha = (curvatures[pair] as number) * dot(steps[pair] as Float64Array, direction);
      alphas[pair] = alpha;
      const change = changes[pair] as Float64Array;
      for (let index = 0; index < width; index += 1)
        direction[index] = (direction[index] as number) - alpha * (change[index] as number);
    }
    if (steps.length > 0) {
      const last = changes.at(-1) as Float64Array;
      const gamma = 1 / ((curvatures.at(-1) as number) * dot(last, last));
      for (let index = 0; index < width; index += 1) direction[index] = (direction[index] as number) * gamma;
    } else {
      // First step: at most unit length, as scipy's L-BFGS-B starts.
      const length = Math.sqrt(dot(gradient, gradient));
      if (length > 1)
        for (let index = 0; index < width; index += 1) direction[index] = (direction[index] as number) / length;
    }
    for (let pair = 0; pair < steps.length; pair += 1) {
      const beta2 = (curvatures[pair] as number) * dot(changes[pair] as Float64Array, direction);
      const step = steps[pair] as Float64Array;
      for (let index = 0; index < width; index += 1)
        direction[index] = (direction[index] as number) + ((alphas[pair] as number) - beta2) * (step[index] as number);
    }
    let slope = dot(gradient, direction);
    if (!(slope < 0)) {
      // Not a descent direction (rounding): restart from steepest descent.
      steps.length = 0;
      changes.length = 0;
      curvatures.length = 0;
      for (let index = 0; index < width; index += 1) direction[index] = -(gradient[index] as number);
      slope = -dot(gradient, gradient);
    }
    let stepLength = 1;
    let trialObjective = Number.POSITIVE_INFINITY;
    for (let attempt = 0; attempt < 60; attempt += 1) {
      for (let index = 0; index < width; index += 1)
        trialBeta[index] = (beta[index] as number) + stepLength * (direction[index] as number);
      trialObjective = weightedLogisticObjective(
        problem,
        trialBeta,
        options.l2,
        options.penalizedColumns,
        trialGradient,
      );
      if (trialObjective <= objective + 1e-4 * stepLength * slope) break;
      stepLength *= 0.5;
    }
    if (!(trialObjective <= objective)) break; // no decrease even for a tiny step: at rounding level
    const step = new Float64Array(width);
    const change = new Float64Array(width);
    for (let index = 0; index < width; index += 1) {
      step[index] = (trialBeta[index] as number) - (beta[index] as number);
      change[index] = (trialGradient[index] as number) - (gradient[index] as number);
    }
    const curvature = dot(step, change);
    if (curvature > 1e-12 * Math.sqrt(dot(step, step) * dot(change, change))) {
      if (steps.length === memory) {
        steps.shift();
        changes.shift();
        curvatures.shift();
      }
      steps.push(step);
      changes.push(change);
      curvatures.push(1 / curvature);
    }
    [beta, trialBeta] = [trialBeta, beta];
    [gradient, trialGradient] = [trialGradient, gradient];
    objective = trialObjective;
  }
  const relativeGradient = maxAbs(gradient) / scale;
  return {
    coefficients: beta,
    objective,
    relativeGradient,
    iterations,
    converged: relativeGradient <= options.tolerance,
  };
}

/** Options of trainLbfgsPath (checked here: they come from users). */
export interface LbfgsTrainingOptions {
  readonly tolerance?: number;
  readonly maxIterations?: number;
  readonly l2?: number;
  /** Whether the last design column is the intercept (never penalized). */
  readonly intercept: boolean;
}

/**
 * The one-vs-all problems of a TrainingContext solved to convergence, class by class, with the weights
 * the fused gradient-descent path uses (class factors at step 0, row weights, the spec's element
 * weights). Weights that depend on the loss or move with the steps have no fixed objective to converge
 * on, so they are refused. Returns the flat coefficients (classes x width) and the worst class's result;
 * a class that did not converge within maxIterations raises a process warning named ConvergenceWarning.
 */
export function trainLbfgsPath(
  context: TrainingContext,
  options: LbfgsTrainingOptions,
): { coefficients: Float64Array; iterations: number; converged: boolean; relativeGradient: number } {
  const tolerance = options.tolerance ?? 1e-6;
  const maxIterations = options.maxIterations ?? 1000;
  const l2 = options.l2 ?? 0;
  if (!(Number.isFinite(tolerance) && tolerance > 0))
    throw new InvalidInputError('tolerance', `must be a finite number > 0, got ${tolerance}`);
  if (!Number.isInteger(maxIterations) || maxIterations < 1)
    throw new InvalidInputError('maxIterations', `must be an integer >= 1, got ${maxIterations}`);
  if (!(Number.isFinite(l2) && l2 >= 0)) throw new InvalidInputError('l2', `must be a finite number >= 0, got ${l2}`);
  const selects =
    context.spec?.curriculum != null || (context.spec?.adaptive ?? []).some((rule) => rule.kind !== 'focal');
  if (context.focal || selects)
    throw new UnsupportedFeatureError(
      'mljs',
      context.focal ? 'adaptive.focal' : 'adaptive/curriculum',
      "solver 'lbfgs' minimizes a fixed objective; loss-dependent weights need solver 'gradient_descent'",
    );
  if (context.spec?.class?.schedule)
    throw new UnsupportedFeatureError(
      'mljs',
      'class.schedule',
      "solver 'lbfgs' has no steps to schedule class weights over; use solver 'gradient_descent'",
    );
  const { rows, width, classes, weighting } = context;
  // No class schedule here (refused above), so the scheduled weights are the resolved ones.
  const rowClassWeights = context.spec ? weighting.resolved.classWeights : null;
  const labelPositive = context.spec ? weighting.resolved.positiveWeights : null;
  const labelNegative = context.spec ? weighting.resolved.negativeWeights : null;
  const coefficients = new Float64Array(classes * width);
  let worst = { iterations: 0, converged: true, relativeGradient: 0 };
  for (let label = 0; label < classes; label += 1) {
    const classWeightedTarget = new Float64Array(rows);
    const classWeightedComplement = new Float64Array(rows);
    for (let row = 0; row < rows; row += 1) {
      // As the fused path: a sigmoid spec's per-label factors, or a softmax spec's c_y on both terms.
      const rowClassWeight = rowClassWeights ? (rowClassWeights[weighting.labels[row] as number] as number) : 1;
      const positive = labelPositive ? (labelPositive[label] as number) : rowClassWeight;
      const negative = labelNegative ? (labelNegative[label] as number) : rowClassWeight;
      const rest =
        (weighting.rowWeights ? (weighting.rowWeights[row] as number) : 1) *
        (context.elementWeights ? (context.elementWeights[context.isSoftmax ? 0 : label] as number) : 1);
      const target = weighting.targetTable[(weighting.labels[row] as number) * classes + label] as number;
      classWeightedTarget[row] = rest * positive * target;
      classWeightedComplement[row] = rest * negative * (1 - target);
    }
    const result = minimizeWeightedLogistic(
      { design: context.design, rows, width, classWeightedTarget, classWeightedComplement },
      { tolerance, maxIterations, l2, penalizedColumns: options.intercept ? width - 1 : width },
    );
    coefficients.set(result.coefficients, label * width);
    worst = {
      iterations: Math.max(worst.iterations, result.iterations),
      converged: worst.converged && result.converged,
      relativeGradient: Math.max(worst.relativeGradient, result.relativeGradient),
    };
  }
  if (!worst.converged)
    // As scikit-learn's ConvergenceWarning: the model is usable but not at the optimum (separable data
    // without l2 never converges: the coefficients grow without bound).
    globalThis.process?.emitWarning?.(
      `trainWeightedLogisticRegression: solver 'lbfgs' stopped after ${maxIterations} iterations with a relative gradient of ${worst.relativeGradient.toExponential(2)} > tolerance ${tolerance}; raise maxIterations, loosen tolerance or add l2`,
      'ConvergenceWarning',
    );
  return { coefficients, ...worst };
}
