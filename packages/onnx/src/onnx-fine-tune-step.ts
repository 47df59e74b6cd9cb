import type { ScheduledWeighting, WeightingSpec } from '@weightspec/core';
import { InvalidInputError, UnsupportedFeatureError } from '@weightspec/core';
import { addGradients } from './onnx-autodiff.ts';
import { emit, reshapeTo } from './onnx-graph-emit.ts';
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
  firstMoment: `${parameter}::m`,
  secondMoment: `${parameter}::v`,
  firstMomentNext: `${parameter}::m_next`,
  secondMomentNext: `${parameter}::v_next`,
});
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
 * input(s), targets, rest, keep, each parameter and its moments, running statistics, dropout masks,
 * learning_rate [] and step [] (1-based). Outputs: loss, raw_loss, predictions, and per parameter
 * its gradient, next value and next moments, and the updated running statistics.
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
  for (const parameter of options.trainable) {
    const names = stepNames(parameter);
    const shape = b.shapeOf(parameter);
    const gradient = emit(b, 'Identity', [gradients.get(parameter) as string], {}, names.gradient);
    let descent = optimizer.weightDecay
      ? emit(b, 'Add', [gradient, emit(b, 'Mul', [parameter, b.scalarLike(parameter, optimizer.weightDecay)])])
      : gradient;
    const firstMoment = b.input(names.firstMoment, 'float', shape);
    let update: string;
    if (optimizer.kind === 'sgd') {
      descent = emit(
        b,
        'Add',
        [emit(b, 'Mul', [firstMoment, b.scalarLike(parameter, optimizer.momentum ?? 0)]), descent],
        {},
        names.firstMomentNext,
      );
      update = emit(b, 'Mul', [descent, learningRate]);
    } else {
      const secondMoment = b.input(names.secondMoment, 'float', shape);
      const beta1 = optimizer.beta1 ?? 0.9;
      const beta2 = optimizer.beta2 ?? 0.999;
      const m = emit(
        b,
        'Add',
        [emit(b, 'Mul', [firstMoment, b.constant(beta1)]), emit(b, 'Mul', [descent, b.constant(1 - beta1)])],
        {},
        names.firstMomentNext,
      );
      const v = emit(
        b,
        'Add',
        [
          emit(b, 'Mul', [secondMoment, b.constant(beta2)]),
          emit(b, 'Mul', [emit(b, 'Mul', [descent, descent]), b.constant(1 - beta2)]),
        ],
        {},
        names.secondMomentNext,
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
    emit(b, 'Sub', [parameter, update], {}, names.next);
    b.output(names.next);
    b.output(names.firstMomentNext);
    b.output(gradient);
  }
  for (const { initializer, updated } of lowered.runningStatistics) {
    emit(b, 'Identity', [updated], {}, runningName(initializer));
    b.output(runningName(initializer));
  }
  b.output(loss.loss);
  b.output(loss.rawLoss);
  b.output(predictions);
  return { model: b.build({ opsetVersion: options.model.opsetVersion ?? 17 }), lowered, ...layout };
}
