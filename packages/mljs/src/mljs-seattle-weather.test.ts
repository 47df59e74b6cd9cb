import { describe, expect, it } from 'vitest';
import type { WeightingSpecInput } from '@weightspec/core';
import {
  classificationReport,
  loadSeattleWeather,
  splitAndStandardize,
  SEATTLE_WEATHER_CLASSES,
} from '@weightspec/conformance/datasets';
import { trainWeightedLogisticRegression } from './mljs-weighted-training.ts';

describe('seattle-weather (vega-datasets), real data', () => {
  it('balanced class weights raise the recall of the rare classes snow, drizzle and fog', async () => {
    const data = splitAndStandardize(await loadSeattleWeather());
    const train = (spec: WeightingSpecInput | null) =>
      trainWeightedLogisticRegression(data.trainFeatures, data.trainLabels, {
        numSteps: 1000,
        learningRate: 5e-4,
        spec,
        intercept: true,
        numClasses: 5,
      });
    const plain = classificationReport(data.testLabels, train(null).predict(data.testFeatures), 5);
    const balanced = classificationReport(
      data.testLabels,
      train({ specVersion: 1, loss: { kind: 'softmax_cross_entropy' }, class: { strategy: 'balanced' } }).predict(
        data.testFeatures,
      ),
      5,
    );
    const rare = ['snow', 'drizzle', 'fog'].map((name) => SEATTLE_WEATHER_CLASSES.indexOf(name as never));
    const rareRecall = (report: typeof plain) =>
      rare.reduce((sum, label) => sum + (report.perClass[label]?.recall ?? 0), 0) / rare.length;
    console.log(
      `mljs seattle-weather test split: rare-class recall (snow, drizzle, fog) unweighted ${rareRecall(plain).toFixed(3)} -> balanced ${rareRecall(balanced).toFixed(3)}; ` +
        `balanced accuracy ${plain.balancedAccuracy.toFixed(3)} -> ${balanced.balancedAccuracy.toFixed(3)}`,
    );
    expect(rareRecall(balanced)).toBeGreaterThan(rareRecall(plain) + 0.1);
    expect(balanced.balancedAccuracy).toBeGreaterThan(plain.balancedAccuracy);
  });
});
