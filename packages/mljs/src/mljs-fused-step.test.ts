import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSeededRandom } from '@weightspec/core';
import {
  MAXIMUM_GENERATED_WIDTH,
  createFusedProblem,
  fusedStepAnyWidth,
  generatedKernelSource,
  selectFusedKernel,
} from './mljs-fused-step.ts';

// A random weighted problem: 30 rows, 3 classes, scales as the trainer fills them (any real numbers).
function randomProblem(width: number) {
  const random = createSeededRandom(100 + width);
  const rows = 30;
  const classes = 3;
  const problem = createFusedProblem(
    Float64Array.from({ length: rows * width }, () => random() * 4 - 2),
    rows,
    width,
    classes,
  );
  problem.scaleOfProbability.forEach((_, index) => {
    problem.scaleOfProbability[index] = -random() * 2;
  });
  problem.scaleOfComplement.forEach((_, index) => {
    problem.scaleOfComplement[index] = random() * 2;
  });
  return problem;
}

function trainWith(kernel: ReturnType<typeof selectFusedKernel>, width: number): Float64Array {
  const problem = randomProblem(width);
  const coefficients = new Float64Array(problem.classes * width);
  for (let step = 0; step < 25; step += 1) kernel(problem, coefficients, 0.05);
  return coefficients;
}

describe('fused step kernels', () => {
  afterEach(() => vi.unstubAllGlobals());

  // The loop kernel is the reference: it is checked against ml.js itself in
  // mljs-weighted-training.test.ts; the generated ones must not differ from it in any bit.
  for (const width of [1, 2, 3, 4, 5, 8, 13, MAXIMUM_GENERATED_WIDTH])
    it(`the kernel generated for ${width} column(s) equals the loop kernel bit for bit`, () => {
      const kernel = selectFusedKernel(width);
      expect(kernel).not.toBe(fusedStepAnyWidth);
      const generated = trainWith(kernel, width);
      expect(generated.some((value) => value !== 0)).toBe(true);
      expect(generated).toEqual(trainWith(fusedStepAnyWidth, width));
    });

  it('uses the loop kernel past the generated width', () => {
    expect(selectFusedKernel(MAXIMUM_GENERATED_WIDTH + 1)).toBe(fusedStepAnyWidth);
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
    expect(() => generatedKernelSource(2.5)).toThrow(RangeError);
    expect(() => generatedKernelSource(0)).toThrow(RangeError);
  });
});
