import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  MAXIMUM_GENERATED_WIDTH,
  fusedLossParts,
  fusedStepAnyWidth,
  generatedKernelSource,
  selectFusedKernel,
} from './mljs-fused-step.ts';
import type { FusedKernel } from './mljs-fused-step.ts';
import { materializedReferenceStep, randomFusedProblem } from './test-fused-problem.ts';
import type { RandomProblemShape } from './test-fused-problem.ts';

function trainWith(kernel: FusedKernel, shape: RandomProblemShape): Float64Array {
  const problem = randomFusedProblem(shape);
  const coefficients = new Float64Array(problem.classes * problem.width);
  for (let step = 0; step < 25; step += 1) kernel(problem, coefficients, 0.05);
  return coefficients;
}

describe('fused step kernels', () => {
  afterEach(() => vi.unstubAllGlobals());

  // The loop kernel is the reference: it is checked against ml.js itself in
  // mljs-weighted-training.test.ts; the generated ones must not differ from it in any bit.
  for (const width of [1, 2, 3, 4, 5, 8, 13, MAXIMUM_GENERATED_WIDTH])
    for (const intercept of [false, true])
      it(`the kernel generated for width ${width} (intercept ${intercept}) equals the loop kernel bit for bit`, () => {
        const columns = width - (intercept ? 1 : 0);
        const kernel = selectFusedKernel(columns, intercept);
        expect(kernel).not.toBe(fusedStepAnyWidth);
        for (const float32 of [false, true]) {
          const shape = {
            rows: 31,
            columns,
            intercept,
            float32,
            featureWeights: width % 2 === 1,
            unitRowWeights: float32 && width % 3 === 0,
            seed: 100 + width,
          };
          const generated = trainWith(kernel, shape);
          expect(generated.some((value) => value !== 0)).toBe(true);
          expect(generated).toEqual(trainWith(fusedStepAnyWidth, shape));
        }
      });

  // Reference: the former kernel on a materialized float64 design and N x K scale arrays (the test
  // support file builds them); reading the values, feature scales, row weights and tables in the
  // kernel forms the same products in the same order, so not one bit may differ.
  for (const shape of [
    { rows: 31, columns: 4, intercept: true, float32: true, featureWeights: true, seed: 1 },
    { rows: 30, columns: 1, intercept: false, float32: false, featureWeights: false, seed: 2 },
    { rows: 23, columns: 3, intercept: true, float32: true, featureWeights: true, unitRowWeights: true, seed: 6 },
    { rows: 17, columns: 9, intercept: true, float32: false, featureWeights: true, classes: 5, seed: 3 },
    { rows: 12, columns: 70, intercept: true, float32: true, featureWeights: false, seed: 4 },
  ])
    it(`equals the materialized float64 reference bit for bit (${shape.rows} x ${shape.columns}, intercept ${shape.intercept}, float32 ${shape.float32})`, () => {
      const problem = randomFusedProblem(shape);
      const reference = new Float64Array(problem.classes * problem.width);
      for (let step = 0; step < 25; step += 1) materializedReferenceStep(problem, reference, 0.05);
      expect(reference.some((value) => Math.abs(value) > 0.01)).toBe(true);
      expect(trainWith(fusedStepAnyWidth, shape)).toEqual(reference);
      expect(trainWith(selectFusedKernel(shape.columns, shape.intercept), shape)).toEqual(reference);
    });

  it('sums the loss parts from the factored scales as from per-element ones', () => {
    const problem = randomFusedProblem({ rows: 9, columns: 2, intercept: true, float32: true, seed: 5 });
    const coefficients = Float64Array.from({ length: problem.classes * problem.width }, (_, index) => index / 7 - 0.6);
    // Worked element by element: w = -sP + sC, loss -sP softplus(s) + sC softplus(-s).
    let numerator = 0;
    let weightSum = 0;
    let nonZeroWeights = 0;
    for (let label = 0; label < problem.classes; label += 1)
      for (let row = 0; row < problem.rows; row += 1) {
        const values = problem.design.values;
        const score =
          0 +
          (values[row * 2] as number) * (coefficients[label * 3] as number) +
          (values[row * 2 + 1] as number) * (coefficients[label * 3 + 1] as number) +
          (coefficients[label * 3 + 2] as number);
        const rest = (problem.rowWeights?.[row] ?? 1) * (problem.elementWeights[label] as number);
        const entry = (problem.labels[row] as number) * problem.classes + label;
        const positive = -(rest * (problem.probabilityTable[entry] as number));
        const negative = rest * (problem.complementTable[entry] as number);
        numerator += positive * Math.log1p(Math.exp(score)) + negative * Math.log1p(Math.exp(-score));
        weightSum += positive + negative;
        if (positive + negative !== 0) nonZeroWeights += 1;
      }
    const parts = fusedLossParts(problem, coefficients);
    expect(parts.numerator).toBeCloseTo(numerator, 12);
    expect(parts.weightSum).toBeCloseTo(weightSum, 12);
    expect(parts.nonZeroWeights).toBe(nonZeroWeights);
    expect(nonZeroWeights).toBeLessThan(problem.rows * problem.classes);
    expect(fusedLossParts(problem, null)).toEqual({ numerator: 0, weightSum: parts.weightSum, nonZeroWeights });
  });

  it('uses the loop kernel past the generated width', () => {
    expect(selectFusedKernel(MAXIMUM_GENERATED_WIDTH + 1)).toBe(fusedStepAnyWidth);
    expect(selectFusedKernel(MAXIMUM_GENERATED_WIDTH, true)).toBe(fusedStepAnyWidth);
  });

  it('falls back to the loop kernel where code generation is forbidden (CSP without unsafe-eval)', () => {
    vi.stubGlobal('Function', function forbidden() {
      throw new EvalError('Code generation from strings disallowed for this context');
    });
    // 37 is a width no other test generated, so the cache cannot answer.
    expect(selectFusedKernel(37)).toBe(fusedStepAnyWidth);
  });

  it('splices only the width into the source and refuses a non-integer width', () => {
    expect(generatedKernelSource(2)).toContain('const score = 0 + x0 * w0 + x1 * w1;');
    expect(generatedKernelSource(1, true)).toContain('const x1 = 1;');
    expect(generatedKernelSource(0, true)).toContain('const score = 0 + x0 * w0;');
    expect(() => generatedKernelSource(2.5)).toThrow(RangeError);
    expect(() => generatedKernelSource(0)).toThrow(RangeError);
    expect(() => generatedKernelSource(-1, true)).toThrow(RangeError);
  });
});
