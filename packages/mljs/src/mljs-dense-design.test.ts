import { afterEach, describe, expect, it } from 'vitest';
import { createSeededRandom } from '@weightspec/core';
import type { WeightingSpecInput } from '@weightspec/core';
import type { Matrix } from 'ml-matrix';
import { setWebAssemblyMemoryLimit } from './mljs-wasm-step.ts';
import { trainWeightedLogisticRegression } from './mljs-weighted-training.ts';
import type { WeightedLogisticRegressionOptions } from './mljs-weighted-training.ts';

/**
 * A dense Float32Array design (what the CLI reads from CSV) against the same numbers as rows of
 * number[] (the float64 path, checked against ml-logistic-regression in mljs-weighted-training.test.ts).
 * The values are drawn as float32, so both forms hold exactly the same numbers and the trainer must give
 * the same coefficients up to rounding (1e-12 relative; in practice they are identical).
 */
function table(rows: number, columns: number, classes: number, seed: number) {
  const random = createSeededRandom(seed);
  const values = Float32Array.from({ length: rows * columns }, () => random() * 4 - 2);
  const labels = Int32Array.from({ length: rows }, (_, row) => (row < classes ? row : Math.floor(random() * classes)));
  const rowList = Array.from({ length: rows }, (_, row) =>
    Array.from(values.subarray(row * columns, (row + 1) * columns)),
  );
  const sampleWeights = Array.from({ length: rows }, () => 0.25 + random() * 2);
  return { dense: { values, rows, columns }, rowList, labels, sampleWeights };
}

function flatCoefficients(model: ReturnType<typeof trainWeightedLogisticRegression>): number[] {
  return (model as unknown as { classifiers: { weights: Matrix }[] }).classifiers.flatMap((classifier) =>
    classifier.weights.to1DArray(),
  );
}

function expectClose(actual: number[], expected: number[]): void {
  expect(actual).toHaveLength(expected.length);
  expect(expected.some((value) => Math.abs(value) > 1e-3)).toBe(true);
  expected.forEach((value, index) => {
    expect(Math.abs((actual[index] as number) - value)).toBeLessThanOrEqual(1e-12 * Math.abs(value) + 1e-300);
  });
}

const FEATURE_WEIGHTS = [0.5, 2, 1.25, 0.75];

const SPECS: [string, WeightingSpecInput][] = [
  [
    'sigmoid positive_ratio + sample weights + element weights + input feature weights (fused path)',
    {
      specVersion: 1,
      loss: { kind: 'sigmoid_cross_entropy', labelSmoothing: 0.1 },
      class: { strategy: 'positive_ratio' },
      sample: { normalize: 'mean_one' },
      elements: { weights: [1, 2, 0.5], inputs: { weights: FEATURE_WEIGHTS } },
    },
  ],
  [
    'softmax balanced + sample weights + input feature weights (fused path)',
    {
      specVersion: 1,
      loss: { kind: 'softmax_cross_entropy' },
      class: { strategy: 'balanced' },
      sample: { normalize: 'none' },
      elements: { weights: [1.5], inputs: { weights: FEATURE_WEIGHTS } },
    },
  ],
  [
    'focal + input feature weights (general path)',
    {
      specVersion: 1,
      loss: { kind: 'sigmoid_cross_entropy' },
      sample: { normalize: 'none' },
      elements: { weights: [1, 2, 0.5], inputs: { weights: FEATURE_WEIGHTS } },
      adaptive: [{ kind: 'focal', gamma: 2, alpha: 0.25 }],
    },
  ],
  [
    'hard mining + curriculum by loss (general path, raw losses and ranking)',
    {
      specVersion: 1,
      loss: { kind: 'sigmoid_cross_entropy' },
      sample: { normalize: 'none' },
      adaptive: [{ kind: 'hard_mining', keepFraction: 0.5 }],
      curriculum: { difficulty: 'loss', pacing: { kind: 'linear', start: 0.3, fullAt: 0.6 } },
    },
  ],
];

