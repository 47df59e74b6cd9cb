import type { ClassStatistics, ScheduledWeighting, WeightingSpec } from '@weightspec/core';
import {
  checkNumberArray,
  checkOptionsObject,
  countClasses,
  createSeededRandom,
  InvalidInputError,
  parseWeightingSpec,
  resolveSchedules,
  resolveWeighting,
  sampleWeightStatistics,
} from '@weightspec/core';
import {
  checkEvaluationLoss,
  checkPredictions,
  checkRowList,
  checkStepOutcome,
  float32Rest,
  runtimeCall,
} from './onnx-fine-tune-checks.ts';
import { withInitializers } from './onnx-fine-tune-export.ts';
import { evaluateInChunks } from './onnx-fine-tune-evaluation.ts';
import { batchFeeds, maskFeeds } from './onnx-fine-tune-feeds.ts';
import { checkFineTuneOptions } from './onnx-fine-tune-options.ts';
import { FineTuneParameters } from './onnx-fine-tune-parameters.ts';
import { elementAccuracy } from './onnx-fine-tune-metrics.ts';
import { GraphSessionCache } from './onnx-fine-tune-sessions.ts';
import { lowerModelGraph } from './onnx-fine-tune-graph.ts';
import { createCallQueue } from './onnx-call-queue.ts';
import { runtimeSessionOptions } from './onnx-session-options.ts';
import { fitWithPlan } from './onnx-fine-tune-fit.ts';
import { buildEvaluationGraph, buildStepGraph, type FineTuneGraph, lossLayout } from './onnx-fine-tune-step.ts';
import type {
  FineTuneBatch,
  OnnxFineTuner,
  OnnxFineTunerOptions,
  OnnxRuntimeLike,
  OnnxRuntimeSession,
  OnnxRuntimeTensor,
} from './onnx-fine-tuner-types.ts';
import { FINE_TUNE_OPS, selectTrainable } from './onnx-fine-tune-selection.ts';
import { checkSingleAssignment, checkSupportedOps, decodeOnnxModel } from './onnx-model-decoder.ts';
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
  checkSingleAssignment(model);
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
  const { optimizer, learningRate, threads, threadSpinning, seed } = checkFineTuneOptions(options);
  const random = createSeededRandom(seed);
  const parameters = new FineTuneParameters(model, trainable, runningStatistics, optimizer.kind === 'adam');
  // The schedules' clock (SPEC "clock": a curriculum epoch still counts its full batches) and the
  // optimizer's own update count (Adam's bias correction counts updates taken, as torch.optim does).
  let stepCount = 0;
  let updateCount = 0;
  let epochCount = 0;
  const sessionOptions = runtimeSessionOptions(threads, threadSpinning);
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
  const fetchesBySession = new WeakMap<OnnxRuntimeSession, readonly string[]>();
  /** A step graph's outputs an applied step reads: the loss and its denominator, next parameters, moments and running statistics. */
  const updateFetches = (session: OnnxRuntimeSession) => {
    let fetches = fetchesBySession.get(session);
    if (!fetches) {
      fetches = session.outputNames.filter(
        (name) => name === 'loss' || name === 'denominator' || parameters.updatedBy(name),
      );
      fetchesBySession.set(session, fetches);
    }
    return fetches;
  };
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
    // An applied step reads only the loss and the next state: the gradients, predictions and raw
    // losses are not copied out of ONNX Runtime.
    const result = await runtimeCall('could not run the step graph made from this model', () =>
      apply ? session.run(feeds, updateFetches(session)) : session.run(feeds),
    );
    const scalar = (name: string) => ((result[name] as OnnxRuntimeTensor).data as Float32Array)[0] as number;
    const loss = scalar('loss');
    // An applied step did not fetch the gradients.
    const gradients = apply ? new Map<string, Float32Array>() : parameters.gradients(result);
    const checked = apply
      ? Object.entries(result).flatMap(([name, tensor]) =>
          parameters.updatedBy(name) ? [tensor.data as Float32Array] : [],
        )
      : [...gradients.values()];
    checkStepOutcome(spec, { loss, denominator: scalar('denominator'), values: checked, applied: apply });
    if (apply) {
      stepCount += 1;
      updateCount += 1;
      parameters.apply(result);
    }
    return { loss, gradients };
  };
  const batchRest = (batch: FineTuneBatch, resolvedScale: number) =>
    float32Rest(
      spec,
      Float64Array.from(batch.features, (_, row) =>
        batch.sampleWeights ? (batch.sampleWeights[row] as number) * resolvedScale : 1,
      ),
    );
  const prepareBatch = async (batch: FineTuneBatch) => {
    checkOptionsObject('batch', batch, false, 'an object { features, targets, sampleWeights?, ... }');
    checkRowList('features', batch.features);
    checkRowList('targets', batch.targets);
    if (batch.elementWeights != null) checkRowList('elementWeights', batch.elementWeights);
    if (batch.dropoutMasks != null) checkRowList('dropoutMasks', batch.dropoutMasks);
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
  // Every public call runs in turn (a step during a fit included), so none loses another's updates.
  const queue = createCallQueue();
  let released = false;
  // After release() the sessions are gone: a later call is a typed error, never a silent new session.
  const inTurn = <T>(call: () => Promise<T>) =>
    queue(async () => {
      if (released)
        throw new InvalidInputError('fineTuner', 'was released (release() freed its sessions); create a new one');
      return call();
    });
  const fineTuner: OnnxFineTuner = {
    trainable,
    step(batch) {
      return inTurn(async () => {
        const { rest, scheduled, indices } = await prepareBatch(batch);
        const extra = { dataElementWeights: batch.elementWeights ?? null };
        return (await runStep(batch.features, batch.targets, indices, rest, scheduled, batch.dropoutMasks, true, extra))
          .loss;
      });
    },
    gradients(batch) {
      return inTurn(async () => {
        const { rest, scheduled, indices } = await prepareBatch(batch);
        const extra = { dataElementWeights: batch.elementWeights ?? null };
        return runStep(batch.features, batch.targets, indices, rest, scheduled, batch.dropoutMasks, false, extra);
      });
    },
    fit(features, targets, fitOptions) {
      return inTurn(async () => {
        checkRowList('features', features);
        checkRowList('targets', targets);
        checkOptionsObject('options', fitOptions, false, 'an object { epochs, batchSize, ... }');
        const numClasses = await outputWidth();
        const pick = <Row>(rows: readonly Row[], indices: Int32Array) => Array.from(indices, (row) => rows[row] as Row);
        const result = await fitWithPlan(
          {
            spec,
            seed,
            firstEpoch: epochCount,
            numClasses,
            classCounts: (given) => (isSoftmax ? countClasses(flatLabels(given), numClasses) : null),
            async rawLoss(indices, scheduled) {
              const picked = pick(features, indices);
              const pickedTargets = pick(targets as readonly (number | readonly number[])[], indices);
              const ones = new Float32Array(indices.length).fill(1);
              return evaluateRows(picked, pickedTargets as FineTuneBatch['targets'], ones, scheduled);
            },
            async step(indices, rest, scheduled, elementFactors) {
              const extra = { dataElementWeights: fitOptions.elementWeights ?? null, elementFactors };
              return (await runStep(features, targets, indices, rest, scheduled, undefined, true, extra)).loss;
            },
          },
          features,
          targets,
          fitOptions,
        );
        epochCount = result.totalEpochs;
        stepCount = Math.max(stepCount, result.totalSteps);
        return { losses: result.losses };
      });
    },
    evaluate(features, targets, evaluateOptions = {}) {
      return inTurn(async () => {
        checkRowList('features', features);
        checkOptionsObject('options', evaluateOptions, false, 'an object { sampleWeights?, stats? }');
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
        return { loss: checkEvaluationLoss(spec, result.loss, result.denominator), accuracy };
      });
    },
    predict(features) {
      return inTurn(async () => {
        checkRowList('features', features);
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
        const rest = new Float32Array(features.length).fill(1);
        return checkPredictions((await evaluateRows(features, null, rest, scheduled)).predictions);
      });
    },
    exportModel() {
      return encodeOnnxModel(withInitializers(model, parameters.values));
    },
    parameters() {
      return new Map([...parameters.values].map(([name, value]) => [name, Float32Array.from(value)]));
    },
    release() {
      return queue(async () => {
        if (released) return;
        released = true;
        await sessions.release();
      });
    },
  };
  return fineTuner;
}
