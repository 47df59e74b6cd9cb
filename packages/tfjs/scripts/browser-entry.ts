// Bundled for the browser by browser-check.mjs: runs conformance vectors with the tfjs adapter (cpu and
// wasm) inside Chromium and reports each loss next to the vector's expected value.
import * as tf from '@tensorflow/tfjs';
import { prepareWeightingComputation } from '@weightspec/core';
import { createTfjsWeightingAdapter } from '../src/index.ts';
import focal from '../../conformance/vectors/adaptive/focal-softmax-alpha-per-class.json';
import sequence from '../../conformance/vectors/shape/softmax-sequence-mask-value.json';
import curriculum from '../../conformance/vectors/curriculum/exponential-soft.json';

async function main(): Promise<void> {
  const results: unknown[] = [];
  for (const backend of ['cpu', 'wasm'] as const) {
    const adapter = await createTfjsWeightingAdapter({ backend, tf });
    for (const vector of [focal, sequence, curriculum]) {
      const computation = prepareWeightingComputation(vector.spec, vector.inputs as never, {
        stats: (vector as { stats?: unknown }).stats,
      });
      const { loss } = await adapter.computeWeightedLoss(computation);
      const expected = vector.expected.loss as number;
      results.push({
        backend: tf.getBackend(),
        id: vector.id,
        loss,
        expected,
        ok: Math.abs(loss - expected) <= 2e-4 * Math.abs(expected) + 1e-5,
      });
    }
  }
  document.body.textContent = JSON.stringify(results);
}

main().catch((error: unknown) => {
  document.body.textContent = JSON.stringify([{ ok: false, error: String((error as Error)?.stack ?? error) }]);
});