describe('trainWeightedLogisticRegression on a dense Float32Array', () => {
  afterEach(() => setWebAssemblyMemoryLimit(null));

  for (const [name, spec] of SPECS)
    for (const intercept of [true, false])
      for (const bitExact of [false, true])
        it(`${name}, intercept ${intercept}, ${bitExact ? 'JavaScript' : 'WebAssembly'}: equals the rows form`, () => {
          // 37 rows: odd, so the WebAssembly kernel pads its last pair of rows.
          const { dense, rowList, labels, sampleWeights } = table(37, 4, 3, 21);
          const options: WeightedLogisticRegressionOptions = {
            numSteps: 30,
            learningRate: 0.05,
            spec,
            sampleWeights,
            intercept,
            bitExact,
            numClasses: 3,
          };
          const fromRows = trainWeightedLogisticRegression(rowList, Array.from(labels), options);
          const fromDense = trainWeightedLogisticRegression(dense, labels, options);
          expectClose(flatCoefficients(fromDense), flatCoefficients(fromRows));
        });

  // Without sample weights no row-weight array exists (every row weight is 1), in JavaScript or
  // WebAssembly; without input feature weights the WebAssembly memory holds the values as f32.
  for (const [name, spec] of [SPECS[0] as [string, WeightingSpecInput], ['no spec', null] as const])
    for (const bitExact of [false, true])
      it(`${name} without sample weights (${bitExact ? 'JavaScript' : 'WebAssembly'}, odd rows): equals the rows form`, () => {
        const { dense, rowList, labels } = table(45, 4, 3, 24);
        const options: WeightedLogisticRegressionOptions = {
          numSteps: 30,
          learningRate: 0.05,
          spec,
          intercept: true,
          bitExact,
          numClasses: 3,
        };
        const fromRows = trainWeightedLogisticRegression(rowList, Array.from(labels), options);
        const fromDense = trainWeightedLogisticRegression(dense, labels, options);
        expectClose(flatCoefficients(fromDense), flatCoefficients(fromRows));
      });

  it('takes the JavaScript path when the WebAssembly memory limit is too small, with the same result', () => {
    const { dense, labels, sampleWeights } = table(51, 4, 3, 22);
    const [, spec] = SPECS[0] as [string, WeightingSpecInput];
    const options: WeightedLogisticRegressionOptions = { numSteps: 20, learningRate: 0.05, spec, sampleWeights };
    const simd = flatCoefficients(trainWeightedLogisticRegression(dense, labels, { ...options, intercept: true }));
    const javaScript = flatCoefficients(
      trainWeightedLogisticRegression(dense, labels, { ...options, intercept: true, bitExact: true }),
    );
    setWebAssemblyMemoryLimit(1024);
    const fallback = flatCoefficients(trainWeightedLogisticRegression(dense, labels, { ...options, intercept: true }));
    // The fallback is the JavaScript kernel itself (bit for bit), and the SIMD kernel agrees to rounding.
    expect(fallback).toEqual(javaScript);
    expectClose(simd, javaScript);
  });

  it("solver 'lbfgs' gives the same optimum from the dense form as from rows", () => {
    const { dense, rowList, labels, sampleWeights } = table(41, 4, 3, 23);
    const [, spec] = SPECS[1] as [string, WeightingSpecInput];
    const options: WeightedLogisticRegressionOptions = {
      solver: 'lbfgs',
      spec,
      sampleWeights,
      intercept: true,
      l2: 0.5,
      tolerance: 1e-10,
    };
    const fromRows = trainWeightedLogisticRegression(rowList, Array.from(labels), options);
    const fromDense = trainWeightedLogisticRegression(dense, labels, options);
    expectClose(flatCoefficients(fromDense), flatCoefficients(fromRows));
  });
});
