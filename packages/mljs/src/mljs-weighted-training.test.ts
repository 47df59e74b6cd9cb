import LogisticRegression from 'ml-logistic-regression';
import { Matrix } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import {
  HAND_PICKED_SEVEN_ROWS,
  copyHandPickedProblem,
  createSeededRandom,
  prepareWeightingComputation,
  referenceWeightedLoss,
} from '@weightspec/core';
import type { WeightingSpecInput } from '@weightspec/core';
import { appendInterceptColumn, WeightedLogisticRegression } from './mljs-logistic-model.ts';
import { trainWeightedLogisticRegression } from './mljs-weighted-training.ts';

// A small 3-class problem with values chosen by hand (shared by the trainers' tests).
const { features, labels } = copyHandPickedProblem(HAND_PICKED_SEVEN_ROWS);

const coefficientsOf = (model: { classifiers: { weights: Matrix | null }[] }) =>
  model.classifiers.map((classifier) => (classifier.weights as Matrix).to1DArray());

describe('trainWeightedLogisticRegression', () => {
  it('with all weights 1 reproduces ml-logistic-regression train (same steps and learning rate) to 1e-9', () => {
    const original = new LogisticRegression({ numSteps: 400, learningRate: 0.01 });
    original.train(new Matrix(features), Matrix.columnVector(labels));
    const weighted = trainWeightedLogisticRegression(features, labels, {
      numSteps: 400,
      learningRate: 0.01,
      spec: { specVersion: 1, loss: { kind: 'sigmoid_cross_entropy' } },
      sampleWeights: [1, 1, 1, 1, 1, 1, 1],
    });
    const expected = coefficientsOf(original).flat();
    coefficientsOf(weighted)
      .flat()
      .forEach((value, index) => {
        expect(Math.abs(value - (expected[index] as number))).toBeLessThanOrEqual(
          1e-9 * Math.abs(expected[index] as number),
        );
      });
    expect(weighted.predict(features)).toEqual(original.predict(new Matrix(features)));
  });

  // The fast path runs a WebAssembly SIMD kernel by default and JavaScript kernels (one generated per
  // width, a loop past 64 columns) with `bitExact`. The JavaScript ones keep ml.js's summation order and
  // Math.exp, so they must equal it in every bit; the default must stay within the 1e-9.
  const randomProblem = (columns: number) => {
    const random = createSeededRandom(columns);
    const rows = 41;
    const data = Array.from({ length: rows }, () => Array.from({ length: columns }, () => random() * 4 - 2));
    const classesOf = Array.from({ length: rows }, (_, row) => row % 3);
    return { data, classesOf };
  };
  for (let columns = 1; columns <= 10; columns += 1)
    it(`with unit weights equals ml.js train bit for bit (bitExact) and to 1e-9 (default) at ${columns} column(s)`, () => {
      const { data, classesOf } = randomProblem(columns);
      const original = new LogisticRegression({ numSteps: 60, learningRate: 0.05 });
      original.train(new Matrix(data), Matrix.columnVector(classesOf));
      const options = { numSteps: 60, learningRate: 0.05, sampleWeights: classesOf.map(() => 1) };
      const expected = coefficientsOf(original);
      expect(coefficientsOf(trainWeightedLogisticRegression(data, classesOf, { ...options, bitExact: true }))).toEqual(
        expected,
      );
      coefficientsOf(trainWeightedLogisticRegression(data, classesOf, options)).forEach((beta, label) => {
        beta.forEach((value, column) => {
          const reference = (expected[label] as number[])[column] as number;
          expect(Math.abs(value - reference)).toBeLessThanOrEqual(1e-9 * Math.abs(reference));
        });
      });
    });

  it('the fast kernels and the general per-element path agree on weighted training at widths 3, 7 and 9', () => {
    // A progress callback sends training through the general path (it needs the loss every step).
    for (const columns of [3, 7, 9]) {
      const { data, classesOf } = randomProblem(columns);
      const options = {
        numSteps: 40,
        learningRate: 0.05,
        intercept: true,
        spec: { specVersion: 1, loss: { kind: 'softmax_cross_entropy' }, class: { strategy: 'balanced' } } as const,
        sampleWeights: data.map((_, row) => 0.5 + (row % 4) / 2),
      };
      const fast = coefficientsOf(trainWeightedLogisticRegression(data, classesOf, options)).flat();
      const general = coefficientsOf(
        trainWeightedLogisticRegression(data, classesOf, { ...options, onProgress: () => undefined }),
      ).flat();
      general.forEach((value, index) => {
        expect(Math.abs(value - (fast[index] as number))).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(value)));
      });
    }
  });

  // One step from zero coefficients is lr * X^T g, where g is d(summed loss)/d(logits). The core's
  // float64 reference gives g for the same spec on logits 0 with one-hot targets (reduction sum, since
  // ml.js sums the gradient), which checks every weight and rule of the trainer independently.
  const oneStepCases: [string, Record<string, unknown>, Record<string, unknown>][] = [
    [
      'balanced sigmoid weights + sample weights',
      { class: { strategy: 'balanced' } },
      { sampleWeights: [1, 2, 0.5, 1, 3, 1, 0] },
    ],
    [
      'positive_ratio + focal + label smoothing',
      {
        loss: { kind: 'sigmoid_cross_entropy', labelSmoothing: 0.1 },
        class: { strategy: 'positive_ratio' },
        adaptive: [{ kind: 'focal', gamma: 2, alpha: 0.25 }],
      },
      {},
    ],
    [
      'element weights per label + hard mining',
      { elements: { weights: [1, 2, 0.5] }, adaptive: [{ kind: 'hard_mining', keepFraction: 0.5 }] },
      {},
    ],
    [
      'curriculum on provided difficulty',
      { curriculum: { difficulty: 'provided', pacing: { kind: 'linear', start: 0.4 } } },
      { difficulty: [0.3, 0.9, 0.1, 0.5, 0.7, 0.2, 0.8] },
    ],
  ];
  for (const [name, blocks, extra] of oneStepCases)
    it(`one step equals lr X^T g from the float64 reference: ${name}`, () => {
      // The cases' blocks are typed loosely; the parser checks them at run time.
      const spec = {
        specVersion: 1,
        loss: { kind: 'sigmoid_cross_entropy' },
        ...blocks,
        reduction: { kind: 'sum' },
      } as WeightingSpecInput;
      const oneHot = labels.map((label) => [0, 1, 2].map((k) => (k === label ? 1 : 0)));
      const computation = prepareWeightingComputation(spec, {
        predictions: oneHot.map(() => [0, 0, 0]),
        targets: oneHot,
        ...extra,
        clock: { epoch: 0, step: 0, totalEpochs: 1, totalSteps: 1 },
      } as never);
      const gradient = referenceWeightedLoss(computation.spec, computation.scheduled, computation.batch)
        .gradient as Float64Array;
      const learningRate = 0.05;
      const model = trainWeightedLogisticRegression(features, labels, { numSteps: 1, learningRate, spec, ...extra });
      // ml.js classifier k scores "not class k": its coefficients are the negated standard ones, and
      // gradient descent on the standard logit z gives beta_std = -lr X^T g, so beta_ml = lr X^T g.
      coefficientsOf(model).forEach((beta, label) => {
        beta.forEach((value, column) => {
          const expected =
            learningRate *
            features.reduce(
              (sum, row, index) => sum + (row[column] as number) * (gradient[index * 3 + label] as number),
              0,
            );
          expect(value).toBeCloseTo(expected, 12);
        });
      });
    });

  it('a softmax spec applies its class weights as per-sample weights on every one-vs-all problem', () => {
    const viaClass = trainWeightedLogisticRegression(features, labels, {
      numSteps: 30,
      learningRate: 0.05,
      spec: {
        specVersion: 1,
        loss: { kind: 'softmax_cross_entropy' },
        class: { strategy: 'manual', weights: [2, 0.5, 1] },
      },
    });
    const viaSample = trainWeightedLogisticRegression(features, labels, {
      numSteps: 30,
      learningRate: 0.05,
      spec: { specVersion: 1, loss: { kind: 'sigmoid_cross_entropy' } },
      sampleWeights: labels.map((label) => [2, 0.5, 1][label] as number),
    });
    const expected = coefficientsOf(viaSample).flat();
    coefficientsOf(viaClass)
      .flat()
      .forEach((value, index) => {
        expect(value).toBeCloseTo(expected[index] as number, 12);
      });
  });

  it('folds input feature weights into the coefficients and handles the intercept in predict, toJSON and load', () => {
    const featureWeights = [2, 0.5, 1];
    const spec = {
      specVersion: 1,
      loss: { kind: 'sigmoid_cross_entropy' },
      elements: { inputs: { weights: featureWeights } },
    } as const;
    const model = trainWeightedLogisticRegression(features, labels, {
      numSteps: 200,
      learningRate: 0.05,
      spec,
      intercept: true,
    });
    // The same training on inputs scaled by hand, with the 1-column appended by hand.
    const scaled = features.map((row) => [
      ...row.map((value, column) => value * (featureWeights[column] as number)),
      1,
    ]);
    const reference = trainWeightedLogisticRegression(scaled, labels, { numSteps: 200, learningRate: 0.05 });
    const raw = new Matrix(features);
    expect(model.predict(features)).toEqual(reference.predict(scaled));
    expect(model).toBeInstanceOf(LogisticRegression);
    const json = JSON.parse(JSON.stringify(model.toJSON()));
    expect(WeightedLogisticRegression.load(json).predict(features)).toEqual(model.predict(features));
    // The plain ml.js loader gives a model that takes the intercept column explicitly.
    expect(LogisticRegression.load(json).predict(appendInterceptColumn(raw))).toEqual(model.predict(features));
    expect(() => model.predict([[1, 2]])).toThrow(expect.objectContaining({ code: 'WS_INVALID_INPUT' }));
  });

  it('rejects bad input with typed errors', () => {
    const expectCode = (run: () => unknown, code: string, message: RegExp) =>
      expect(run).toThrow(expect.objectContaining({ code, message: expect.stringMatching(message) }));
    expectCode(
      () => trainWeightedLogisticRegression([[1, 2], [3]], [0, 1]),
      'WS_INVALID_INPUT',
      /X\[1\]: must have 2 values/,
    );
    expectCode(
      () =>
        trainWeightedLogisticRegression(
          [
            [1, Number.NaN],
            [3, 4],
          ],
          [0, 1],
        ),
      'WS_INVALID_INPUT',
      /must be finite/,
    );
    expectCode(
      () => trainWeightedLogisticRegression([[1], [2]], [0, 1.5]),
      'WS_INVALID_INPUT',
      /y\[1\]: must be an integer class index/,
    );
    expectCode(
      () => trainWeightedLogisticRegression([[1], [2]], [0, 1], { sampleWeights: [1, -1] }),
      'WS_INVALID_INPUT',
      /sampleWeights\[1\]/,
    );
    expectCode(
      () => trainWeightedLogisticRegression([[1], [2]], [0, 1], { spec: { specVersion: 1, loss: { kind: 'mse' } } }),
      'WS_UNSUPPORTED_FEATURE',
      /loss.mse/,
    );
    expectCode(
      () =>
        trainWeightedLogisticRegression([[1], [2]], [0, 1], {
          // @ts-expect-error `extra` is not a spec field: the type catches it before the parser does
          spec: { specVersion: 1, loss: { kind: 'mae' }, extra: 1 },
        }),
      'WS_INVALID_SPEC',
      /extra/,
    );
    expectCode(
      () => trainWeightedLogisticRegression([[1], [2]], [0, 1], { learningRate: 0 }),
      'WS_INVALID_INPUT',
      /learningRate/,
    );
  });

  // The loss a progress report carries is the weighted loss at the coefficients the step starts from.
  // Independent value: core's float64 reference on the standard logits z = -score of a model trained
  // one step less, at that step's clock, for each reduction and for class-weight schedules; the fast
  // path (no focal) and the general path (focal) alike.
  const progressCases: [string, Record<string, unknown>][] = [
    ['balanced, weighted_mean (fast path)', { class: { strategy: 'balanced' } }],
    [
      'positive_ratio + element weights, mean (fast path)',
      { class: { strategy: 'positive_ratio' }, elements: { weights: [1, 2, 0.5] }, reduction: { kind: 'mean' } },
    ],
    ['sample weights with a zero, nonzero_mean (fast path)', { reduction: { kind: 'nonzero_mean' } }],
    ['focal, sum (general path)', { adaptive: [{ kind: 'focal', gamma: 2, alpha: 0.25 }], reduction: { kind: 'sum' } }],
    [
      'balanced, deferred to step 5 (fast path)',
      { class: { strategy: 'balanced', schedule: { kind: 'deferred', start: 5 } } },
    ],
    [
      'positive_ratio annealed over steps 2-6 + focal (general path)',
      {
        class: { strategy: 'positive_ratio', schedule: { kind: 'anneal', from: 0, to: 1, over: [2, 6] } },
        adaptive: [{ kind: 'focal', gamma: 1 }],
      },
    ],
  ];
  for (const [name, blocks] of progressCases)
    it(`progress reports the reference weighted loss: ${name}`, () => {
      const spec = { specVersion: 1, loss: { kind: 'sigmoid_cross_entropy' }, ...blocks } as WeightingSpecInput;
      const sampleWeights = [1, 2, 0.5, 1, 3, 1, 0];
      const options = { learningRate: 0.05, spec, sampleWeights, intercept: true };
      const reports: { step: number; loss: number }[] = [];
      trainWeightedLogisticRegression(features, labels, {
        ...options,
        numSteps: 9,
        progressEvery: 4,
        onProgress: (progress) => reports.push(progress),
      });
      expect(reports.map((report) => report.step)).toEqual([4, 8, 9]);
      const oneHot = labels.map((label) => [0, 1, 2].map((k) => (k === label ? 1 : 0)));
      for (const report of reports) {
        const before = trainWeightedLogisticRegression(features, labels, { ...options, numSteps: report.step - 1 });
        const logits = appendInterceptColumn(new Matrix(features))
          .to2DArray()
          .map((row) =>
            coefficientsOf(before).map(
              (beta) => -row.reduce((sum, value, column) => sum + value * (beta[column] as number), 0),
            ),
          );
        const computation = prepareWeightingComputation(spec, {
          predictions: logits,
          targets: oneHot,
          sampleWeights,
          clock: { epoch: report.step - 1, step: report.step - 1, totalEpochs: 9, totalSteps: 9 },
        } as never);
        const expected = referenceWeightedLoss(computation.spec, computation.scheduled, computation.batch).loss;
        expect(Math.abs(report.loss - expected)).toBeLessThanOrEqual(1e-9 * Math.abs(expected));
      }
    });

  it('reports progress with the weighted loss falling', () => {
    const losses: number[] = [];
    trainWeightedLogisticRegression(features, labels, {
      numSteps: 100,
      learningRate: 0.05,
      spec: { specVersion: 1, loss: { kind: 'softmax_cross_entropy' }, class: { strategy: 'balanced' } } as const,
      intercept: true,
      progressEvery: 25,
      onProgress: (progress) => losses.push(progress.loss),
    });
    expect(losses).toHaveLength(4);
    expect(losses[3] as number).toBeLessThan(losses[0] as number);
  });
});
