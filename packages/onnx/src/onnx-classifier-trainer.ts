import {
  InvalidInputError,
  checkFeatureMatrix,
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
import { predictClassesInChunks } from './onnx-chunked-prediction.ts';
import { loadOnnxRuntime, nodeBuiltinModule } from './onnx-runtime-loader.ts';
import type { OnnxRuntimeLike } from './onnx-fine-tuner-types.ts';
import { createOnnxTrainer } from './onnx-trainer.ts';
import type { OnnxTrainer } from './onnx-trainer-types.ts';

/** The most likely class per row; a dense matrix is scored in chunks by one session (no N x C output). */
async function predictClasses(
  ort: OnnxRuntimeLike,
  trainer: OnnxTrainer,
  features: FeatureMatrixInput,
  sizes: { readonly inputSize: number; readonly numClasses: number },
): Promise<number[]> {
  if (!isDenseFeatureMatrix(features))
    return (await trainer.predictProbabilities(features)).map((row) => row.indexOf(Math.max(...row)));
  const matrix = checkFeatureMatrix('features', features, { float32: true });
  if (matrix.columns !== sizes.inputSize)
    throw new InvalidInputError('features[0]', `has ${matrix.columns} values, expected inputSize ${sizes.inputSize}`);
  const model = trainer.exportInferenceModel();
  return Array.from(await predictClassesInChunks(ort, model, matrix, { numClasses: sizes.numClasses }));
}

/**
 * The ONNX side of the shared training interface (the CLI's `--adapter onnx`): an MLP (hidden layers
 * `hiddenUnits`, default [16]) trained with Adam by ONNX training-step graphs; save() writes
 * model.onnx (runs in any ONNX Runtime: input `x`, output `probabilities`) and the spec.
 */
export async function createOnnxClassifierTrainer(
  options: { ort?: OnnxRuntimeLike } = {},
): Promise<LabeledClassifierTrainer> {
  const ort = options.ort ?? (await loadOnnxRuntime());
  return withClassLabels({
    id: 'onnx',
    denseFeatures: true,
    async train(request: ClassifierTrainingRequest): Promise<TrainedClassifier> {
      // The width comes from the rows, so check them first: an empty or ragged table names `features`.
      const { columns } = checkFeatureMatrix('features', request.features, { float32: true });
      const trainer = await createOnnxTrainer({
        ort,
        inputSize: columns,
        numClasses: request.numClasses,
        hiddenUnits: request.hiddenUnits ?? [16],
        spec: request.spec,
        learningRate: request.learningRate ?? 0.01,
        seed: request.seed,
      });
      try {
        await trainer.fit(request.features, request.labels, {
          epochs: request.epochs,
          batchSize: request.batchSize,
          sampleWeights: request.sampleWeights ?? null,
          difficulty: request.difficulty ?? null,
          onProgress: request.onProgress,
        });
      } finally {
        await trainer.release();
      }
      return {
        async predict(features) {
          return predictClasses(ort, trainer, features, { inputSize: columns, numClasses: request.numClasses });
        },
        async save(directory) {
          // Node-only, looked up here so the package still bundles for the browser.
          const instead = 'write trainer.exportInferenceModel() yourself';
          const { mkdir, writeFile } = nodeBuiltinModule(
            'node:fs/promises',
            'save()',
            instead,
          ) as typeof import('node:fs/promises');
          const { join } = nodeBuiltinModule('node:path', 'save()', instead) as typeof import('node:path');
          await mkdir(directory, { recursive: true });
          const files = [join(directory, 'model.onnx')];
          await writeFile(files[0] as string, trainer.exportInferenceModel());
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
