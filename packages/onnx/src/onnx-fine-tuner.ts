import type { ClassStatistics, ScheduledWeighting, WeightingSpec } from '@weightspec/core';
import {
  checkNumberArray,
  countClasses,
  createSeededRandom,
  InvalidInputError,
  parseWeightingSpec,
  resolveSchedules,
  resolveWeighting,
  sampleWeightStatistics,
  shuffleInPlace,
} from '@weightspec/core';
import { withInitializers } from './onnx-fine-tune-export.ts';
import { evaluateInChunks } from './onnx-fine-tune-evaluation.ts';
import { batchFeeds, maskFeeds } from './onnx-fine-tune-feeds.ts';
import { checkFineTuneOptions } from './onnx-fine-tune-options.ts';
import { FineTuneParameters } from './onnx-fine-tune-parameters.ts';
import { elementAccuracy } from './onnx-fine-tune-metrics.ts';
import { GraphSessionCache } from './onnx-fine-tune-sessions.ts';
import { lowerModelGraph } from './onnx-fine-tune-graph.ts';
import { applyLossRules, curriculumWeights, needsRawLoss } from './onnx-fine-tune-policy.ts';
import { buildEvaluationGraph, buildStepGraph, type FineTuneGraph, lossLayout } from './onnx-fine-tune-step.ts';
import type {
  FineTuneBatch,
  OnnxFineTuner,
  OnnxFineTunerOptions,
  OnnxRuntimeLike,
  OnnxRuntimeTensor,
} from './onnx-fine-tuner-types.ts';
import { FINE_TUNE_OPS, selectTrainable } from './onnx-fine-tune-selection.ts';
import { checkSupportedOps, decodeOnnxModel } from './onnx-model-decoder.ts';
import { encodeOnnxModel } from './onnx-model-proto.ts';

/**
 * Fine-tunes an existing ONNX model (e.g. exported by torch.onnx.export in training mode) with a
 * weighting spec: SPEC's weighted loss on the chosen output, reverse-mode gradients for the trainable
 * initializers and SGD or Adam, each step one ONNX graph run by ONNX Runtime's InferenceSession
 * (onnxruntime-node, or onnxruntime-web when injected as `ort`).
 */
