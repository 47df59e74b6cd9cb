/**
 * Compares the two ways of balancing classes in one-vs-rest logistic regression on seattle-weather
 * (vega-datasets), with the same split and training settings as src/mljs-seattle-weather.test.ts:
 * - softmax `balanced` class weights spread as row weights c_{y_i} = n/(C n_c) over all K problems
 *   (what scikit-learn's one-vs-rest does with a dict of class weights);
 * - sigmoid `balanced`: each binary problem balanced on its own, a+ = n/(2 n_k+), a- = n/(2 n_k-)
 *   (what scikit-learn's one-vs-rest does with class_weight='balanced').
 * Scores with core's weighted metrics. Run from packages/mljs:
 *   npx tsx --conditions=@weightspec/source scripts/compare-one-vs-rest-balancing.ts
 */
import { classificationReport, formatClassificationReport } from '@weightspec/core';
import { SEATTLE_WEATHER_CLASSES, loadSeattleWeather, splitAndStandardize } from '@weightspec/conformance/datasets';
import { trainWeightedLogisticRegression } from '../src/mljs-weighted-training.ts';

const data = splitAndStandardize(await loadSeattleWeather());
const variants: [string, unknown][] = [
  ['unweighted', null],
  [
    'softmax balanced, spread as row weights (scikit-learn OvR with a dict)',
    { specVersion: 1, loss: { kind: 'softmax_cross_entropy' }, class: { strategy: 'balanced' } },
  ],
  [
    "sigmoid balanced, each binary problem on its own (scikit-learn OvR with 'balanced')",
    { specVersion: 1, loss: { kind: 'sigmoid_cross_entropy' }, class: { strategy: 'balanced' } },
  ],
];
const classes = Array.from(SEATTLE_WEATHER_CLASSES.keys());
for (const [name, spec] of variants) {
  const model = trainWeightedLogisticRegression(data.trainFeatures, data.trainLabels, {
    numSteps: 1000,
    learningRate: 5e-4,
    spec,
    intercept: true,
    numClasses: SEATTLE_WEATHER_CLASSES.length,
  });
  const report = classificationReport(data.testLabels, model.predict(data.testFeatures), {
    classes,
    targetNames: [...SEATTLE_WEATHER_CLASSES],
  });
  console.log(`## ${name}\nbalanced accuracy ${report.balancedAccuracy.toFixed(3)}\n`);
  console.log(formatClassificationReport(report, { digits: 3 }));
}
