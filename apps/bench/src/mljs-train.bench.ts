import LogisticRegression from 'ml-logistic-regression';
import { Matrix } from 'ml-matrix';
import { appendInterceptColumn, trainWeightedLogisticRegression } from '@weightspec/mljs';
import { loadSeattleWeather, splitAndStandardize } from '@weightspec/conformance/datasets';
import { interleavedMedians } from './benchmark-report.ts';
import type { BenchmarkComparison } from './benchmark-report.ts';

const coefficientsOf = (model: LogisticRegression) =>
  model.classifiers.flatMap((classifier) => (classifier.weights as Matrix).to1DArray());

/**
 * Issue 5's target: trainWeightedLogisticRegression at least 10x faster than ml-logistic-regression's
 * own `train` for the same steps and the same result, on seattle-weather (1097 training rows, 4
 * features, 5 classes). Measured twice: on the 4 features, and with an intercept (a 5th, constant
 * column, which ml.js gets appended by hand), the way the CLI trains, and once more with `bitExact`
 * (the JavaScript kernels, bit-identical to ml.js). Unit sample weights are passed so the weighted code
 * path runs; the result must equal ml.js's to 1e-9 (checked, reported in the notes).
 */
export async function runMljsBenchmark(): Promise<BenchmarkComparison[]> {
  const data = splitAndStandardize(await loadSeattleWeather());
  const numSteps = 300;
  const learningRate = 5e-4;
  const unitWeights = data.trainLabels.map(() => 1);
  const labels = Matrix.columnVector(data.trainLabels);
  const comparisons: BenchmarkComparison[] = [];
  const variants = [
    { intercept: false, bitExact: false },
    { intercept: true, bitExact: false },
    { intercept: true, bitExact: true },
  ];
  for (const { intercept, bitExact } of variants) {
    const features = intercept ? appendInterceptColumn(new Matrix(data.trainFeatures)) : new Matrix(data.trainFeatures);
    // The models of the last timed runs, compared after them.
    const last: { original?: LogisticRegression; weighted?: LogisticRegression } = {};
    const medians = await interleavedMedians(
      () => {
        last.weighted = trainWeightedLogisticRegression(data.trainFeatures, data.trainLabels, {
          numSteps,
          learningRate,
          intercept,
          sampleWeights: unitWeights,
          bitExact,
        });
      },
      () => {
        last.original = new LogisticRegression({ numSteps, learningRate });
        last.original.train(features, labels);
      },
      7,
      2,
    );
    if (!last.weighted || !last.original) throw new Error('the mljs benchmark ran no repetition');
    const ours = coefficientsOf(last.weighted);
    const theirs = coefficientsOf(last.original);
    const maxRelativeDifference = Math.max(
      ...ours.map(
        (value, index) =>
          Math.abs(value - (theirs[index] as number)) / Math.max(Math.abs(theirs[index] as number), 1e-300),
      ),
    );
    const ratio = medians.candidate / medians.baseline;
    comparisons.push({
      name: `mljs: weighted training vs ml-logistic-regression train (seattle-weather${intercept ? ', intercept' : ''}${bitExact ? ', bitExact' : ''})`,
      candidate: {
        label: `trainWeightedLogisticRegression (unit sample weights${intercept ? ', intercept: true' : ''}${bitExact ? ', bitExact: true (JavaScript, Math.exp)' : ', WebAssembly SIMD'})`,
        medianMilliseconds: medians.candidate,
      },
      baseline: {
        label: `LogisticRegression#train${intercept ? ' on X with a 1-column appended' : ''}`,
        medianMilliseconds: medians.baseline,
      },
      ratio,
      // The goal is the default's; the bit-exact JavaScript path is timed for reference.
      goal: bitExact ? '' : '<= 0.1 (10x faster)',
      met: bitExact ? null : ratio <= 0.1 && maxRelativeDifference <= 1e-9,
      notes: `${data.trainFeatures.length} rows x ${features.columns} columns, 5 classes, ${numSteps} steps, lr ${learningRate}; max relative coefficient difference ${maxRelativeDifference.toExponential(1)} (goal: same result, 1e-9); 7 interleaved runs after 2 warm-ups, median`,
    });
  }
  comparisons.push(...(await generalPathComparisons(data, numSteps, learningRate, labels)));
  return comparisons;
}

/**
 * For reference (no goal): rules that need every element's loss every step take the general path.
 * Timed against ml.js's unweighted `train` on the same design, which does less work, so the ratio says
 * what a focal or hard-mining spec costs next to plain ml.js.
 */
async function generalPathComparisons(
  data: Awaited<ReturnType<typeof splitAndStandardize>>,
  numSteps: number,
  learningRate: number,
  labels: Matrix,
): Promise<BenchmarkComparison[]> {
  const features = appendInterceptColumn(new Matrix(data.trainFeatures));
  const specs = [
    [
      'focal (gamma 2)',
      { specVersion: 1, loss: { kind: 'sigmoid_cross_entropy' }, adaptive: [{ kind: 'focal', gamma: 2 }] },
    ],
    [
      'hard mining (keep 50%)',
      {
        specVersion: 1,
        loss: { kind: 'sigmoid_cross_entropy' },
        adaptive: [{ kind: 'hard_mining', keepFraction: 0.5 }],
      },
    ],
  ] as const;
  const comparisons: BenchmarkComparison[] = [];
  for (const [label, spec] of specs) {
    const medians = await interleavedMedians(
      () =>
        trainWeightedLogisticRegression(data.trainFeatures, data.trainLabels, {
          numSteps,
          learningRate,
          intercept: true,
          spec,
        }),
      () => new LogisticRegression({ numSteps, learningRate }).train(features, labels),
      5,
      1,
    );
    comparisons.push({
      name: `mljs: ${label} training vs ml-logistic-regression train (seattle-weather, intercept)`,
      candidate: {
        label: `trainWeightedLogisticRegression with ${label} (general path)`,
        medianMilliseconds: medians.candidate,
      },
      baseline: {
        label: 'LogisticRegression#train (unweighted) on X with a 1-column appended',
        medianMilliseconds: medians.baseline,
      },
      ratio: medians.candidate / medians.baseline,
      goal: '',
      met: null,
      notes: `${data.trainFeatures.length} rows x ${features.columns} columns, 5 classes, ${numSteps} steps; every element's loss every step; 5 interleaved runs after 1 warm-up, median`,
    });
  }
  return comparisons;
}