export async function createOnnxFineTuner(options: OnnxFineTunerOptions): Promise<OnnxFineTuner> {
  const ort: OnnxRuntimeLike =
    options.ort ?? ((await (await import('./onnx-runtime-loader.ts')).loadOnnxRuntime()) as unknown as OnnxRuntimeLike);
  const model = decodeOnnxModel(options.model);
  checkSupportedOps(model, FINE_TUNE_OPS, 'fine-tuning');
  const spec: WeightingSpec = parseWeightingSpec(
    options.spec ?? { specVersion: 1, loss: { kind: 'softmax_cross_entropy' } },
  );
  const output = options.output ?? model.outputs[0]?.name;
  if (!output || !model.outputs.some((item) => item.name === output))
    throw new InvalidInputError(
      'output',
      `"${output}" is not a graph output; outputs: ${model.outputs.map((item) => item.name).join(', ')}`,
    );
  const { trainable, runningStatistics } = selectTrainable(model, options.trainable ?? 'all', options.frozen ?? []);
  const { optimizer, learningRate, threads, seed } = checkFineTuneOptions(options);
  const random = createSeededRandom(seed);
  const parameters = new FineTuneParameters(model, trainable, runningStatistics, optimizer.kind === 'adam');
  // The schedules' clock (SPEC "clock": a curriculum epoch still counts its full batches) and the
  // optimizer's own update count (Adam's bias correction counts updates taken, as torch.optim does).
  let stepCount = 0;
  let updateCount = 0;
  let epochCount = 0;
  const sessionOptions = { intraOpNumThreads: threads, interOpNumThreads: 1 };
  const sessions = new GraphSessionCache(ort, sessionOptions);
  const sessionFor = (kind: 'step' | 'evaluate', batchSize: number, scheduled: ScheduledWeighting) =>
    sessions.get(`${kind}|${batchSize}|${JSON.stringify(scheduled.scheduledClassWeights ?? null)}`, () => {
      const graphOptions = { model, output, spec, scheduled, batchSize, trainable, runningStatistics };
      return kind === 'step' ? buildStepGraph({ ...graphOptions, optimizer }) : buildEvaluationGraph(graphOptions);
    });
  const float = (data: Float32Array, dims: readonly number[]) => new ort.Tensor('float32', data, dims);
  let layout: ReturnType<typeof lossLayout> | null = null;
  // The output's layout (width W, loss rows per sample) from static shape inference at batch size 1.
  const outputLayout = () => {
    if (layout === null) {
      const lowered = lowerModelGraph({ model, batchSize: 1, training: false, fedInitializers: new Set(trainable) });
      const shape = lowered.builder.shapeOf(lowered.valueOf(output)) as number[];
      if (shape.length < 2)
        throw new InvalidInputError(
          'output',
          `output "${output}" has shape [${shape.join(', ')}]; expected [batch, ...]`,
        );
      layout = lossLayout(shape, spec.loss.kind === 'softmax_cross_entropy');
      const elements = spec.loss.kind === 'softmax_cross_entropy' ? layout.rowsPerSample : layout.width;
      if (spec.elements?.weights && spec.elements.weights.length !== elements)
        throw new InvalidInputError(
          'elements.weights',
          `has ${spec.elements.weights.length} weights; output "${output}" has E = ${elements} elements per sample`,
        );
    }
    return layout;
  };
  const outputWidth = async () => outputLayout().width;
  const elementWeights = spec.elements?.weights ?? null;
  const maskValue = spec.elements?.maskValue ?? null;
  /** Class labels of every unmasked element, for class counts. */
  const flatLabels = (targets: FineTuneBatch['targets']) =>
    (targets as (number | readonly number[])[]).flat().filter((label) => maskValue === null || label !== maskValue);
  const isSoftmax = spec.loss.kind === 'softmax_cross_entropy';
  function scheduleFor(
    stats: ClassStatistics | null,
    width: number,
    sampleWeights: readonly number[] | null = null,
    clock = { epoch: epochCount, step: stepCount },
  ) {
    const resolved = resolveWeighting(spec, {
      stats,
      numClasses: width,
      sampleWeights: sampleWeights ? sampleWeightStatistics(sampleWeights) : null,
    });
    return { resolved, scheduled: resolveSchedules(spec, resolved, clock) };
  }
  const dataFeeds = (
    graph: FineTuneGraph,
    features: readonly ArrayLike<number>[],
    targets: FineTuneBatch['targets'] | null,
    indices: ArrayLike<number>,
    rest: Float32Array,
    extra: { dataElementWeights?: FineTuneBatch['elementWeights']; elementFactors?: Float32Array | null } = {},
  ) => {
    const rows = { features, targets, indices, rest, isSoftmax, elementWeights, maskValue, ...extra };
    const feeds = batchFeeds(ort, graph, rows);
    return { ...feeds, ...parameters.feeds(ort, false) };
  };
  const dropoutFeeds = (graph: FineTuneGraph, given: readonly Float32Array[] | undefined) =>
    maskFeeds(ort, graph, given, random);
  /** Runs one step graph on rows `indices`; `apply` false leaves every parameter as it was. */
  const runStep = async (
    features: readonly ArrayLike<number>[],
    targets: FineTuneBatch['targets'],
    indices: ArrayLike<number>,
    rest: Float32Array,
    scheduled: ScheduledWeighting,
    masks: readonly Float32Array[] | undefined,
    apply: boolean,
    extra: Parameters<typeof dataFeeds>[5] = {},
  ) => {
    const { session, graph } = await sessionFor('step', indices.length, scheduled);
    const feeds = {
      ...dataFeeds(graph, features, targets, indices, rest, extra),
      ...dropoutFeeds(graph, masks),
      ...parameters.feeds(ort, true),
    };
    feeds.learning_rate = float(Float32Array.of(learningRate), []);
    feeds.step = float(Float32Array.of(updateCount + 1), []);
    const result = await session.run(feeds);
    if (apply) {
      stepCount += 1;
      updateCount += 1;
      parameters.apply(result);
    }
    return {
      loss: ((result.loss as OnnxRuntimeTensor).data as Float32Array)[0] as number,
      gradients: parameters.gradients(result),
    };
  };
  const batchRest = (batch: FineTuneBatch, resolvedScale: number) =>
    Float32Array.from(batch.features, (_, row) =>
      batch.sampleWeights ? (batch.sampleWeights[row] as number) * resolvedScale : 1,
    );
  const prepareBatch = async (batch: FineTuneBatch) => {
    const width = await outputWidth();
    if (batch.features.length === 0) throw new InvalidInputError('features', 'has no rows');
    if (batch.targets.length !== batch.features.length)
      throw new InvalidInputError('targets', `has ${batch.targets.length} entries for ${batch.features.length} rows`);
    if (batch.sampleWeights)
      checkNumberArray('sampleWeights', batch.sampleWeights, { length: batch.features.length, nonNegative: true });
    const stats = batch.stats ?? (isSoftmax ? countClasses(flatLabels(batch.targets), width) : null);
    const { resolved, scheduled } = scheduleFor(stats, width, batch.sampleWeights ?? null);
    const indices = Int32Array.from(batch.features, (_, index) => index);
    return { rest: batchRest(batch, resolved.sampleWeightScale), scheduled, indices };
  };
  const evaluateRows = (
    features: readonly ArrayLike<number>[],
    targets: FineTuneBatch['targets'] | null,
    rest: Float32Array,
    scheduled: ScheduledWeighting,
    dataElementWeights: FineTuneBatch['elementWeights'] = null,
  ) =>
    evaluateInChunks({
      rows: features.length,
      reduction: spec.reduction?.kind ?? 'weighted_mean',
      isSoftmax,
      session: (batchSize) => sessionFor('evaluate', batchSize, scheduled),
      feeds: (graph, indices, start) =>
        dataFeeds(graph, features, targets, indices, rest.subarray(start, start + indices.length), {
          dataElementWeights,
        }),
    });
  const fineTuner: OnnxFineTuner = {
    trainable,
    async step(batch) {
      const { rest, scheduled, indices } = await prepareBatch(batch);
      const extra = { dataElementWeights: batch.elementWeights ?? null };
      return (await runStep(batch.features, batch.targets, indices, rest, scheduled, batch.dropoutMasks, true, extra))
        .loss;
    },
    async gradients(batch) {
      const { rest, scheduled, indices } = await prepareBatch(batch);
      const extra = { dataElementWeights: batch.elementWeights ?? null };
      return runStep(batch.features, batch.targets, indices, rest, scheduled, batch.dropoutMasks, false, extra);
    },
    async fit(features, targets, fitOptions) {
      const count = features.length;
      if (count === 0) throw new InvalidInputError('features', 'has no rows');
      if (targets.length !== count)
        throw new InvalidInputError('targets', `has ${targets.length} entries for ${count} rows`);
      if (!Number.isInteger(fitOptions.epochs) || fitOptions.epochs < 1)
        throw new InvalidInputError('epochs', `must be an integer >= 1, got ${fitOptions.epochs}`);
      if (!Number.isInteger(fitOptions.batchSize) || fitOptions.batchSize < 1)
        throw new InvalidInputError('batchSize', `must be an integer >= 1, got ${fitOptions.batchSize}`);
      const sampleWeights = fitOptions.sampleWeights ?? null;
      if (sampleWeights) checkNumberArray('sampleWeights', sampleWeights, { length: count, nonNegative: true });
      if (spec.curriculum?.difficulty === 'provided' && fitOptions.difficulty?.length !== count)
        throw new InvalidInputError('difficulty', 'curriculum.difficulty is "provided": give one difficulty per row');
      const classes = await outputWidth();
      const stats = fitOptions.stats ?? (isSoftmax ? countClasses(flatLabels(targets), classes) : null);
      const batchesPerEpoch = Math.ceil(count / fitOptions.batchSize);
      const totalEpochs = epochCount + fitOptions.epochs;
      const losses: number[] = [];
      for (let epoch = epochCount; epoch < totalEpochs; epoch += 1) {
        const clock = { epoch, step: stepCount, totalEpochs, totalSteps: totalEpochs * batchesPerEpoch };
        const { resolved, scheduled: epochSchedule } = scheduleFor(stats, classes, sampleWeights, clock);
        const baseRest = Float32Array.from({ length: count }, (_, row) =>
          sampleWeights ? (sampleWeights[row] as number) * resolved.sampleWeightScale : 1,
        );
        let curriculum: Float32Array = new Float32Array(count).fill(1);
        if (spec.curriculum) {
          const difficulty =
            spec.curriculum.difficulty === 'provided'
              ? (fitOptions.difficulty as readonly number[])
              : (await evaluateRows(features, targets, new Float32Array(count).fill(1), epochSchedule)).rawLoss;
          curriculum = curriculumWeights(spec, epochSchedule, difficulty);
        }
        const order = Int32Array.from({ length: count }, (_, index) => index).filter(
          (index) => (curriculum[index] as number) > 0,
        );
        shuffleInPlace(order, random);
        let lossSum = 0;
        let batches = 0;
        for (let start = 0; start < order.length; start += fitOptions.batchSize) {
          const indices = order.subarray(start, start + fitOptions.batchSize);
          const scheduled = resolveSchedules(spec, resolved, { ...clock, step: stepCount });
          const rest = Float32Array.from(indices, (row) => (baseRest[row] as number) * (curriculum[row] as number));
          let elementFactors: Float32Array | null = null;
          if (needsRawLoss(spec)) {
            const picked = Array.from(indices, (row) => features[row] as ArrayLike<number>);
            const pickedTargets = Array.from(indices, (row) => targets[row]) as FineTuneBatch['targets'];
            const pickedWeights = fitOptions.elementWeights
              ? Array.from(indices, (row) => fitOptions.elementWeights?.[row] as readonly number[])
              : null;
            const ones = new Float32Array(indices.length).fill(1);
            const evaluated = await evaluateRows(picked, pickedTargets, ones, scheduled, pickedWeights);
            elementFactors = new Float32Array(evaluated.elementLoss.length).fill(1);
            applyLossRules(spec, scheduled, elementFactors, evaluated.elementLoss, evaluated.unmasked);
          }
          const extra = { dataElementWeights: fitOptions.elementWeights ?? null, elementFactors };
          lossSum += (await runStep(features, targets, indices, rest, scheduled, undefined, true, extra)).loss;
          batches += 1;
        }
        stepCount = Math.max(stepCount, (epoch + 1) * batchesPerEpoch);
        const epochLoss = batches === 0 ? 0 : lossSum / batches;
        losses.push(epochLoss);
        fitOptions.onProgress?.({
          epoch,
          totalEpochs,
          loss: epochLoss,
          admittedSamples: order.length,
          effectiveWeight: curriculum.reduce((sum, value) => sum + value, 0),
        });
      }
      epochCount = totalEpochs;
      return { losses };
    },
    async evaluate(features, targets, evaluateOptions = {}) {
      if (features.length === 0) throw new InvalidInputError('features', 'has no rows');
      const batch: FineTuneBatch = {
        features,
        targets,
        sampleWeights: evaluateOptions.sampleWeights ?? null,
        stats: evaluateOptions.stats ?? null,
      };
      const { rest, scheduled } = await prepareBatch(batch);
      const result = await evaluateRows(features, targets, rest, scheduled);
      const accuracy = isSoftmax ? elementAccuracy(result.predictions, targets, outputLayout(), maskValue) : null;
      return { loss: result.loss, accuracy };
    },
    async predict(features) {
      if (features.length === 0) return [];
      const classes = await outputWidth();
      // Predictions do not depend on class weights: one count per class stands in for the data's counts.
      const stats = isSoftmax
        ? countClasses(
            Array.from({ length: classes }, (_, index) => index),
            classes,
          )
        : null;
      const { scheduled } = scheduleFor(stats, classes);
      return (await evaluateRows(features, null, new Float32Array(features.length).fill(1), scheduled)).predictions;
    },
    exportModel() {
      return encodeOnnxModel(withInitializers(model, parameters.values));
    },
    parameters() {
      return new Map([...parameters.values].map(([name, value]) => [name, Float32Array.from(value)]));
    },
    async release() {
      await sessions.release();
    },
  };
  return fineTuner;
}
