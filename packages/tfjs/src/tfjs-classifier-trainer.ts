import {
  InvalidInputError,
  UnsupportedFeatureError,
  checkClassLabels,
  checkFeatureMatrix,
  checkFiniteNumber,
  parseWeightingSpec,
  serializeWeightingSpec,
  withClassLabels,
} from '@weightspec/core';
import type { ClassifierTrainingRequest, LabeledClassifierTrainer, TrainedClassifier } from '@weightspec/core';

/** float32 values for a tensor: a Float32Array as it is (a dense matrix: no copy), else a float32 copy. */
const asFloat32 = (values: Float32Array | Float64Array): Float32Array =>
  values instanceof Float32Array ? values : Float32Array.from(values);
import type { LayersModel } from '@tensorflow/tfjs';
import { predictClassesInChunks } from './tfjs-chunked-prediction.ts';
import { loadTfjs, useTfjsBackend } from './tfjs-peer.ts';
import type { Tfjs, TfjsBackendName } from './tfjs-peer.ts';
import { fitWeighted } from './tfjs-weighted-fit.ts';

/** Options of createTfjsClassifierTrainer. */
export interface TfjsClassifierTrainerOptions {
  readonly backend?: TfjsBackendName;
  readonly tf?: Tfjs;
}

/** A dense network with seeded Glorot initializers: hidden ReLU layers, then one output per class. */
function buildClassifier(
  tf: Tfjs,
  inputs: number,
  classes: number,
  hidden: readonly number[],
  seed: number,
  outputActivation: 'linear' | 'softmax' | 'sigmoid',
): LayersModel {
  const model = tf.sequential();
  hidden.forEach((units, index) => {
    model.add(
      tf.layers.dense({
        units,
        activation: 'relu',
        inputShape: index === 0 ? [inputs] : undefined,
        kernelInitializer: tf.initializers.glorotUniform({ seed: seed + index }),
      }),
    );
  });
  model.add(
    tf.layers.dense({
      units: classes,
      activation: outputActivation,
      inputShape: hidden.length === 0 ? [inputs] : undefined,
      kernelInitializer: tf.initializers.glorotUniform({ seed: seed + hidden.length }),
    }),
  );
  return model;
}

/**
 * The tfjs side of the shared training interface (the CLI's `--adapter tfjs`): a small dense network
 * (hidden layers `hiddenUnits`, default [16]) trained with fitWeighted and Adam. Softmax specs train
 * on class indices, sigmoid specs on one-hot targets; regression specs are not classifiers.
 */
export async function createTfjsClassifierTrainer(
  options: TfjsClassifierTrainerOptions = {},
): Promise<LabeledClassifierTrainer> {
  const backend = options.backend ?? 'cpu';
  const tf = options.tf ?? (await loadTfjs());
  await useTfjsBackend(tf, backend);
  return withClassLabels({
    id: `tfjs-${backend}`,
    denseFeatures: true,
    async train(request: ClassifierTrainingRequest): Promise<TrainedClassifier> {
      const spec = request.spec ?? parseWeightingSpec({ specVersion: 1, loss: { kind: 'softmax_cross_entropy' } });
      if (spec.loss.kind !== 'softmax_cross_entropy' && spec.loss.kind !== 'sigmoid_cross_entropy')
        throw new UnsupportedFeatureError(
          `tfjs-${backend}`,
          `loss.${spec.loss.kind}`,
          'the classifier trainer needs a classification loss',
        );
      // Checked before any tensor exists: tf.oneHot would turn label 7 of 3 classes into a row of zeros.
      const rows = checkFeatureMatrix('features', request.features, { float32: true });
      const numClasses = checkFiniteNumber('numClasses', request.numClasses, { integer: true, min: 2 });
      const codes = checkClassLabels('labels', request.labels, { numClasses, length: rows.rows });
      const isSigmoid = spec.loss.kind === 'sigmoid_cross_entropy';
      const fromLogits = spec.loss.from === 'logits';
      const width = rows.columns;
      const model = buildClassifier(
        tf,
        width,
        request.numClasses,
        request.hiddenUnits ?? [16],
        request.seed,
        fromLogits ? 'linear' : isSigmoid ? 'sigmoid' : 'softmax',
      );
      const x = tf.tensor2d(asFloat32(rows.values), [rows.rows, width]);
      const y = tf.tidy(() =>
        isSigmoid
          ? tf.oneHot(tf.tensor1d(codes, 'int32'), numClasses).toFloat()
          : tf.tensor1d(Float32Array.from(codes)),
      );
      // Made here, so disposed here: Adam keeps two moment tensors per weight.
      const optimizer = tf.train.adam(request.learningRate ?? 0.01);
      try {
        await fitWeighted(tf, model, x, y, {
          spec,
          epochs: request.epochs,
          batchSize: request.batchSize,
          seed: request.seed,
          sampleWeights: request.sampleWeights ?? null,
          difficulty: request.difficulty ?? null,
          optimizer,
          callbacks: {
            onEpochEnd: (epoch, logs) =>
              request.onProgress?.({
                epoch,
                totalEpochs: request.epochs,
                loss: logs.loss as number,
                admittedSamples: logs.admittedSamples as number,
                effectiveWeight: (logs.meanCurriculumWeight as number) * rows.rows,
              }),
          },
        });
      } catch (error) {
        model.dispose();
        throw error;
      } finally {
        x.dispose();
        y.dispose();
        optimizer.dispose();
      }
      return {
        async predict(features) {
          const input = checkFeatureMatrix('features', features, { float32: true });
          if (input.columns !== width)
            throw new InvalidInputError('features[0]', `has ${input.columns} values, the model takes ${width}`);
          const scored = { values: asFloat32(input.values), rows: input.rows, columns: width };
          return Array.from(predictClassesInChunks(tf, model, scored));
        },
        async save(directory) {
          // Node-only: imported here so browser bundles of the package stay free of node: modules.
          const { mkdir, writeFile } = await import('node:fs/promises');
          const { join } = await import('node:path');
          await mkdir(directory, { recursive: true });
          const files: string[] = [];
          await model.save(
            tf.io.withSaveHandler(async (artifacts) => {
              const weightsFile = join(directory, 'weights.bin');
              await writeFile(weightsFile, new Uint8Array(artifacts.weightData as ArrayBuffer));
              const modelFile = join(directory, 'model.json');
              const manifest = {
                modelTopology: artifacts.modelTopology,
                format: artifacts.format,
                generatedBy: artifacts.generatedBy,
                weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
              };
              await writeFile(modelFile, `${JSON.stringify(manifest)}\n`);
              files.push(modelFile, weightsFile);
              return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
            }),
          );
          if (request.spec) {
            const specFile = join(directory, 'weighting-spec.json');
            await writeFile(specFile, `${serializeWeightingSpec(request.spec)}\n`);
            files.push(specFile);
          }
          return files;
        },
        dispose() {
          model.dispose();
        },
      };
    },
  });
}
