import { MODEL_BACKWARD_RULES } from './onnx-backward-rules.ts';
import { attribute, type OnnxGraphBuilder } from './onnx-graph-builder.ts';
import type { OnnxNode } from './onnx-model-proto.ts';

/** A backward rule: given a node and the gradient of its output, emits nodes for its inputs' gradients. */
type BackwardRule = (builder: OnnxGraphBuilder, node: OnnxNode, outputGradient: string) => (string | null)[];

/** Sums a broadcast gradient back to the shape of `input` (reverse of numpy broadcasting). */
export function unbroadcast(builder: OnnxGraphBuilder, gradient: string, input: string): string {
  const target = builder.shapeOf(input);
  const source = builder.shapeOf(gradient);
  if (target.length === source.length && target.every((size, axis) => size === source[axis])) return gradient;
  const offset = source.length - target.length;
  const axes: number[] = [];
  source.forEach((size, axis) => {
    const targetSize = axis < offset ? undefined : target[axis - offset];
    if ((targetSize === undefined || targetSize === 1) && size !== 1) axes.push(axis);
  });
  const reduced =
    axes.length === 0
      ? gradient
      : builder.node('ReduceSum', [gradient, builder.constant(axes, [axes.length], 'int64')], {
          keepdims: attribute.int(1),
        });
  return builder.node(
    'Reshape',
    [reduced, builder.node('Shape', [input], {}, { shape: [target.length], type: 'int64' })],
    {},
    { shape: target },
  );
}

const first = (node: OnnxNode) => node.inputs[0] as string;
const second = (node: OnnxNode) => node.inputs[1] as string;
const output = (node: OnnxNode) => node.outputs[0] as string;

/** Backward rules per op type; each is checked against finite differences in the tests. */
export const BACKWARD_RULES: Readonly<Record<string, BackwardRule>> = {
  Identity: (_builder, _node, g) => [g],
  Add: (b, node, g) => [unbroadcast(b, g, first(node)), unbroadcast(b, g, second(node))],
  Sub: (b, node, g) => [unbroadcast(b, g, first(node)), unbroadcast(b, b.node('Neg', [g]), second(node))],
  Mul: (b, node, g) => [
    unbroadcast(b, b.node('Mul', [g, second(node)]), first(node)),
    unbroadcast(b, b.node('Mul', [g, first(node)]), second(node)),
  ],
  Div: (b, node, g) => {
    const gradA = b.node('Div', [g, second(node)]);
    const gradB = b.node('Neg', [
      b.node('Div', [b.node('Mul', [g, first(node)]), b.node('Mul', [second(node), second(node)])]),
    ]);
    return [unbroadcast(b, gradA, first(node)), unbroadcast(b, gradB, second(node))];
  },
  Neg: (b, _node, g) => [b.node('Neg', [g])],
  Exp: (b, node, g) => [b.node('Mul', [g, output(node)])],
  Log: (b, node, g) => [b.node('Div', [g, first(node)])],
  // Reads the output (y > 0 exactly where x > 0) so the forward op feeding Relu has no other reader and
  // ONNX Runtime can fuse it with the Relu (Conv+Relu, Gemm+Relu); Where skips a Cast and a Mul.
  Relu: (b, node, g) => [
    b.node(
      'Where',
      [b.node('Greater', [output(node), b.scalarLike(output(node), 0)]), g, b.scalarLike(g, 0)],
      {},
      {
        shape: b.shapeOf(g),
      },
    ),
  ],
  Sigmoid: (b, node, g) => [
    b.node('Mul', [g, b.node('Mul', [output(node), b.node('Sub', [b.scalarLike(g, 1), output(node)])])]),
  ],
  Softplus: (b, node, g) => [b.node('Mul', [g, b.node('Sigmoid', [first(node)])])],
  // |x|' = sign(x), 0 at 0 (as the float64 reference takes it).
  Abs: (b, node, g) => [b.node('Mul', [g, b.node('Sign', [first(node)])])],
  MatMul: (b, node, g) => {
    const transpose = (name: string) =>
      b.node('Transpose', [name], { perm: attribute.ints([1, 0]) }, { shape: [...b.shapeOf(name)].reverse() });
    return [
      b.node('MatMul', [g, transpose(second(node))], {}, { shape: b.shapeOf(first(node)) }),
      b.node('MatMul', [transpose(first(node)), g], {}, { shape: b.shapeOf(second(node)) }),
    ];
  },
  ReduceSum: (b, node, g) => {
    const inputShape = b.shapeOf(first(node));
    const keep = (node.attributes.keepdims as { value: number } | undefined)?.value ?? 1;
    const axes = (node.inputs[1] ? (b.constantValues(node.inputs[1]) ?? []) : inputShape.map((_, axis) => axis)).map(
      (axis) => (axis < 0 ? axis + inputShape.length : axis),
    );
    const keptShape = inputShape.map((size, axis) => (axes.includes(axis) ? 1 : size));
    const expanded = keep
      ? g
      : b.node('Unsqueeze', [g, b.constant(axes, [axes.length], 'int64')], {}, { shape: keptShape });
    const shape = b.node('Shape', [first(node)], {}, { shape: [inputShape.length], type: 'int64' });
    return [b.node('Expand', [expanded, shape], {}, { shape: inputShape }), null];
  },
  // y = x - logsumexp(x) along the last axis: dx = g - softmax(x) * sum(g).
  LogSoftmax: (b, node, g) => {
    const softmax = b.node('Exp', [output(node)]);
    const total = b.node('ReduceSum', [g, b.constant([-1], [1], 'int64')], { keepdims: attribute.int(1) });
    return [b.node('Sub', [g, b.node('Mul', [softmax, total])])];
  },
  // x^p with a constant exponent p.
  Pow: (b, node, g) => {
    const exponent = second(node);
    const slope = b.node('Mul', [
      exponent,
      b.node('Pow', [first(node), b.node('Sub', [exponent, b.scalarLike(exponent, 1)])]),
    ]);
    return [b.node('Mul', [g, slope]), null];
  },
  // Clip passes the gradient inside [min, max], inclusive, as TF's clip_by_value does.
  Clip: (b, node, g) => {
    const inside = b.node(
      'And',
      [
        b.node('GreaterOrEqual', [first(node), node.inputs[1] as string]),
        b.node('LessOrEqual', [first(node), node.inputs[2] as string]),
      ],
      {},
      { type: 'bool', shape: b.shapeOf(first(node)) },
    );
    return [b.node('Mul', [g, b.castLike(inside, g)]), null, null];
  },
  Where: (b, node, g) => {
    const zeros = b.scalarLike(g, 0);
    return [
      null,
      unbroadcast(b, b.node('Where', [first(node), g, zeros]), second(node)),
      unbroadcast(b, b.node('Where', [first(node), zeros, g]), node.inputs[2] as string),
    ];
  },
  // 1-D Slice with constant starts/ends: the gradient is g padded with zeros back to the input.
  Slice: (b, node, g) => {
    const size = b.shapeOf(first(node))[0] as number;
    const start = (b.constantValues(node.inputs[1] as string) ?? [0])[0] as number;
    const end = Math.min((b.constantValues(node.inputs[2] as string) ?? [size])[0] as number, size);
    return [
      b.node(
        'Pad',
        [g, b.constant([start, size - end], [2], 'int64')],
        { mode: attribute.string('constant') },
        { shape: [size] },
      ),
      null,
      null,
    ];
  },
  Reshape: (b, node, g) => [
    b.node(
      'Reshape',
      [g, b.node('Shape', [first(node)], {}, { shape: [b.shapeOf(first(node)).length], type: 'int64' })],
      {},
      { shape: b.shapeOf(first(node)) },
    ),
    null,
  ],
  // Rules for imported models (CNNs, small transformers); see onnx-backward-rules.ts.
  ...MODEL_BACKWARD_RULES,
};

