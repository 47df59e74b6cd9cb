import type { ScheduledWeighting, WeightingSpec } from '@weightspec/core';
import { InvalidInputError, UnsupportedFeatureError } from '@weightspec/core';
import { addGradients } from './onnx-autodiff.ts';
import { emit, int64s, reshapeTo } from './onnx-graph-emit.ts';
import type { OnnxModel } from './onnx-model-proto.ts';
import { type LoweredGraph, lowerModelGraph } from './onnx-fine-tune-graph.ts';
import type { OnnxOptimizerSpec } from './onnx-training-step.ts';
import { appendWeightedLoss } from './onnx-weighted-loss-graph.ts';

/** What a fine-tuning graph is built from. */
export interface FineTuneGraphOptions {
  readonly model: OnnxModel;
  readonly output: string;
  readonly spec: WeightingSpec;
  readonly scheduled: ScheduledWeighting;
  readonly batchSize: number;
  readonly trainable: readonly string[];
  readonly runningStatistics: readonly string[];
}

/** A built graph and the names its caller feeds and reads. */
export interface FineTuneGraph {
  readonly model: OnnxModel;
  readonly lowered: LoweredGraph;
  /** Width W of the loss rows (classes for softmax CE; elements per sample otherwise). */
  readonly width: number;
  /** Loss rows per sample: E for a dense softmax output [N, C, d1..dk], else 1. */
  readonly rowsPerSample: number;
  /** Values of the model output per sample (what `predict` returns per row). */
  readonly outputSize: number;
}

/**
 * How an output [N, ...] is laid out as the weighted loss's rows (SPEC "Shapes and terms", dense
 * outputs): [N, W] as it is; softmax CE on [N, C, d1..dk] (ONNX's channels-first layout) as N*E rows
 * of C scores, E = d1*...*dk, in row-major element order; sigmoid CE and regression on [N, d1..dk] as
 * N rows of E elements.
 */
export function lossLayout(shape: readonly number[], softmax: boolean) {
  const elements = shape.slice(softmax ? 2 : 1).reduce((product, size) => product * size, 1);
  const width = softmax ? (shape[1] as number) : elements;
  return { width, rowsPerSample: softmax ? elements : 1, outputSize: shape.slice(1).reduce((p, size) => p * size, 1) };
}

/** Output names of a step graph for one parameter. */
export const stepNames = (parameter: string) => ({
  gradient: `${parameter}::gradient`,
  next: `${parameter}::next`,
});
/**
 * The optimizer state of a step graph: every trainable parameter's moments in one flat vector, in
 * the order of `trainable` (SGD's momentum buffer is the first moment; Adam has both).
 */
export const OPTIMIZER_STATE = {
  firstMoment: 'optimizer::m',
  secondMoment: 'optimizer::v',
  firstMomentNext: 'optimizer::m_next',
  secondMomentNext: 'optimizer::v_next',
} as const;
/** Output name of a running statistic's updated value. */
export const runningName = (initializer: string) => `${initializer}::running_next`;

function lowerWithLoss(options: FineTuneGraphOptions, training: boolean) {
  const fed = new Set([...options.trainable, ...options.runningStatistics]);
  const lowered = lowerModelGraph({
    model: options.model,
    batchSize: options.batchSize,
    training,
    fedInitializers: fed,
  });
  const b = lowered.builder;
  const raw = lowered.valueOf(options.output);
  const shape = b.shapeOf(raw) as number[];
  const softmax = options.spec.loss.kind === 'softmax_cross_entropy';
  if (shape.length < 2)
    throw new InvalidInputError(
      'output',
      `output "${options.output}" has shape [${shape.join(', ')}]; expected [batch, ...]`,
    );
  const layout = lossLayout(shape, softmax);
  const predictions = emit(b, 'Identity', [raw], {}, 'predictions');
  let rows = predictions;
  if (shape.length > 2) {
    const channelsLast = softmax ? [0, ...shape.slice(2).map((_, index) => index + 2), 1] : null;
    const ordered = channelsLast ? emit(b, 'Transpose', [raw], { perm: { type: 'ints', value: channelsLast } }) : raw;
    rows = reshapeTo(b, ordered, [options.batchSize * layout.rowsPerSample, layout.width]);
  }
  const width = layout.width;
  // The rows dimension is the static batch size so every shape in the step stays concrete.
  const loss = appendWeightedLoss(
    b,
    options.spec,
    options.scheduled,
    rows,
    width,
    (options.batchSize * layout.rowsPerSample) as unknown as string,
  );
  return { lowered, b, loss, width, predictions, layout };
}

/**
 * The evaluation graph for one batch size: the model in inference mode (running statistics, no
 * dropout), SPEC's weighted loss on its output. Outputs: predictions, loss, raw_loss.
 */
export function buildEvaluationGraph(options: FineTuneGraphOptions): FineTuneGraph {
  const { lowered, b, loss, predictions, layout } = lowerWithLoss(options, false);
  b.output(predictions);
  b.output(loss.loss);
  b.output(loss.rawLoss);
  b.output(loss.denominator);
  return { model: b.build({ opsetVersion: options.model.opsetVersion ?? 17 }), lowered, ...layout };
}

