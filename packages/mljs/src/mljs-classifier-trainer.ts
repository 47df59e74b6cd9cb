import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  checkDenseFeatureMatrix,
  isDenseFeatureMatrix,
  serializeWeightingSpec,
  withClassLabels,
} from '@weightspec/core';
import type {
  ClassifierTrainingRequest,
  FeatureMatrixInput,
  LabeledClassifierTrainer,
  TrainedClassifier,
} from '@weightspec/core';
import type { WeightedLogisticRegression } from './mljs-logistic-model.ts';
import { trainWeightedLogisticRegression } from './mljs-weighted-training.ts';

/**
 * Predicts rows or a dense matrix; a dense matrix is scored in place (predictDense: the classes
 * ml.js's predict gives, without a per-row array or an ml-matrix copy of the data).
 */
function predictClasses(model: WeightedLogisticRegression, features: FeatureMatrixInput): number[] {
  if (!isDenseFeatureMatrix(features)) return model.predict(features);
  const { values, rows, columns } = checkDenseFeatureMatrix('features', features);
  return model.predictDense(values, rows, columns);
}

/**
 * The ml.js adapter's side of the shared training interface (used by the CLI): one full-batch step
 * per epoch, so `epochs` is ml-logistic-regression's `numSteps`; `batchSize` and `seed` do not apply
 * (full-batch gradient ascent from zero is deterministic). Learns an intercept.
 */
export function createMljsClassifierTrainer(options: { defaultLearningRate?: number } = {}): LabeledClassifierTrainer {
  return withClassLabels({
    id: 'mljs',
    denseFeatures: true,
    async train(request: ClassifierTrainingRequest): Promise<TrainedClassifier> {
      const model = trainWeightedLogisticRegression(request.features, request.labels, {
        numSteps: request.epochs,
        learningRate: request.learningRate ?? options.defaultLearningRate ?? 1e-3,
        spec: request.spec,
        sampleWeights: request.sampleWeights,
        difficulty: request.difficulty,
        numClasses: request.numClasses,
        intercept: true,
        progressEvery: 1,
        onProgress: (progress) =>
          request.onProgress?.({
            epoch: progress.step - 1,
            totalEpochs: progress.totalSteps,
            loss: progress.loss,
            admittedSamples: progress.admittedRows,
            effectiveWeight: progress.effectiveWeight,
          }),
      });
      return {
        async predict(features) {
          return predictClasses(model, features);
        },
        async save(directory) {
          await mkdir(directory, { recursive: true });
          const files = [join(directory, 'model.json')];
          await writeFile(files[0] as string, `${JSON.stringify(model.toJSON(), null, 2)}\n`);
          if (request.spec) {
            files.push(join(directory, 'weighting-spec.json'));
            await writeFile(files[1] as string, `${serializeWeightingSpec(request.spec)}\n`);
          }
          return files;
        },
      };
    },
  });
}
