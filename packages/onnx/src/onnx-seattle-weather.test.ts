import { describe, expect, it } from 'vitest';
import { parseWeightingSpec } from '@weightspec/core';
import {
  classificationReport,
  loadSeattleWeather,
  splitAndStandardize,
  SEATTLE_WEATHER_CLASSES,
} from '@weightspec/conformance/datasets';
import { createOnnxClassifierTrainer } from './onnx-classifier-trainer.ts';

describe('seattle-weather (vega-datasets), real data', () => {
  it('balanced class weights raise macro recall and rare-class recall over unweighted training', async () => {
    const data = splitAndStandardize(await loadSeattleWeather());
    const trainer = await createOnnxClassifierTrainer();
    const evaluate = async (spec: unknown) => {
      const model = await trainer.train({
        features: data.trainFeatures,
        labels: data.trainLabels,
        numClasses: 5,
        spec: spec ? parseWeightingSpec(spec) : null,
        epochs: 40,
        batchSize: 64,
        seed: 1,
        learningRate: 0.01,
        hiddenUnits: [16],
      });
      return classificationReport(data.testLabels, await model.predict(data.testFeatures), 5);
    };
    const plain = await evaluate(null);
    const balanced = await evaluate({
      specVersion: 1,
      loss: { kind: 'softmax_cross_entropy' },
      class: { strategy: 'balanced' },
    });
    const rare = ['snow', 'drizzle', 'fog'].map((name) => SEATTLE_WEATHER_CLASSES.indexOf(name as never));
    const rareRecall = (report: typeof plain) =>
      rare.reduce((sum, label) => sum + (report.perClass[label]?.recall ?? 0), 0) / rare.length;
    console.log(
      `onnx seattle-weather test split: macro recall ${plain.macroRecall.toFixed(3)} -> ${balanced.macroRecall.toFixed(3)}; rare-class recall ${rareRecall(plain).toFixed(3)} -> ${rareRecall(balanced).toFixed(3)}`,
    );
    expect(balanced.macroRecall).toBeGreaterThan(plain.macroRecall + 0.05);
    expect(rareRecall(balanced)).toBeGreaterThan(rareRecall(plain));
  });
});
