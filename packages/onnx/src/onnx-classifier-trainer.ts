import { checkFeatureMatrix, isDenseFeatureMatrix, serializeWeightingSpec, withClassLabels } from '@weightspec/core';
import type {
  ClassifierTrainingRequest,
  FeatureMatrixInput,
  LabeledClassifierTrainer,
  TrainedClassifier,
} from '@weightspec/core';
import { loadOnnxRuntime, nodeBuiltinModule } from './onnx-runtime-loader.ts';
import type { OnnxRuntimeLike } from './onnx-fine-tuner-types.ts';
import { createOnnxTrainer } from './onnx-trainer.ts';
import type { OnnxTrainer } from './onnx-trainer-types.ts';

/** Rows scored per inference run on a dense matrix, so the probabilities of 2M rows never exist at once. */
const PREDICT_CHUNK_ROWS = 65536;

/** The most likely class per row; a dense matrix is scored in chunks of subarray views (no copies). */
async function predictClasses(trainer: OnnxTrainer, features: FeatureMatrixInput): Promise<number[]> {
  const argmax = (rows: number[][]) => rows.map((row) => row.indexOf(Math.max(...row)));
  if (!isDenseFeatureMatrix(features)) return argmax(await trainer.predictProbabilities(features));
  const { values, rows, columns } = checkFeatureMatrix('features', features, { float32: true });
  const predicted: number[] = [];
  for (let start = 0; start < rows; start += PREDICT_CHUNK_ROWS) {
    const count = Math.min(PREDICT_CHUNK_ROWS, rows - start);
    const chunk = { values: values.subarray(start * columns, (start + count) * columns), rows: count, columns };
    for (const label of argmax(await trainer.predictProbabilities(chunk))) predicted.push(label);
  }
  return predicted;
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
          return predictClasses(trainer, features);
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
