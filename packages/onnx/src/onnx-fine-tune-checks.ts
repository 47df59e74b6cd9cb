import type { WeightingSpec } from '@weightspec/core';
import { describeValue, InvalidInputError, WeightspecError, ZeroDenominatorError } from '@weightspec/core';

/** The spec's reduction, with SPEC's default (weighted_mean, zeroDenominator zero). */
const reductionOf = (spec: WeightingSpec) => spec.reduction ?? { kind: 'weighted_mean', zeroDenominator: 'zero' };

/** Rows given to a fine-tuner call: an array (of flat samples, or of targets), else a typed error. */
export function checkRowList(field: string, value: unknown): void {
  if (!Array.isArray(value))
    throw new InvalidInputError(
      field,
      `must be an array with one entry per row, got ${ArrayBuffer.isView(value) ? 'a typed array' : describeValue(value)}`,
    );
}

/**
 * Per-sample `rest` weights for one float32 graph run, from float64 products. SPEC pinned rule 11: for
 * weighted_mean the weights are divided by their maximum before the float32 cast (the scale cancels in
 * the loss and its gradient), so huge weights whose sum overflows float32 (4 x 1e38) or tiny ones below
 * its normal range still give the reference result. Other reductions keep the weights as given: their
 * loss scales with the weights, and a sum that overflows is refused by checkStepOutcome.
 */
export function float32Rest(spec: WeightingSpec, weights: Float64Array): Float32Array {
  if (reductionOf(spec).kind !== 'weighted_mean') return Float32Array.from(weights);
  let maximum = 0;
  for (const weight of weights) if (weight > maximum) maximum = weight;
  return maximum === 0 ? Float32Array.from(weights) : Float32Array.from(weights, (weight) => weight / maximum);
}

/**
 * Whether every value is finite: x * 0 is NaN exactly for NaN and the infinities. Four running sums
 * break the loop's add-to-add dependency (about 0.12 ms for LeNet's 185k parameters and moments here,
 * against 0.4 ms for one sum).
 */
export function allFinite(values: ArrayLike<number>): boolean {
  let first = 0;
  let second = 0;
  let third = 0;
  let fourth = 0;
  const whole = values.length & ~3;
  let index = 0;
  for (; index < whole; index += 4) {
    first += (values[index] as number) * 0;
    second += (values[index + 1] as number) * 0;
    third += (values[index + 2] as number) * 0;
    fourth += (values[index + 3] as number) * 0;
  }
  for (; index < values.length; index += 1) first += (values[index] as number) * 0;
  return first + second + third + fourth === 0;
}

/**
 * SPEC "reduction": a zero denominator under `zeroDenominator: error` is WS_ZERO_DENOMINATOR (a
 * training step is refused before its update is taken); `nan` asks for the NaN loss it gets.
 */
function checkDenominator(spec: WeightingSpec, denominator: number, what: string): void {
  const reduction = reductionOf(spec);
  if (denominator === 0 && reduction.zeroDenominator === 'error')
    throw new ZeroDenominatorError(reduction.kind, `every weight of ${what} is 0`);
}

/**
 * A step's outcome before it is applied (SPEC: never a silent NaN). Refuses, with the parameters left
 * as they were: a zero denominator under `zeroDenominator: error`; a loss that is not finite unless it
 * is the NaN `zeroDenominator: nan` asks for; `values` (an applied step's next parameters, moments and
 * running statistics, or the gradients when none is applied) that are not finite (a float32 overflow
 * in the forward or backward pass).
 */
export function checkStepOutcome(
  spec: WeightingSpec,
  outcome: {
    readonly loss: number;
    readonly denominator: number;
    readonly values: readonly ArrayLike<number>[];
    readonly applied: boolean;
  },
): void {
  checkDenominator(spec, outcome.denominator, 'this batch');
  const askedForNaN =
    Number.isNaN(outcome.loss) && outcome.denominator === 0 && reductionOf(spec).zeroDenominator === 'nan';
  const finiteLoss = Number.isFinite(outcome.loss) || askedForNaN;
  if (finiteLoss && outcome.values.every(allFinite)) return;
  const what = outcome.applied ? 'parameters or optimizer state' : 'gradients';
  throw new InvalidInputError(
    'training',
    `the step gave ${finiteLoss ? `non-finite ${what}` : `a loss of ${outcome.loss}`} (float32 overflow)` +
      `${outcome.applied ? '; the update was not taken' : ''}: scale the features or the weights down, or lower the learning rate`,
  );
}

/** An evaluation's loss (SPEC: the zeroDenominator policy; any other non-finite loss is refused). */
export function checkEvaluationLoss(spec: WeightingSpec, loss: number, denominator: number): number {
  checkDenominator(spec, denominator, 'the evaluated rows');
  if (Number.isFinite(loss) || (denominator === 0 && reductionOf(spec).zeroDenominator === 'nan')) return loss;
  throw new InvalidInputError(
    'evaluation',
    `the loss is ${loss} (float32 overflow in the model or the loss); scale the features or the weights down`,
  );
}

/** Predictions must be finite: a row whose output overflows float32 is named, never returned as NaN. */
export function checkPredictions<Rows extends readonly (readonly number[])[]>(predictions: Rows): Rows {
  const row = predictions.findIndex((values) => !allFinite(values));
  if (row >= 0)
    throw new InvalidInputError(
      `features[${row}]`,
      "the model's output for this row is not finite (float32 overflow); scale the features down",
    );
  return predictions;
}

/**
 * ONNX Runtime's own failure on a graph made from the user's model (its shape inference rejecting an
 * axis, a Gather index past the table) as an InvalidInputError on `model` with the runtime's first
 * line, instead of a raw Error; this package's typed errors pass through unchanged.
 */
export async function runtimeCall<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (WeightspecError.isInstance(error)) throw error;
    const message = (error instanceof Error ? error.message : String(error)).split('\n', 1)[0] ?? '';
    throw new InvalidInputError('model', `ONNX Runtime ${what}: ${message}`);
  }
}
