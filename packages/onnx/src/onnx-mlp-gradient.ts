import type { ScheduledWeighting, WeightingSpec } from '@weightspec/core';
import { addGradients } from './onnx-autodiff.ts';
import { attribute } from './onnx-graph-builder.ts';
import type { OnnxGraphBuilder } from './onnx-graph-builder.ts';
import { appendWeightedLoss } from './onnx-weighted-loss-graph.ts';
import type { WeightedLossGraph } from './onnx-weighted-loss-graph.ts';
import type { PackedLayer } from './onnx-training-step.ts';

/** Smallest normal float32: the loss graph's floor under a zero denominator. */
const FLOAT32_SMALLEST_NORMAL = 1.1754943508222875e-38;

/** Slices one dense layer's kernel [inputs, outputs] and bias [outputs] out of the packed `theta`. */
function sliceLayer(b: OnnxGraphBuilder, theta: string, layer: PackedLayer): { kernel: string; bias: string } {
  const slice = (start: number, length: number) =>
    b.node(
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
  const kernelSize = layer.inputs * layer.outputs;
  const kernel = b.node(
    'Reshape',
    [slice(layer.offset, kernelSize), b.constant([layer.inputs, layer.outputs], [2], 'int64')],
    {},
    { shape: [layer.inputs, layer.outputs] },
  );
  return { kernel, bias: slice(layer.offset + kernelSize, layer.outputs) };
}

/** The weighted loss appended after the logits, and its gradient with respect to them. */
export interface LossWithGradient {
  readonly graph: WeightedLossGraph;
  readonly logitsGradient: string;
}

/**
 * Appends SPEC's weighted loss and d loss / d logits. For softmax cross-entropy from logits without a
 * focal modulator the gradient has a closed form, written here as 8 ops instead of the generic reverse
 * pass (about 25 ops, among them an Expand per row sum): with smoothed targets s = (1 - e) t + e / C,
 * r = sum_k t_k (0 on masked rows) and w the loss graph's per-row weights (class factor x keep x rest),
 *   loss = sum_i w_i r_i (-sum_k s_ik log p_ik) / D,  D independent of the logits,
 *   d loss / d z_ik = (w_i r_i / D) (p_ik sum_k s_ik - s_ik),  sum_k s_ik = (1 - e) r_i + e.
 * D is floored as the loss is (a zero D has all w_i = 0, so the gradient is 0 either way).
 */
export function appendLossWithGradient(
  b: OnnxGraphBuilder,
  spec: WeightingSpec,
  scheduled: ScheduledWeighting,
  logits: string,
  width: number,
): LossWithGradient {
  const graph = appendWeightedLoss(b, spec, scheduled, logits, width, 'B');
  const focal = (spec.adaptive ?? []).some((rule) => rule.kind === 'focal');
  if (spec.loss.kind !== 'softmax_cross_entropy' || spec.loss.from !== 'logits' || focal)
    return { graph, logitsGradient: addGradients(b, graph.loss, [logits]).get(logits) as string };
  const smoothing = spec.loss.labelSmoothing;
  const rowHasTarget = b.node('ReduceSum', [graph.targets, b.constant([1], [1], 'int64')], {
    keepdims: attribute.int(1),
  });
  const coefficient = b.node('Div', [
    b.node('Mul', [graph.weights, rowHasTarget]),
    b.node('Max', [graph.denominator, b.constant(FLOAT32_SMALLEST_NORMAL)]),
  ]);
  // The loss graph's LogSoftmax of the logits, exponentiated: ONNX Runtime's Softmax over a short last
  // axis costs about as much as the LogSoftmax itself, Exp a fifth of it.
  const logSoftmax = b.nodes.find((node) => node.opType === 'LogSoftmax' && node.inputs[0] === logits)?.outputs[0];
  const probabilities = logSoftmax
    ? b.node('Exp', [logSoftmax])
    : b.node('Softmax', [logits], { axis: attribute.int(-1) });
  const targetSum =
    smoothing === 0
      ? rowHasTarget
      : b.node('Add', [b.node('Mul', [rowHasTarget, b.constant(1 - smoothing)]), b.constant(smoothing)]);
  const smoothed =
    smoothing === 0
      ? graph.targets
      : b.node('Add', [b.node('Mul', [graph.targets, b.constant(1 - smoothing)]), b.constant(smoothing / width)]);
  const logitsGradient = b.node('Mul', [
    b.node('Sub', [b.node('Mul', [probabilities, targetSum]), smoothed]),
    coefficient,
  ]);
  return { graph, logitsGradient };
}

/**
 * The MLP's forward pass and its hand-written backward pass, for the training step. The generic
 * reverse-mode pass (addGradients) differentiates only the loss down to the logits (or not at all, see
 * appendLossWithGradient); the dense layers are differentiated here because their gradients have a
 * cheap closed form the generic rules cannot see: d kernel = a^T g, d bias = column sums of g, the
 * input gradient only where it is needed (never for x), the ReLU mask taken from the ReLU's output,
 * and the whole parameter gradient written by one Concat in packLayers' order.
 *
 * Hidden activations are kept feature-major ([units, B], "transposed"): every product that sums over
 * the batch then reads its operands without a transposed copy of a [B, units] matrix, which measured
 * about 1 ms of 6 per step on ONNX Runtime's MLAS (kernel gradients 1.6x and 2.4x faster). Only the
 * [C, B] logits and their gradient are transposed (C is small), and the small kernel gradients.
 */
export function appendMlpWithGradient(
  b: OnnxGraphBuilder,
  theta: string,
  x: string,
  layers: readonly PackedLayer[],
  lossOf: (logits: string) => LossWithGradient,
): { loss: WeightedLossGraph; gradient: string } {
  const parameters = layers.map((layer) => sliceLayer(b, theta, layer));
  const column = (bias: string, size: number) =>
    b.node('Reshape', [bias, b.constant([size, 1], [2], 'int64')], {}, { shape: [size, 1] });
  const transpose = (value: string, shape: (number | string)[]) =>
    b.node('Transpose', [value], { perm: attribute.ints([1, 0]) }, { shape });
  // Feature-major activations a_l^T [inputs of layer l, B]; layer 0 reads x [B, D] through transB.
  const activations: string[] = [x];
  let hidden = x;
  layers.forEach((layer, index) => {
    const { kernel, bias } = parameters[index] as { kernel: string; bias: string };
    hidden = b.node(
      'Gemm',
      [kernel, hidden, column(bias, layer.outputs)],
      { transA: attribute.int(1), transB: attribute.int(index === 0 ? 1 : 0) },
      { shape: [layer.outputs, 'B'] },
    );
    if (index < layers.length - 1) {
      hidden = b.node('Relu', [hidden]);
      activations.push(hidden);
    }
  });
  // Identity: addGradients differentiates the node that produces its `wrt` too, and has no Transpose rule.
  const logits = b.node('Identity', [transpose(hidden, ['B', (layers.at(-1) as PackedLayer).outputs])]);
  const { graph: loss, logitsGradient } = lossOf(logits);
  let outputGradient = transpose(logitsGradient, [(layers.at(-1) as PackedLayer).outputs, 'B']);
  const flat = b.constant([-1], [1], 'int64');
  const pieces: string[] = [];
  const zero = b.scalarLike(logits, 0);
  // A [B, 1] column of ones: g^T times it is the bias gradient (the batch sums of g).
  const batch = b.node('Shape', [x], { start: attribute.int(0), end: attribute.int(1) }, { shape: [1], type: 'int64' });
  const shapeOfOnes = b.node(
    'Concat',
    [batch, b.constant([1], [1], 'int64')],
    { axis: attribute.int(0) },
    { shape: [2], type: 'int64' },
  );
  const ones = b.node('Expand', [b.constant([1], [1, 1]), shapeOfOnes], {}, { shape: ['B', 1], type: 'float' });
  // [outputs, inputs] -> [inputs, outputs] as a batched 3-D transpose: ONNX Runtime's
  // GemmTransposeFusion would fold a plain 2-D Transpose back into the Gemm as transA/transB, the slow
  // layout this function avoids (1.1 ms instead of 0.99 ms single-threaded for the first layer).
  const transposeKernelGradient = (value: string, layer: PackedLayer) =>
    b.node(
      'Transpose',
      [
        b.node(
          'Reshape',
          [value, b.constant([1, layer.outputs, layer.inputs], [3], 'int64')],
          {},
          {
            shape: [1, layer.outputs, layer.inputs],
          },
        ),
      ],
      { perm: attribute.ints([0, 2, 1]) },
      { shape: [1, layer.inputs, layer.outputs] },
    );
  for (let index = layers.length - 1; index >= 0; index -= 1) {
    const layer = layers[index] as PackedLayer;
    const input = activations[index] as string;
    // d kernel^T [outputs, inputs] = g^T a: x is [B, D] as it is, hidden activations are stored transposed.
    const kernelGradient = b.node(
      'Gemm',
      [outputGradient, input],
      { transB: attribute.int(index === 0 ? 0 : 1) },
      { shape: [layer.outputs, layer.inputs] },
    );
    const biasGradient = b.node('MatMul', [outputGradient, ones], {}, { shape: [layer.outputs, 1] });
    pieces.unshift(
      b.node(
        'Reshape',
        [transposeKernelGradient(kernelGradient, layer), flat],
        {},
        {
          shape: [layer.inputs * layer.outputs],
        },
      ),
      b.node('Reshape', [biasGradient, flat], {}, { shape: [layer.outputs] }),
    );
    if (index > 0) {
      // d a^T [inputs, B] = kernel g^T.
      const inputGradient = b.node(
        'Gemm',
        [(parameters[index] as { kernel: string }).kernel, outputGradient],
        {},
        { shape: [layer.inputs, 'B'] },
      );
      // ReLU passes the gradient where its output is positive (where its input was), as PyTorch does.
      outputGradient = b.node('Mul', [inputGradient, b.castLike(b.node('Greater', [input, zero]), inputGradient)]);
    }
  }
  const parameterCount = layers.reduce((sum, layer) => sum + layer.inputs * layer.outputs + layer.outputs, 0);
  const gradient = b.node('Concat', pieces, { axis: attribute.int(0) }, { shape: [parameterCount] });
  return { loss, gradient };
}