/**
 * Reverse-mode differentiation on a built graph: appends nodes computing d `loss` / d each of `wrt`
 * and returns their names. Only nodes on a path from `wrt` to `loss` are differentiated (pruning);
 * an op without a backward rule on such a path is an error naming the op.
 */
export function addGradients(builder: OnnxGraphBuilder, loss: string, wrt: readonly string[]): Map<string, string> {
  const forwardNodes = [...builder.nodes];
  const dependsOnWrt = new Set(wrt);
  for (const node of forwardNodes)
    if (node.inputs.some((input) => dependsOnWrt.has(input)))
      node.outputs.forEach((name) => {
        dependsOnWrt.add(name);
      });
  const neededForLoss = new Set([loss]);
  for (const node of [...forwardNodes].reverse())
    if (node.outputs.some((name) => neededForLoss.has(name)))
      node.inputs.forEach((name) => {
        neededForLoss.add(name);
      });
  const gradients = new Map<string, string>([
    [loss, builder.constant(1, builder.shapeOf(loss).map(() => 1) as number[], builder.typeOf(loss))],
  ]);
  const accumulate = (name: string, gradient: string) => {
    const existing = gradients.get(name);
    gradients.set(name, existing ? builder.node('Add', [existing, gradient]) : gradient);
  };
  for (const node of [...forwardNodes].reverse()) {
    const outputGradient = gradients.get(node.outputs[0] as string);
    if (!outputGradient || !node.outputs.some((name) => dependsOnWrt.has(name) && neededForLoss.has(name))) continue;
    const rule = BACKWARD_RULES[node.opType];
    if (!rule) throw new Error(`no backward rule for ONNX op ${node.opType} (node ${node.name})`);
    const inputGradients = rule(builder, node, outputGradient);
    node.inputs.forEach((input, index) => {
      const gradient = inputGradients[index];
      if (gradient && dependsOnWrt.has(input)) accumulate(input, gradient);
    });
  }
  const result = new Map<string, string>();
  for (const name of wrt) {
    const gradient = gradients.get(name);
    result.set(name, gradient ?? builder.node('Mul', [name, builder.scalarLike(name, 0)]));
  }
  return result;
}
