/**
 * Builds the conformance vectors from the case lists: expected values from the core's float64
 * reference, the reference gradient checked against central finite differences, and every
 * independently worked value checked against the reference. Any disagreement aborts generation.
 */
import { WeightspecError, prepareWeightingComputation, referenceWeightedLoss } from '@weightspec/core';
import type { VectorCase } from './vector-case.ts';
import { coreCases } from './vector-cases-core.ts';
import { denseCases } from './vector-cases-dense.ts';
import { pinnedRuleCases } from './vector-cases-pinned.ts';
import { ruleCases } from './vector-cases-rules.ts';

const referenceSource = 'core float64 reference (referenceWeightedLoss in @weightspec/core)';

function lossOf(testCase: VectorCase, predictions: unknown): number {
  const computation = prepareWeightingComputation(testCase.spec, { ...testCase.inputs, predictions } as never, {
    stats: testCase.stats,
  });
  return referenceWeightedLoss(computation.spec, computation.scheduled, computation.batch).loss;
}

/** Rebuilds a flat array into the nested shape of `template`. */
function reshapeLike(flat: ArrayLike<number>, template: unknown): unknown {
  let offset = 0;
  const walk = (node: unknown): unknown => (Array.isArray(node) ? node.map(walk) : flat[offset++]);
  return walk(template);
}

/**
 * Weights that move continuously with the predictions (self-paced linear, a soft curriculum ranked by
 * loss) are detached by SPEC, so finite differences of the whole loss would include their slope. For
 * those cases the check freezes w and the denominator at the base point and differences
 * sum_ij w_ij phi_ij(z) l_ij(z) / D instead (valid because no such case uses soft sigmoid targets with
 * class weights, where the numerator is not w * l).
 */
function hasContinuousDetachedWeights(testCase: VectorCase): boolean {
  const spec = testCase.spec as {
    adaptive?: { kind: string; mode?: string }[];
    curriculum?: { mode?: string; difficulty?: string };
  };
  const linearSelfPaced = (spec.adaptive ?? []).some((rule) => rule.kind === 'self_paced' && rule.mode === 'linear');
  return linearSelfPaced || (spec.curriculum?.mode === 'soft' && spec.curriculum.difficulty === 'loss');
}

function frozenWeightLoss(
  testCase: VectorCase,
  predictions: unknown,
  weights: Float64Array,
  denominator: number,
): number {
  const computation = prepareWeightingComputation(testCase.spec, { ...testCase.inputs, predictions } as never, {
    stats: testCase.stats,
  });
  const result = referenceWeightedLoss(computation.spec, computation.scheduled, computation.batch);
  let numerator = 0;
  for (let element = 0; element < weights.length; element += 1)
    numerator +=
      (weights[element] as number) * (result.modulator[element] as number) * (result.elementLoss[element] as number);
  return numerator / denominator;
}

/** Central finite differences of the loss, one prediction at a time. */
function finiteDifferenceGradient(
  testCase: VectorCase,
  base: { weights: Float64Array; denominator: number },
): number[] {
  const template = testCase.inputs.predictions;
  const flat = (JSON.stringify(template).match(/-?[\d.e+-]+/g) ?? []).map(Number);
  const frozen = hasContinuousDetachedWeights(testCase);
  const evaluate = (values: number[]) =>
    frozen
      ? frozenWeightLoss(testCase, reshapeLike(values, template), base.weights, base.denominator)
      : lossOf(testCase, reshapeLike(values, template));
  return flat.map((value, index) => {
    const step = 1e-6 * Math.max(1, Math.abs(value));
    const plus = [...flat];
    const minus = [...flat];
    plus[index] = value + step;
    minus[index] = value - step;
    return (evaluate(plus) - evaluate(minus)) / (2 * step);
  });
}

