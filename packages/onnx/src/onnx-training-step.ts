import type { ScheduledWeighting, WeightingSpec } from '@weightspec/core';
import { OnnxGraphBuilder } from './onnx-graph-builder.ts';
import { appendLossWithGradient, appendMlpWithGradient } from './onnx-mlp-gradient.ts';
import { appendWeightedLoss } from './onnx-weighted-loss-graph.ts';

/** SGD with momentum and weight decay, or Adam (PyTorch's formulas). */
export type OnnxOptimizerSpec =
  | { readonly kind: 'sgd'; readonly momentum?: number; readonly weightDecay?: number }
  | {
      readonly kind: 'adam';
      readonly beta1?: number;
      readonly beta2?: number;
      readonly epsilon?: number;
      readonly weightDecay?: number;
    };

/** One dense layer's place in the packed parameter vector. */
export interface PackedLayer {
  readonly inputs: number;
  readonly outputs: number;
  /** Offset of the [inputs, outputs] kernel, then the [outputs] bias right after it. */
  readonly offset: number;
}

/** Layer sizes [D, H1, ..., C] packed into one flat parameter vector (kernel then bias per layer). */
export function packLayers(sizes: readonly number[]): { layers: PackedLayer[]; parameterCount: number } {
  const layers: PackedLayer[] = [];
  let offset = 0;
  for (let index = 0; index + 1 < sizes.length; index += 1) {
    const inputs = sizes[index] as number;
    const outputs = sizes[index + 1] as number;
    layers.push({ inputs, outputs, offset });
    offset += inputs * outputs + outputs;
  }
  return { layers, parameterCount: offset };
}

/** Appends the MLP forward pass (ReLU between layers, logits out) reading kernels from `theta`. */
export function appendMlp(b: OnnxGraphBuilder, theta: string, x: string, layers: readonly PackedLayer[]): string {
  let hidden = x;
  layers.forEach((layer, index) => {
    const slice = (start: number, length: number, shape: number[]) => {
      const flat = b.node(
        'Slice',
        [
          theta,
          b.constant([start], [1], 'int64'),
          b.constant([start + length], [1], 'int64'),
          b.constant([0], [1], 'int64'),
        ],
        {},
        { shape: [length] },
      );
      return shape.length === 1
        ? flat
        : b.node('Reshape', [flat, b.constant(shape, [shape.length], 'int64')], {}, { shape });
    };
    const kernel = slice(layer.offset, layer.inputs * layer.outputs, [layer.inputs, layer.outputs]);
    const bias = slice(layer.offset + layer.inputs * layer.outputs, layer.outputs, [layer.outputs]);
    hidden = b.node('Add', [b.node('MatMul', [hidden, kernel], {}, { shape: ['B', layer.outputs] }), bias]);
    if (index < layers.length - 1) hidden = b.node('Relu', [hidden]);
  });
  return hidden;
}

/**
 * One training step as a single ONNX graph: forward MLP, SPEC's weighted loss, reverse-mode gradient
 * with respect to the packed parameters, and the optimizer update, with the learning rate and the
 * 1-based step count as inputs. Inputs: theta [P], momentum/first-moment m [P], second moment v [P]
 * (Adam), x [B, D], targets, rest, keep, learning_rate [], step []. Outputs: theta_next, m_next,
 * v_next, loss, raw_loss. Standard ONNX ops only (opset 17), so any ONNX Runtime can run it.
 */
export function buildTrainingStepGraph(
  spec: WeightingSpec,
  scheduled: ScheduledWeighting,
  sizes: readonly number[],
  optimizer: OnnxOptimizerSpec,
): OnnxGraphBuilder {
  const { layers, parameterCount } = packLayers(sizes);
  const b = new OnnxGraphBuilder('weightspec_training_step');
  const theta = b.input('theta', 'float', [parameterCount]);
  const firstMoment = b.input('m', 'float', [parameterCount]);
  const secondMoment = optimizer.kind === 'adam' ? b.input('v', 'float', [parameterCount]) : null;
  const x = b.input('x', 'float', ['B', sizes[0] as number]);
  const learningRate = b.input('learning_rate', 'float', []);
  const step = b.input('step', 'float', []);
  const { loss, gradient: lossGradient } = appendMlpWithGradient(b, theta, x, layers, (logits) =>
    appendLossWithGradient(b, spec, scheduled, logits, sizes[sizes.length - 1] as number),
  );
  let gradient = lossGradient;
  const weightDecay = optimizer.weightDecay ?? 0;
  if (weightDecay !== 0) gradient = b.node('Add', [gradient, b.node('Mul', [theta, b.constant(weightDecay)])]);
  let update: string;
  if (optimizer.kind === 'sgd') {
    // PyTorch SGD: buf = momentum * buf + g (buf starts at 0, so the first buf is g); theta -= lr * buf.
    const buffer = b.node(
      'Add',
      [b.node('Mul', [firstMoment, b.constant(optimizer.momentum ?? 0)]), gradient],
      {},
      { output: 'm_next' },
    );
    update = b.node('Mul', [buffer, learningRate]);
  } else {
    // PyTorch Adam: m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2; theta -= lr m^ / (sqrt(v^) + eps).
    const beta1 = optimizer.beta1 ?? 0.9;
    const beta2 = optimizer.beta2 ?? 0.999;
    const m = b.node(
      'Add',
      [b.node('Mul', [firstMoment, b.constant(beta1)]), b.node('Mul', [gradient, b.constant(1 - beta1)])],
      {},
      { output: 'm_next' },
    );
    const v = b.node(
      'Add',
      [
        b.node('Mul', [secondMoment as string, b.constant(beta2)]),
        b.node('Mul', [b.node('Mul', [gradient, gradient]), b.constant(1 - beta2)]),
      ],
      {},
      { output: 'v_next' },
    );
    const correction1 = b.node('Sub', [b.constant(1), b.node('Pow', [b.constant(beta1), step])]);
    const correction2 = b.node('Sub', [b.constant(1), b.node('Pow', [b.constant(beta2), step])]);
    const denominator = b.node('Add', [
      b.node('Sqrt', [b.node('Div', [v, correction2])]),
      b.constant(optimizer.epsilon ?? 1e-8),
    ]);
    update = b.node('Mul', [b.node('Div', [b.node('Div', [m, correction1]), denominator]), learningRate]);
    b.output('v_next', 'float', [parameterCount]);
  }
  b.node('Sub', [theta, update], {}, { output: 'theta_next' });
  b.output('theta_next', 'float', [parameterCount]);
  b.output('m_next', 'float', [parameterCount]);
  b.output(loss.loss);
  b.output(loss.rawLoss);
  return b;
}

/** The forward pass alone (logits and raw per-element losses), for loss-dependent weights. */
export function buildForwardGraph(
  spec: WeightingSpec,
  scheduled: ScheduledWeighting,
  sizes: readonly number[],
): OnnxGraphBuilder {
  const { layers, parameterCount } = packLayers(sizes);
  const b = new OnnxGraphBuilder('weightspec_forward');
  const theta = b.input('theta', 'float', [parameterCount]);
  const x = b.input('x', 'float', ['B', sizes[0] as number]);
  const logits = b.node('Identity', [appendMlp(b, theta, x, layers)], {}, { output: 'logits' });
  const loss = appendWeightedLoss(b, spec, scheduled, logits, sizes[sizes.length - 1] as number, 'B');
  b.output('logits');
  b.output(loss.rawLoss);
  return b;
}
