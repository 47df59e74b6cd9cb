import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlainUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { fitWeighted } from '@weightspec/tfjs';
import { TFJS_BACKENDS } from './training-messages.ts';
import type { TrainingEvent, TrainingRequest } from './training-messages.ts';
import { argMaxRows, evaluateRun } from './training-evaluation.ts';
import { parseWeightingSpec } from '@weightspec/core';

/** Starts the first backend that works, in the order asked; returns its name. */
async function startBackend(choice: TrainingRequest['tfjsBackend']): Promise<string> {
  // The wasm binaries are bundled by Vite and served from the page's own origin, never a CDN.
  setWasmPaths({
    'tfjs-backend-wasm.wasm': wasmPlainUrl,
    'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
    'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedUrl,
  });
  const candidates = choice === 'auto' ? TFJS_BACKENDS : [choice];
  const failures: string[] = [];
  for (const backend of candidates) {
    try {
      if (await tf.setBackend(backend)) {
        await tf.ready();
        if (choice === 'auto' && backend === 'webgl' && !tf.env().getBool('WEBGL_RENDER_FLOAT32_ENABLED')) {
          failures.push('webgl: no float32 render targets (half precision)');
          continue;
        }
        return backend;
      }
      failures.push(`${backend}: not available`);
    } catch (error) {
      failures.push(`${backend}: ${(error as Error).message}`);
    }
  }
  throw new Error(`no tfjs backend started (${failures.join('; ')})`);
}

/** A dense network with seeded Glorot kernels: ReLU hidden layers, then one logit per class. */
function buildModel(request: TrainingRequest): tf.Sequential {
  const inputSize = request.trainFeatures[0]?.length ?? 0;
  const model = tf.sequential();
  const sizes = [...request.hiddenUnits, request.numClasses];
  sizes.forEach((units, index) => {
    model.add(
      tf.layers.dense({
        units,
        activation: index === sizes.length - 1 ? 'linear' : 'relu',
        inputShape: index === 0 ? [inputSize] : undefined,
        kernelInitializer: tf.initializers.glorotUniform({ seed: request.seed + index }),
      }),
    );
  });
  return model;
}

/**
 * Trains one run with @weightspec/tfjs's fitWeighted (the spec applied batch by batch, Adam), reporting
 * each epoch's loss, then scores per-class recall on the test rows.
 */
export async function runTfjsTraining(request: TrainingRequest, report: (event: TrainingEvent) => void): Promise<void> {
  const backend = await startBackend(request.tfjsBackend);
  report({ type: 'started', runtime: `tfjs ${tf.version.tfjs} (${backend})` });
  const started = performance.now();
  const model = buildModel(request);
  const x = tf.tensor2d(request.trainFeatures);
  const y = tf.tensor1d(request.trainLabels, 'float32');
  try {
    await fitWeighted(tf, model, x, y, {
      // The page validated the JSON; parsing here gives the trainer a typed spec (and a typed error if not).
      spec: parseWeightingSpec(request.specDocument),
      epochs: request.epochs,
      batchSize: request.batchSize,
      seed: request.seed,
      optimizer: tf.train.adam(request.learningRate),
      callbacks: {
        onEpochEnd: (epoch, logs) => {
          report({ type: 'epoch', epoch, totalEpochs: request.epochs, loss: logs.loss ?? Number.NaN });
        },
      },
    });
    const scores = tf.tidy(() => model.predict(tf.tensor2d(request.testFeatures)) as tf.Tensor2D);
    const predicted = argMaxRows(await scores.array());
    scores.dispose();
    report(evaluateRun(request, predicted, (performance.now() - started) / 1000));
  } finally {
    x.dispose();
    y.dispose();
    model.dispose();
  }
}