function assertClose(
  id: string,
  what: string,
  actual: number,
  expected: number,
  relative: number,
  absolute: number,
): void {
  if (!(Math.abs(actual - expected) <= absolute + relative * Math.abs(expected)))
    throw new Error(`${id}: ${what}: reference ${actual} disagrees with the independent value ${expected}`);
}

/** One vector object, ready to be written as JSON. */
export type VectorJson = Record<string, unknown> & { id: string };

function buildVector(testCase: VectorCase): VectorJson {
  const head = { id: testCase.id, description: testCase.description };
  const tail = {
    spec: testCase.spec,
    ...(testCase.stats ? { stats: testCase.stats } : {}),
    inputs: testCase.inputs,
  };
  if (testCase.expectError) {
    try {
      lossOf(testCase, testCase.inputs.predictions);
    } catch (error) {
      if (WeightspecError.isInstance(error) && error.code === testCase.expectError)
        return {
          ...head,
          source: `${referenceSource} raises ${error.code}: ${error.message.split('\n')[0]}`,
          ...tail,
          expected: { error: error.code },
        };
      throw error;
    }
    throw new Error(`${testCase.id}: expected ${testCase.expectError}, but the reference computed a loss`);
  }
  const computation = prepareWeightingComputation(testCase.spec, testCase.inputs as never, { stats: testCase.stats });
  const result = referenceWeightedLoss(computation.spec, computation.scheduled, computation.batch);
  const { sampleCount, elementCount } = computation.batch;
  const weights = Array.from({ length: sampleCount }, (_, sample) =>
    Array.from(result.weights.subarray(sample * elementCount, (sample + 1) * elementCount)),
  );
  const expected: Record<string, unknown> = { loss: Number.isNaN(result.loss) ? 'NaN' : result.loss, weights };
  const scheduled = computation.scheduled;
  if (scheduled.scheduledClassWeights) expected.classWeights = [...scheduled.scheduledClassWeights];
  if (scheduled.scheduledPositiveWeights) expected.positiveWeights = [...scheduled.scheduledPositiveWeights];
  if (scheduled.scheduledNegativeWeights) expected.negativeWeights = [...scheduled.scheduledNegativeWeights];
  let source = `${referenceSource}`;
  if (result.gradient) {
    expected.gradient = reshapeLike(result.gradient, testCase.inputs.predictions);
    if (testCase.checkGradient !== false && sampleCount > 0) {
      const numeric = finiteDifferenceGradient(testCase, result);
      numeric.forEach((value, index) => {
        assertClose(
          testCase.id,
          `gradient[${index}] vs finite differences`,
          result.gradient?.[index] as number,
          value,
          1e-4,
          1e-6,
        );
      });
      source += hasContinuousDetachedWeights(testCase)
        ? '; gradient checked against central finite differences with the detached weights frozen'
        : '; gradient checked against central finite differences';
    }
  }
  const independent = testCase.independent;
  if (independent) {
    const relative = independent.tolerance ?? 1e-12;
    if (independent.loss !== undefined)
      assertClose(testCase.id, 'loss', result.loss, independent.loss, relative, 1e-12);
    const lists = [
      ['weights', independent.weights?.flat(), Array.from(result.weights)],
      ['classWeights', independent.classWeights, scheduled.scheduledClassWeights],
      ['positiveWeights', independent.positiveWeights, scheduled.scheduledPositiveWeights],
      ['negativeWeights', independent.negativeWeights, scheduled.scheduledNegativeWeights],
    ] as const;
    for (const [name, want, got] of lists)
      want?.forEach((value, index) => {
        assertClose(testCase.id, `${name}[${index}]`, got?.[index] as number, value, relative, 1e-12);
      });
    source += `; independently worked: ${independent.how}`;
  }
  return { ...head, source, ...tail, expected, ...(testCase.tolerance ? { tolerance: testCase.tolerance } : {}) };
}

/** Every vector, in a stable order. */
export function buildVectors(): VectorJson[] {
  return [...coreCases(), ...ruleCases(), ...pinnedRuleCases(), ...denseCases()].map(buildVector);
}
