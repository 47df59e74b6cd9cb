import LogisticRegression from 'ml-logistic-regression';
import { Matrix } from 'ml-matrix';
import { trainWeightedLogisticRegression } from '@weightspec/mljs';
import { loadSeattleWeather, splitAndStandardize } from '@weightspec/conformance/datasets';
import { interleavedMedians } from './benchmark-report.ts';
import type { BenchmarkComparison } from './benchmark-report.ts';

/**
 * Issue 5's target: trainWeightedLogisticRegression at least 10x faster than ml-logistic-regression's
 * own `train` for the same steps and the same result, on seattle-weather (1095 training rows, 4
 * features, 5 classes).
 */
export async function runMljsBenchmark(): Promise<BenchmarkComparison[]> {
  const data = splitAndStandardize(await loadSeattleWeather());
  const numSteps = 300;
  const learningRate = 5e-4;
  const features = new Matrix(data.trainFeatures);
  const labels = Matrix.columnVector(data.trainLabels);
  let original = new LogisticRegression({ numSteps, learningRate });
  let weighted = trainWeightedLogisticRegression(data.trainFeatures, data.trainLabels, { numSteps, learningRate });
  const medians = await interleavedMedians(
    () => {
      weighted = trainWeightedLogisticRegression(data.trainFeatures, data.trainLabels, { numSteps, learningRate, sampleWeights: data.trainLabels.map(() => 1) });
    },
    () => {
      original = new LogisticRegression({ numSteps, learningRate });
      original.train(features, labels);
    },
    5,
    1,
  );
  const ours = weighted.classifiers.flatMap((classifier) => (classifier.weights as Matrix).to1DArray());
  const theirs = original.classifiers.flatMap((classifier) => (classifier.weights as Matrix).to1DArray());
  const maxRelativeDifference = Math.max(...ours.map((value, index) => Math.abs(value - (theirs[index] as number)) / Math.max(Math.abs(theirs[index] as number), 1e-300)));
  const ratio = medians.candidate / medians.baseline;
  return [
    {
      name: 'mljs: weighted training vs ml-logistic-regression train (seattle-weather)',
      candidate: { label: 'trainWeightedLogisticRegression (unit sample weights)', medianMilliseconds: medians.candidate },
      baseline: { label: 'LogisticRegression#train', medianMilliseconds: medians.baseline },
      ratio,
      goal: '<= 0.1 (10x faster)',
      met: ratio <= 0.1,
      notes: `${data.trainFeatures.length} rows x 4 features, 5 classes, ${numSteps} steps, lr ${learningRate}; max relative coefficient difference ${maxRelativeDifference.toExponential(1)}; 5 interleaved runs, median`,
    },
  ];
}
