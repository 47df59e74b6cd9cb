import LogisticRegression from 'ml-logistic-regression';
import { Matrix } from 'ml-matrix';
import { appendInterceptColumn, trainWeightedLogisticRegression } from '@weightspec/mljs';
import type { WeightingSpecInput } from '@weightspec/core';
import { loadSeattleWeather, splitAndStandardize } from '@weightspec/conformance/datasets';
import { compareSides, nodeSide } from './bench-harness.ts';
import type { ComparisonRow } from './bench-harness.ts';
import type { BenchmarkSide, SideRegistry } from './benchmark-sides.ts';

const numSteps = 300;
const learningRate = 5e-4;
const coefficientsOf = (model: LogisticRegression) =>
  model.classifiers.flatMap((classifier) => (classifier.weights as Matrix).to1DArray());

/** A side that trains a model per repetition and reports the last model's coefficients. */
function trainingSide(train: () => LogisticRegression): BenchmarkSide {
  let last: LogisticRegression | null = null;
  return {
    run: () => {
      last = train();
    },
    details: () => ({ coefficients: last ? coefficientsOf(last) : [] }),
  };
}

async function weightedSide(options: { intercept: boolean; bitExact?: boolean; spec?: WeightingSpecInput }) {
  const data = splitAndStandardize(await loadSeattleWeather());
  const unitWeights = data.trainLabels.map(() => 1);
  return trainingSide(() =>
    trainWeightedLogisticRegression(data.trainFeatures, data.trainLabels, {
      numSteps,
      learningRate,
      intercept: options.intercept,
      ...(options.spec ? { spec: options.spec } : { sampleWeights: unitWeights, bitExact: options.bitExact ?? false }),
    }),
  );
}

async function mljsSide(intercept: boolean) {
  const data = splitAndStandardize(await loadSeattleWeather());
  const features = intercept ? appendInterceptColumn(new Matrix(data.trainFeatures)) : new Matrix(data.trainFeatures);
  const labels = Matrix.columnVector(data.trainLabels);
  return trainingSide(() => {
    const model = new LogisticRegression({ numSteps, learningRate });
    model.train(features, labels);
    return model;
  });
}

const focalSpec = {
  specVersion: 1,
  loss: { kind: 'sigmoid_cross_entropy' },
  adaptive: [{ kind: 'focal', gamma: 2 }],
} as const;
const miningSpec = {
  specVersion: 1,
  loss: { kind: 'sigmoid_cross_entropy' },
  adaptive: [{ kind: 'hard_mining', keepFraction: 0.5 }],
} as const;

/** Sides: our weighted training (plain, intercept, bit-exact, focal, hard mining) and ml.js's train. */
export const mljsSides: SideRegistry = {
  weighted: () => weightedSide({ intercept: false }),
  weightedIntercept: () => weightedSide({ intercept: true }),
  weightedBitExact: () => weightedSide({ intercept: true, bitExact: true }),
  focal: () => weightedSide({ intercept: true, spec: focalSpec }),
  hardMining: () => weightedSide({ intercept: true, spec: miningSpec }),
  mljs: () => mljsSide(false),
  mljsIntercept: () => mljsSide(true),
};

/** Largest relative difference between the coefficients the two sides' last runs produced. */
function coefficientDifference(row: ComparisonRow): number {
  const ours = (row.candidate.details.at(-1)?.coefficients ?? []) as number[];
  const theirs = (row.baseline.details.at(-1)?.coefficients ?? []) as number[];
  if (ours.length === 0 || ours.length !== theirs.length) return Number.POSITIVE_INFINITY;
  return Math.max(
    ...ours.map(
      (value, index) =>
        Math.abs(value - (theirs[index] as number)) / Math.max(Math.abs(theirs[index] as number), 1e-300),
    ),
  );
}

/**
 * Issue 5's target: trainWeightedLogisticRegression at least 10x faster than ml-logistic-regression's
 * own `train` for the same steps and the same result (1e-9 relative, checked), on seattle-weather (1097
 * training rows, 4 features, 5 classes), without and with an intercept, and the bit-exact JavaScript
 * path for reference; then focal and hard-mining specs (every element's loss every step) for reference.
 */
export async function runMljsBenchmark(rounds: number): Promise<ComparisonRow[]> {
  const variants = [
    { side: 'weighted', baseline: 'mljs', suffix: '', label: 'WebAssembly SIMD', goal: 0.1 },
    {
      side: 'weightedIntercept',
      baseline: 'mljsIntercept',
      suffix: ', intercept',
      label: 'intercept: true',
      goal: 0.1,
    },
    {
      side: 'weightedBitExact',
      baseline: 'mljsIntercept',
      suffix: ', intercept, bitExact',
      label: 'intercept: true, bitExact: true (JavaScript, Math.exp)',
      goal: null,
    },
  ];
  const results: ComparisonRow[] = [];
  for (const variant of variants) {
    const row = await compareSides({
      name: `mljs: weighted training vs ml-logistic-regression train (seattle-weather${variant.suffix})`,
      candidate: nodeSide(
        `trainWeightedLogisticRegression (unit sample weights, ${variant.label})`,
        'mljs',
        variant.side,
        7,
        2,
      ),
      baseline: nodeSide(
        `LogisticRegression#train${variant.baseline === 'mljsIntercept' ? ' on X with a 1-column appended' : ''}`,
        'mljs',
        variant.baseline,
        7,
        2,
      ),
      rounds,
      goal: variant.goal,
      notes: `1097 rows, 5 classes, ${numSteps} steps, lr ${learningRate}; 7 runs after 2 warm-ups per round`,
    });
    const difference = coefficientDifference(row);
    results.push({
      ...row,
      met: row.met === null ? null : row.met && difference <= 1e-9,
      notes: `${row.notes}; max relative coefficient difference ${difference.toExponential(1)} (goal: same result, 1e-9)`,
    });
  }
  for (const [side, label] of [
    ['focal', 'focal (gamma 2)'],
    ['hardMining', 'hard mining (keep 50%)'],
  ] as const)
    results.push(
      await compareSides({
        name: `mljs: ${label} training vs ml-logistic-regression train (seattle-weather, intercept)`,
        candidate: nodeSide(`trainWeightedLogisticRegression with ${label} (general path)`, 'mljs', side, 5, 1),
        baseline: nodeSide(
          'LogisticRegression#train (unweighted) on X with a 1-column appended',
          'mljs',
          'mljsIntercept',
          5,
          1,
        ),
        rounds,
        goal: null,
        notes: `1097 rows, 5 classes, ${numSteps} steps; every element's loss every step; 5 runs after 1 warm-up per round`,
      }),
    );
  return results;
}
