import {
  InvalidInputError,
  UnsupportedFeatureError,
  checkCallbacks,
  checkFeatureMatrix,
  checkOptionsObject,
  countClasses,
  createSeededRandom,
  decodeLabels,
  parseWeightingSpec,
  planTraining,
  resolveSchedules,
  resolveWeighting,
  sampleWeightStatistics,
} from '@weightspec/core';
import type { ClassLabel, FeatureMatrixInput, ScheduledWeighting, WeightingSpec } from '@weightspec/core';
import { createCallQueue } from './onnx-call-queue.ts';
import { OnnxGraphBuilder } from './onnx-graph-builder.ts';
import { encodeOnnxModel } from './onnx-model-proto.ts';
import {
  checkBatchDenominator,
  checkOnnxFitData,
  checkOnnxTrainerOptions,
  checkStepResult,
} from './onnx-trainer-inputs.ts';
import type { CheckedFitData } from './onnx-trainer-inputs.ts';
import type { OnnxFitOptions, OnnxTrainer, OnnxTrainerOptions } from './onnx-trainer-types.ts';
import { ONNX_PREDICT_CHUNK_ROWS } from './onnx-chunked-prediction.ts';
import { checkPredictions } from './onnx-fine-tune-checks.ts';
import { scoreRowsInChunks } from './onnx-chunked-rows.ts';
import { loadOnnxRuntime } from './onnx-runtime-loader.ts';
import { runtimeSessionOptions } from './onnx-session-options.ts';
import type { OnnxRuntimeSession, OnnxRuntimeTensor } from './onnx-fine-tuner-types.ts';
import { appendMlp, buildForwardGraph, buildTrainingStepGraph, packLayers } from './onnx-training-step.ts';
import type { OnnxOptimizerSpec } from './onnx-training-step.ts';

export type { OnnxFitOptions, OnnxTrainer, OnnxTrainerOptions } from './onnx-trainer-types.ts';

/** Glorot-uniform kernels and zero biases, packed like packLayers. */
function initialParameters(sizes: readonly number[], random: () => number): Float32Array {
  const { layers, parameterCount } = packLayers(sizes);
  const theta = new Float32Array(parameterCount);
  for (const layer of layers) {
    const limit = Math.sqrt(6 / (layer.inputs + layer.outputs));
    for (let index = 0; index < layer.inputs * layer.outputs; index += 1)
      theta[layer.offset + index] = (random() * 2 - 1) * limit;
  }
  return theta;
}

/**
 * Creates a trainer whose every step is one ONNX graph (forward, weighted loss, gradient, optimizer)
 * run by onnxruntime-node's InferenceSession, feeding the new parameters back in. Loss-dependent
 * weights (hard mining, self-paced) take a forward run per batch; a curriculum ranks all rows at the
 * start of each epoch. Class-weight schedules rebuild the step graph when the weights change.
 */
