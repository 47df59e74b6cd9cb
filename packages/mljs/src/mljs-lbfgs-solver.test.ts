import { readFileSync } from 'node:fs';
import LogisticRegression from 'ml-logistic-regression';
import type { Matrix } from 'ml-matrix';
import { describe, expect, it, vi } from 'vitest';
import { trainWeightedLogisticRegression } from './mljs-weighted-training.ts';

/** scikit-learn's converged coefficients, made by scripts/make-sklearn-lbfgs-fixture.py (see its docstring). */
const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/sklearn-ovr-balanced-lbfgs.json', import.meta.url), 'utf8'),
) as {
  features: number[][];
  labels: number[];
  sampleWeights: number[];
  C: number;
  coef: number[][];
  intercept: number[];
};
const classes = 3;
// weightspec's sigmoid `class: balanced` is scikit-learn's class_weight='balanced' under one-vs-rest.
const spec = {
  specVersion: 1,
  loss: { kind: 'sigmoid_cross_entropy' },
  class: { strategy: 'balanced' },
  sample: {},
} as const;

const coefficientsOf = (model: LogisticRegression) =>
  model.classifiers.map((classifier) => (classifier.weights as Matrix).to1DArray());

/**
 * The gradient of the weighted objective, written out here in float64 from its definition (not from
 * the solver): for class k, sum_i s_i c_ik (p_ik - y_ik) [x_i, 1] + [w_k / C, 0], with p the
 * probability of class k (the negated score of ml.js's "not class k" classifier) and c_ik the balanced
 * one-vs-rest weights n / (2 n_pos) and n / (2 n_neg). Returns the largest |component| per class and
 * the total weight sum_i s_i c_ik.
 */
function gradientOfObjective(coefficients: number[][]): { maxAbs: number; totalWeight: number }[] {
  const rows = fixture.labels.length;
  return coefficients.map((beta, k) => {
    const positives = fixture.labels.filter((label) => label === k).length;
    const gradient = new Array<number>(beta.length).fill(0);
    let totalWeight = 0;
    fixture.features.forEach((row, i) => {
      const y = fixture.labels[i] === k ? 1 : 0;
      const balanced = y === 1 ? rows / (2 * positives) : rows / (2 * (rows - positives));
      const weight = (fixture.sampleWeights[i] as number) * balanced;
      totalWeight += weight;
      const z = -[...row, 1].reduce((sum, value, column) => sum + value * (beta[column] as number), 0);
      const residual = weight * (1 / (1 + Math.exp(-z)) - y);
      [...row, 1].forEach((value, column) => {
        // d/d beta = -d/dw: the model's coefficients are the negated logit coefficients.
        gradient[column] = (gradient[column] as number) - residual * value;
      });
    });
    for (let column = 0; column < beta.length - 1; column += 1)
      gradient[column] = (gradient[column] as number) + (beta[column] as number) / fixture.C;
    return { maxAbs: Math.max(...gradient.map(Math.abs)), totalWeight };
  });
}

describe("trainWeightedLogisticRegression with solver 'lbfgs'", () => {
  const train = (tolerance: number) =>
    trainWeightedLogisticRegression(fixture.features, fixture.labels, {
      spec,
      sampleWeights: fixture.sampleWeights,
      intercept: true,
      solver: 'lbfgs',
      l2: 1 / fixture.C,
      tolerance,
      numClasses: classes,
    });

  it('meets the first-order condition: the float64 gradient of the objective, computed independently, is below tolerance', () => {
    for (const tolerance of [1e-4, 1e-8]) {
      const gradients = gradientOfObjective(coefficientsOf(train(tolerance)));
      for (const { maxAbs, totalWeight } of gradients) expect(maxAbs).toBeLessThanOrEqual(tolerance * totalWeight);
    }
    // And the zero start does not: the test can fail.
    const atZero = gradientOfObjective([
      [0, 0, 0, 0],
      [0, 0, 0, 0],
      [0, 0, 0, 0],
    ]);
    expect(atZero.some(({ maxAbs, totalWeight }) => maxAbs > 1e-2 * totalWeight)).toBe(true);
  });

  it("matches scikit-learn's one-vs-rest coefficients (class_weight balanced, sample weights, C = 2)", () => {
    const model = train(1e-11);
    expect(model).toBeInstanceOf(LogisticRegression);
    coefficientsOf(model).forEach((beta, k) => {
      // ml.js's classifier k scores "not class k": its coefficients are scikit-learn's negated.
      const expected = [...(fixture.coef[k] as number[]), fixture.intercept[k] as number].map((value) => -value);
      beta.forEach((value, column) => {
        expect(value).toBeCloseTo(expected[column] as number, 6);
      });
    });
    // A genuine ml-logistic-regression model: predictions through ml.js's predict.
    const predictions = model.predict(fixture.features);
    const accuracy = predictions.filter((label, index) => label === fixture.labels[index]).length / predictions.length;
    expect(accuracy).toBeGreaterThan(0.6);
  });

  it('warns (ConvergenceWarning) when it stops at maxIterations short of the tolerance', () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      trainWeightedLogisticRegression(fixture.features, fixture.labels, {
        spec,
        sampleWeights: fixture.sampleWeights,
        intercept: true,
        solver: 'lbfgs',
        maxIterations: 2,
        tolerance: 1e-10,
      });
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('stopped after 2 iterations'), 'ConvergenceWarning');
      warn.mockClear();
      train(1e-6);
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });

  it('refuses weights without a fixed objective and bad settings, with typed errors', () => {
    const base = { intercept: true, solver: 'lbfgs' as const };
    expect(() =>
      trainWeightedLogisticRegression(fixture.features, fixture.labels, {
        ...base,
        spec: { specVersion: 1, loss: { kind: 'sigmoid_cross_entropy' }, adaptive: [{ kind: 'focal', gamma: 2 }] },
      }),
    ).toThrow(expect.objectContaining({ code: 'WS_UNSUPPORTED_FEATURE' }));
    expect(() => trainWeightedLogisticRegression(fixture.features, fixture.labels, { ...base, tolerance: 0 })).toThrow(
      expect.objectContaining({ code: 'WS_INVALID_INPUT' }),
    );
    expect(() => trainWeightedLogisticRegression(fixture.features, fixture.labels, { ...base, l2: -1 })).toThrow(
      expect.objectContaining({ code: 'WS_INVALID_INPUT' }),
    );
    expect(() =>
      trainWeightedLogisticRegression(fixture.features, fixture.labels, { solver: 'newton' as never }),
    ).toThrow(expect.objectContaining({ code: 'WS_INVALID_INPUT' }));
  });
});
