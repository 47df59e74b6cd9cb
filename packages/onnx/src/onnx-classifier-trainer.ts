import { checkFeatureRows, serializeWeightingSpec, withClassLabels } from '@weightspec/core';
import type { ClassifierTrainingRequest, LabeledClassifierTrainer, TrainedClassifier } from '@weightspec/core';
import { loadOnnxRuntime, nodeBuiltinModule } from './onnx-runtime-loader.ts';
import type { OnnxRuntimeLike } from './onnx-fine-tuner-types.ts';
import { createOnnxTrainer } from './onnx-trainer.ts';

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
    async train(request: ClassifierTrainingRequest): Promise<TrainedClassifier> {
      // The width comes from the rows, so check them first: an empty or ragged table names `features`.
      const { columns } = checkFeatureRows('features', request.features, { float32: true });
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
          return (await trainer.predictProbabilities(features)).map((row) => row.indexOf(Math.max(...row)));
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