export async function createOnnxTrainer(options: OnnxTrainerOptions): Promise<OnnxTrainer> {
  const ort = options.ort ?? (await loadOnnxRuntime());
  const spec: WeightingSpec =
    options.spec == null
      ? parseWeightingSpec({ specVersion: 1, loss: { kind: 'softmax_cross_entropy' } })
      : parseWeightingSpec(options.spec);
  if (spec.loss.kind !== 'softmax_cross_entropy')
    throw new UnsupportedFeatureError(
      'onnx',
      `loss.${spec.loss.kind}`,
      'createOnnxTrainer trains softmax classifiers; use softmax_cross_entropy',
    );
  if (spec.elements?.weights && spec.elements.weights.length !== 1)
    throw new InvalidInputError('elements.weights', 'tabular rows have one element each (E = 1)');
  const checked = checkOnnxTrainerOptions(options);
  const { inputSize, numClasses, learningRate, classes } = checked;
  const sizes = [inputSize, ...checked.hiddenUnits, numClasses];
  const optimizer: OnnxOptimizerSpec = options.optimizer ?? { kind: 'adam' };
  const random = createSeededRandom(checked.seed);
  let theta: Float32Array = initialParameters(sizes, random);
  let firstMoment: Float32Array = new Float32Array(theta.length);
  let secondMoment: Float32Array = new Float32Array(theta.length);
  /** Optimizer updates so far (Adam's bias-correction t, as PyTorch counts it). */
  let optimizerSteps = 0;
  let epochCount = 0;
  const sessionOptions = runtimeSessionOptions(checked.threads, checked.threadSpinning);
  const sessions = new Map<string, OnnxRuntimeSession>();
  let lastStepGraph: Uint8Array | null = null;
  const sessionFor = async (kind: 'step' | 'forward', scheduled: ScheduledWeighting): Promise<OnnxRuntimeSession> => {
    const key = `${kind}|${JSON.stringify(scheduled.scheduledClassWeights)}`;
    let session = sessions.get(key);
    if (!session) {
      const builder =
        kind === 'step'
          ? buildTrainingStepGraph(spec, scheduled, sizes, optimizer)
          : buildForwardGraph(spec, scheduled, sizes);
      const bytes = encodeOnnxModel(builder.build());
      if (kind === 'step') lastStepGraph = bytes;
      session = await ort.InferenceSession.create(bytes, sessionOptions);
      sessions.set(key, session);
    }
    return session;
  };
  const tensor = (data: Float32Array, dims: number[]) => new ort.Tensor('float32', data, dims);
  /** Rows `indices` of row-major features (float64 rows or the caller's dense array), as one float32 batch. */
  const flatten = (values: Float32Array | Float64Array, indices: ArrayLike<number>) => {
    const data = new Float32Array(indices.length * inputSize);
    for (let position = 0; position < indices.length; position += 1) {
      const row = indices[position] as number;
      data.set(values.subarray(row * inputSize, (row + 1) * inputSize), position * inputSize);
    }
    return data;
  };
  const oneHot = (labels: Int32Array, indices: ArrayLike<number>) => {
    const data = new Float32Array(indices.length * numClasses);
    for (let position = 0; position < indices.length; position += 1)
      data[position * numClasses + (labels[indices[position] as number] as number)] = 1;
    return data;
  };
  /** Each row's raw loss under the current parameters: rows `indices`, or every row when null, in chunks. */
  const forwardRawLoss = async (
    scheduled: ScheduledWeighting,
    data: CheckedFitData,
    indices: ArrayLike<number> | null,
  ): Promise<Float32Array> => {
    const session = await sessionFor('forward', scheduled);
    return scoreRowsInChunks(indices === null ? data.count : indices.length, indices, async (chunk) => {
      const ones = new Float32Array(chunk.length).fill(1);
      const result = await session.run({
        theta: tensor(theta, [theta.length]),
        x: tensor(flatten(data.features, chunk), [chunk.length, inputSize]),
        targets: tensor(oneHot(data.labels, chunk), [chunk.length, numClasses]),
        rest: tensor(ones, [chunk.length, 1]),
        keep: tensor(ones, [chunk.length, 1]),
      });
      return result.raw_loss?.data as Float32Array;
    });
  };
  // Fit calls run one after another: each continues from the parameters the previous one left.
  const inTurn = createCallQueue();
  // The inference session of the current parameters: made on the first prediction after a step changed
  // theta (each step returns a new array), reused by later predictions, released when replaced.
  let inference: { theta: Float32Array; session: Promise<OnnxRuntimeSession> } | null = null;
  const inferenceSession = async () => {
    if (inference?.theta !== theta) {
      const stale = inference;
      inference = { theta, session: ort.InferenceSession.create(trainer.exportInferenceModel(), sessionOptions) };
      if (stale) await (await stale.session).release();
    }
    return inference.session;
  };

  const fitNow = async (
    features: FeatureMatrixInput,
    labels: readonly ClassLabel[] | Int32Array,
    givenOptions: OnnxFitOptions,
  ): Promise<{ losses: number[] }> => {
    const fitOptions = checkOptionsObject('options', givenOptions);
    checkCallbacks(fitOptions, ['onProgress', 'onBatchBegin']);
    const data = checkOnnxFitData(checked, features, labels, fitOptions.sampleWeights);
    const { sampleWeights } = data;
    const stats = fitOptions.stats ?? countClasses(data.labels, numClasses);
    const resolved = resolveWeighting(spec, {
      stats,
      numClasses,
      sampleWeights: sampleWeights ? sampleWeightStatistics(sampleWeights) : null,
    });
    const plan = planTraining(spec, resolved, {
      count: data.count,
      epochs: fitOptions.epochs,
      batchSize: fitOptions.batchSize,
      seed: checked.seed,
      difficulty: fitOptions.difficulty ?? null,
      firstEpoch: epochCount,
    });
    const elementWeight = spec.elements?.weights?.[0] ?? 1;
    const losses: number[] = [];
    for (let epoch = plan.firstEpoch; epoch < plan.totalEpochs; epoch += 1) {
      const start = plan.startEpoch(epoch);
      const rankingLoss = start.needsRanking ? await forwardRawLoss(start.scheduled, data, null) : null;
      const planned = start.admit(rankingLoss);
      const curriculum = planned.curriculumWeights;
      let lossSum = 0;
      for (const batch of planned.batches) {
        fitOptions.onBatchBegin?.(batch);
        const indices = batch.indices;
        const scheduled = batch.scheduled;
        const rest = Float32Array.from(
          indices,
          (row) =>
            (sampleWeights ? (sampleWeights[row] as number) * resolved.sampleWeightScale : 1) *
            (curriculum ? (curriculum[row] as number) : 1) *
            elementWeight,
        );
        if (batch.needsLoss) {
          const factors = plan.lossFactors(batch, await forwardRawLoss(scheduled, data, indices));
          factors.forEach((factor, position) => {
            rest[position] = (rest[position] as number) * factor;
          });
        }
        checkBatchDenominator(spec, batch, data.labels, rest);
        const session = await sessionFor('step', scheduled);
        const feeds: Record<string, OnnxRuntimeTensor> = {
          theta: tensor(theta, [theta.length]),
          m: tensor(firstMoment, [theta.length]),
          x: tensor(flatten(data.features, indices), [indices.length, inputSize]),
          targets: tensor(oneHot(data.labels, indices), [indices.length, numClasses]),
          rest: tensor(rest, [indices.length, 1]),
          keep: tensor(new Float32Array(indices.length).fill(1), [indices.length, 1]),
          learning_rate: tensor(Float32Array.of(learningRate), []),
          step: tensor(Float32Array.of(optimizerSteps + 1), []),
        };
        if (optimizer.kind === 'adam') feeds.v = tensor(secondMoment, [theta.length]);
        const result = await session.run(feeds);
        const loss = result.loss?.data[0] as number;
        checkStepResult(batch, loss, result.theta_next?.data as Float32Array);
        optimizerSteps += 1;
        theta = result.theta_next?.data as Float32Array;
        firstMoment = result.m_next?.data as Float32Array;
        if (optimizer.kind === 'adam') secondMoment = result.v_next?.data as Float32Array;
        lossSum += loss;
      }
      const epochLoss = planned.batches.length === 0 ? 0 : lossSum / planned.batches.length;
      losses.push(epochLoss);
      fitOptions.onProgress?.({
        epoch,
        totalEpochs: plan.totalEpochs,
        loss: epochLoss,
        admittedSamples: planned.admittedSamples,
        effectiveWeight: planned.effectiveWeight,
      });
    }
    epochCount = plan.totalEpochs;
    return { losses };
  };

  const trainer: OnnxTrainer = {
    fit(features, labels, fitOptions) {
      return inTurn(() => fitNow(features, labels, fitOptions));
    },
    predictProbabilities(features) {
      return inTurn(async () => {
        const rows = checkFeatureMatrix('features', features, { float32: true });
        if (rows.columns !== inputSize)
          throw new InvalidInputError('features[0]', `has ${rows.columns} values, expected inputSize ${inputSize}`);
        const session = await inferenceSession();
        const probabilities: number[][] = new Array(rows.rows);
        // In chunks: one chunk's input and output are the only buffers a run allocates, whatever N is.
        for (let start = 0; start < rows.rows; start += ONNX_PREDICT_CHUNK_ROWS) {
          const count = Math.min(ONNX_PREDICT_CHUNK_ROWS, rows.rows - start);
          const chunk = Int32Array.from({ length: count }, (_, offset) => start + offset);
          const result = await session.run({ x: tensor(flatten(rows.values, chunk), [count, inputSize]) });
          const values = result.probabilities?.data as Float32Array;
          for (let position = 0; position < count; position += 1)
            probabilities[start + position] = Array.from(
              values.subarray(position * numClasses, (position + 1) * numClasses),
            );
        }
        return checkPredictions(probabilities);
      });
    },
    async predictLabels(features) {
      const codes = (await trainer.predictProbabilities(features)).map((row) => row.indexOf(Math.max(...row)));
      return classes ? decodeLabels(codes, classes) : codes;
    },
    exportInferenceModel() {
      const builder = new OnnxGraphBuilder('weightspec_inference');
      const x = builder.input('x', 'float', ['N', inputSize]);
      const parameters = builder.constant(theta, [theta.length], 'float', 'parameters');
      const logits = appendMlp(builder, parameters, x, packLayers(sizes).layers);
      builder.node(
        'Softmax',
        [logits],
        { axis: { type: 'int', value: -1 } },
        { output: 'probabilities', shape: ['N', numClasses] },
      );
      builder.output('probabilities', 'float', ['N', numClasses]);
      return encodeOnnxModel(builder.build());
    },
    exportTrainingStep() {
      if (lastStepGraph) return lastStepGraph;
      if (spec.class && spec.class.strategy !== 'manual')
        throw new InvalidInputError(
          'exportTrainingStep',
          `class weights (${spec.class.strategy}) come from the training data: call fit first`,
        );
      const scheduled = resolveSchedules(spec, resolveWeighting(spec, { numClasses }), {
        epoch: epochCount,
        step: optimizerSteps,
      });
      return encodeOnnxModel(buildTrainingStepGraph(spec, scheduled, sizes, optimizer).build());
    },
    parameters() {
      return Float32Array.from(theta);
    },
    async release() {
      for (const session of sessions.values()) await session.release();
      sessions.clear();
      const stale = inference;
      inference = null;
      if (stale) await (await stale.session).release();
    },
  };
  return trainer;
}
