import { createOnnxTrainer } from '@weightspec/onnx';
import type { OnnxRuntimeModule } from '@weightspec/onnx';
import { argMaxRows, evaluateRun } from './training-evaluation.ts';
import type { TrainingEvent, TrainingRequest } from './training-messages.ts';
import { parseWeightingSpec } from '@weightspec/core';

/**
 * Trains one run through @weightspec/onnx's ONNX training path: every step is one ONNX graph (forward,
 * weighted loss, gradient, Adam) run by the injected ONNX Runtime, onnxruntime-web's wasm build in the
 * page (onnxruntime-node in Node tests). Reports each epoch's loss, then per-class test recall.
 */
export async function runOnnxTraining(
  request: TrainingRequest,
  ort: OnnxRuntimeModule,
  runtime: string,
  report: (event: TrainingEvent) => void,
): Promise<void> {
  report({ type: 'started', runtime });
  const started = performance.now();
  const trainer = await createOnnxTrainer({
    ort,
    inputSize: request.trainFeatures[0]?.length ?? 0,
    numClasses: request.numClasses,
    hiddenUnits: request.hiddenUnits,
    // The page validated the JSON; parsing here gives the trainer a typed spec (and a typed error if not).
    spec: parseWeightingSpec(request.specDocument),
    learningRate: request.learningRate,
    seed: request.seed,
    threads: 1,
  });
  try {
    await trainer.fit(request.trainFeatures, request.trainLabels, {
      epochs: request.epochs,
      batchSize: request.batchSize,
      onProgress: (progress) => {
        report({ type: 'epoch', epoch: progress.epoch, totalEpochs: progress.totalEpochs, loss: progress.loss });
      },
    });
    const predicted = argMaxRows(await trainer.predictProbabilities(request.testFeatures));
    report(evaluateRun(request, predicted, (performance.now() - started) / 1000));
  } finally {
    await trainer.release();
  }
}
