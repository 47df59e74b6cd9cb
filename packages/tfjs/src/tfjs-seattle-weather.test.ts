import { describe, expect, it } from 'vitest';
import { parseWeightingSpec } from '@weightspec/core';
import { classificationReport, loadSeattleWeather, splitAndStandardize } from '@weightspec/conformance/datasets';
import { createTfjsClassifierTrainer } from './tfjs-classifier-trainer.ts';
import { cpuTfjs } from './tfjs-test-support.ts';

describe('seattle-weather (vega-datasets), real data', () => {
  it('balanced class weights raise macro recall over unweighted training with the same seed', async () => {
    const data = splitAndStandardize(await loadSeattleWeather());
    const trainer = await createTfjsClassifierTrainer({ backend: 'cpu', tf: await cpuTfjs() });
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
      const report = classificationReport(data.testLabels, await model.predict(data.testFeatures), 5);
      model.dispose?.();
      return report;
    };
    const plain = await evaluate(null);
    const balanced = await evaluate({
      specVersion: 1,
      loss: { kind: 'softmax_cross_entropy' },
      class: { strategy: 'balanced' },
    });
    console.log(
      `tfjs seattle-weather test split: macro recall unweighted ${plain.macroRecall.toFixed(3)} -> balanced ${balanced.macroRecall.toFixed(3)} (accuracy ${plain.accuracy.toFixed(3)} -> ${balanced.accuracy.toFixed(3)})`,
    );
    expect(balanced.macroRecall).toBeGreaterThan(plain.macroRecall + 0.05);
  });
});