/**
 * One training step as one ONNX graph: the model in training mode (batch statistics, dropout masks
 * as inputs), SPEC's weighted loss, reverse-mode gradients of every trainable initializer and the
 * optimizer update (PyTorch's SGD and Adam formulas, as in onnx-training-step.ts). Inputs: the data
 * input(s), targets, rest, keep, each parameter, the flat optimizer state (OPTIMIZER_STATE), running
 * statistics, dropout masks, learning_rate [] and step [] (1-based). Outputs: loss, its denominator, raw_loss,
 * predictions, per parameter its gradient and next value, the next optimizer state, and the updated
 * running statistics.
 */
export function buildStepGraph(
  options: FineTuneGraphOptions & { readonly optimizer: OnnxOptimizerSpec },
): FineTuneGraph {
  const { lowered, b, loss, predictions, layout } = lowerWithLoss(options, true);
  const { optimizer } = options;
  let gradients: Map<string, string>;
  try {
    gradients = addGradients(b, loss.loss, options.trainable);
  } catch (error) {
    // addGradients names the op without a rule; surface it as the typed error callers expect.
    if (error instanceof Error && /no backward rule/.test(error.message))
      throw new UnsupportedFeatureError(
        'onnx',
        error.message.replace('no backward rule for ONNX op ', 'gradients through '),
        'that op is only supported off the path from the trainable initializers to the loss',
      );
    throw error;
  }
  const learningRate = b.input('learning_rate', 'float', []);
  const step = b.input('step', 'float', []);
  // One update over all parameters flattened into a vector: the same elementwise formulas as one
  // update per parameter, in a dozen graph nodes instead of a dozen per parameter (small nodes cost
  // ONNX Runtime more in dispatch than in arithmetic).
  const flat = (values: string[]) => {
    const vectors = values.map((value) =>
      reshapeTo(b, value, [(b.shapeOf(value) as number[]).reduce((product, size) => product * size, 1)]),
    );
    return vectors.length === 1
      ? (vectors[0] as string)
      : emit(b, 'Concat', vectors, { axis: { type: 'int', value: 0 } });
  };
  const gradientNames = options.trainable.map((parameter) =>
    emit(b, 'Identity', [gradients.get(parameter) as string], {}, stepNames(parameter).gradient),
  );
  const parameters = flat([...options.trainable]);
  const total = b.shapeOf(parameters) as number[];
  let descent = flat(gradientNames);
  if (optimizer.weightDecay)
    descent = emit(b, 'Add', [descent, emit(b, 'Mul', [parameters, b.scalarLike(parameters, optimizer.weightDecay)])]);
  const firstMoment = b.input(OPTIMIZER_STATE.firstMoment, 'float', total);
  let update: string;
  if (optimizer.kind === 'sgd') {
    descent = emit(
      b,
      'Add',
      [emit(b, 'Mul', [firstMoment, b.scalarLike(parameters, optimizer.momentum ?? 0)]), descent],
      {},
      OPTIMIZER_STATE.firstMomentNext,
    );
    update = emit(b, 'Mul', [descent, learningRate]);
  } else {
    const secondMoment = b.input(OPTIMIZER_STATE.secondMoment, 'float', total);
    const beta1 = optimizer.beta1 ?? 0.9;
    const beta2 = optimizer.beta2 ?? 0.999;
    const m = emit(
      b,
      'Add',
      [emit(b, 'Mul', [firstMoment, b.constant(beta1)]), emit(b, 'Mul', [descent, b.constant(1 - beta1)])],
      {},
      OPTIMIZER_STATE.firstMomentNext,
    );
    const v = emit(
      b,
      'Add',
      [
        emit(b, 'Mul', [secondMoment, b.constant(beta2)]),
        emit(b, 'Mul', [emit(b, 'Mul', [descent, descent]), b.constant(1 - beta2)]),
      ],
      {},
      OPTIMIZER_STATE.secondMomentNext,
    );
    const correction1 = emit(b, 'Sub', [b.constant(1), emit(b, 'Pow', [b.constant(beta1), step])]);
    const correction2 = emit(b, 'Sub', [b.constant(1), emit(b, 'Pow', [b.constant(beta2), step])]);
    const denominator = emit(b, 'Add', [
      emit(b, 'Sqrt', [emit(b, 'Div', [v, correction2])]),
      b.constant(optimizer.epsilon ?? 1e-8),
    ]);
    update = emit(b, 'Mul', [emit(b, 'Div', [emit(b, 'Div', [m, correction1]), denominator]), learningRate]);
    b.output(v);
  }
  const next = emit(b, 'Sub', [parameters, update]);
  b.output(OPTIMIZER_STATE.firstMomentNext);
  let offset = 0;
  options.trainable.forEach((parameter, index) => {
    const shape = b.shapeOf(parameter) as number[];
    const size = shape.reduce((product, value) => product * value, 1);
    const piece =
      options.trainable.length === 1
        ? next
        : emit(b, 'Slice', [next, int64s(b, [offset]), int64s(b, [offset + size]), int64s(b, [0])]);
    emit(b, 'Reshape', [piece, int64s(b, shape)], {}, stepNames(parameter).next);
    b.output(stepNames(parameter).next);
    b.output(gradientNames[index] as string);
    offset += size;
  });
  for (const { initializer, updated } of lowered.runningStatistics) {
    emit(b, 'Identity', [updated], {}, runningName(initializer));
    b.output(runningName(initializer));
  }
  b.output(loss.loss);
  b.output(loss.denominator);
  b.output(loss.rawLoss);
  b.output(predictions);
  return { model: b.build({ opsetVersion: options.model.opsetVersion ?? 17 }), lowered, ...layout };
}
