import { HAND_PICKED_SIX_ROWS, parseWeightingSpec, resolveSchedules, resolveWeighting } from '@weightspec/core';
import { describe, expect, it } from 'vitest';
import { perSampleLossInChunks } from './tfjs-ranking-loss.ts';
import { cpuTfjs } from './tfjs-test-support.ts';

const { features, labels, kernel } = HAND_PICKED_SIX_ROWS;

/** Float64 softmax cross-entropy from logits x K (no bias) per row: log(sum exp z) - z_y. */
function referenceLosses(): number[] {
  return features.map((row, index) => {
    const logits = [0, 1, 2].map((output) =>
      row.reduce((sum, value, input) => sum + value * ((kernel[input] as readonly number[])[output] as number), 0),
    );
    const largest = Math.max(...logits);
    const logSum = largest + Math.log(logits.reduce((sum, logit) => sum + Math.exp(logit - largest), 0));
    return logSum - (logits[labels[index] as number] as number);
  });
}

describe('perSampleLossInChunks', () => {
  it('gives each row its float64 cross-entropy, identically for every chunk size', async () => {
    const tf = await cpuTfjs();
    const model = tf.sequential();
    model.add(
      tf.layers.dense({
        units: 3,
        inputShape: [3],
        useBias: false,
        weights: [tf.tensor2d(kernel.map((row) => [...row]))],
      }),
    );
    const spec = parseWeightingSpec({ specVersion: 1, loss: { kind: 'softmax_cross_entropy' } });
    const scheduled = resolveSchedules(spec, resolveWeighting(spec, { numClasses: 3 }), { epoch: 0, step: 0 });
    const data = { x: tf.tensor2d(features.map((row) => [...row])), y: tf.tensor1d([...labels], 'int32') };
    const tensorsBefore = tf.memory().numTensors;
    const whole = perSampleLossInChunks(tf, spec, scheduled, model, data, 100);
    const expected = referenceLosses();
    whole.forEach((loss, index) => {
      expect(loss).toBeCloseTo(expected[index] as number, 6);
    });
    // 1, 4 and 5 leave short last chunks; the rows are scored independently, so the bits agree.
    for (const chunkRows of [1, 4, 5, 6])
      expect(perSampleLossInChunks(tf, spec, scheduled, model, data, chunkRows)).toEqual(whole);
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    model.dispose();
    data.x.dispose();
    data.y.dispose();
  });
});
