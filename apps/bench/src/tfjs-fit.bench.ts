import { countClasses, resolveWeighting, parseWeightingSpec } from '@weightspec/core';
import { fitWeighted, loadTfjs, useTfjsBackend } from '@weightspec/tfjs';
import type { TfjsBackendName } from '@weightspec/tfjs';
import { loadSeattleWeather, splitAndStandardize } from '@weightspec/conformance/datasets';
import { interleavedMedians } from './benchmark-report.ts';
import type { BenchmarkComparison } from './benchmark-report.ts';

/**
 * Issue 4's target: fitWeighted with class weights only vs tfjs-layers' model.fit with the same
 * classWeight, time per epoch on the same backend (goal <= 1.10x), on seattle-weather with a
 * 4-32-32-5 dense network, batch size 32.
 */
export async function runTfjsBenchmark(): Promise<BenchmarkComparison[]> {
  const tf = await loadTfjs();
  const data = splitAndStandardize(await loadSeattleWeather());
  const spec = parseWeightingSpec({
    specVersion: 1,
    loss: { kind: 'softmax_cross_entropy', from: 'probabilities' },
    class: { strategy: 'balanced' },
  });
  const classWeights = resolveWeighting(spec, { stats: countClasses(data.trainLabels, 5) })
    .classWeights as readonly number[];
  const classWeight = Object.fromEntries(classWeights.map((weight, label) => [label, weight]));
  const results: BenchmarkComparison[] = [];
  for (const backend of ['cpu', 'wasm'] as TfjsBackendName[]) {
    await useTfjsBackend(tf, backend);
    const x = tf.tensor2d(data.trainFeatures);
    const labels = tf.tensor1d(data.trainLabels, 'float32');
    const oneHot = tf.oneHot(tf.tensor1d(data.trainLabels, 'int32'), 5);
    const build = () => {
      const model = tf.sequential();
      model.add(
        tf.layers.dense({
          units: 32,
          activation: 'relu',
          inputShape: [4],
          kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
        }),
      );
      model.add(
        tf.layers.dense({
          units: 32,
          activation: 'relu',
          kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }),
        }),
      );
      model.add(
        tf.layers.dense({
          units: 5,
          activation: 'softmax',
          kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }),
        }),
      );
      model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
      return model;
    };
    const ours = build();
    const theirs = build();
    const medians = await interleavedMedians(
      () => fitWeighted(tf, ours, x, labels, { spec, epochs: 1, batchSize: 32 }),
      () => theirs.fit(x, oneHot, { epochs: 1, batchSize: 32, classWeight, verbose: 0 }),
      7,
      2,
    );
    for (const tensor of [x, labels, oneHot]) tensor.dispose();
    ours.dispose();
    theirs.dispose();
    const ratio = medians.candidate / medians.baseline;
    results.push({
      name: `tfjs (${backend}): fitWeighted vs model.fit with the same classWeight, per epoch`,
      candidate: { label: 'fitWeighted (balanced class weights)', medianMilliseconds: medians.candidate },
      baseline: { label: 'model.fit({ classWeight })', medianMilliseconds: medians.baseline },
      ratio,
      goal: '<= 1.10',
      met: ratio <= 1.1,
      notes: `${data.trainFeatures.length} rows, 4-32-32-5 network, batch 32, Adam; 7 interleaved epochs after 2 warm-ups, median`,
    });
  }
  return results;
}
