import { describe, expect, it } from 'vitest';
import { addGradients } from './onnx-autodiff.ts';
import { attribute, OnnxGraphBuilder } from './onnx-graph-builder.ts';
import { encodeOnnxModel } from './onnx-model-proto.ts';
import { loadOnnxRuntime } from './onnx-runtime-loader.ts';

const ort = await loadOnnxRuntime();

/** Builds loss = ReduceSum(w * body(x)) with a fixed random w, plus d loss / d x. */
async function gradientCheck(
  body: (builder: OnnxGraphBuilder, x: string) => string,
  x: number[][],
  type: 'float' | 'double' = 'double',
) {
  const rows = x.length;
  const columns = (x[0] ?? []).length;
  const build = (withGradient: boolean) => {
    const builder = new OnnxGraphBuilder('check');
    const input = builder.input('x', type, ['N', columns]);
    const value = body(builder, input);
    const weights = builder.constant(
      Array.from({ length: columns }, (_, index) => 0.3 + 0.2 * index),
      [columns],
      type,
    );
    const loss = builder.node(
      'ReduceSum',
      [builder.node('Mul', [value, weights])],
      { keepdims: attribute.int(0) },
      { shape: [] },
    );
    builder.output(loss, type, []);
    if (withGradient) {
      const gradient = addGradients(builder, loss, [input]).get(input) as string;
      builder.node('Identity', [gradient], {}, { output: 'gradient' });
      builder.output('gradient', type, ['N', columns]);
    }
    return ort.InferenceSession.create(encodeOnnxModel(builder.build()));
  };
  const flat = x.flat();
  const tensor = (values: number[]) =>
    type === 'double'
      ? new ort.Tensor('float64', Float64Array.from(values), [rows, columns])
      : new ort.Tensor('float32', Float32Array.from(values), [rows, columns]);
  const full = await build(true);
  const forward = await build(false);
  const result = await full.run({ x: tensor(flat) });
  const analytic = Array.from(result.gradient?.data as Float64Array | Float32Array);
  const lossAt = async (values: number[]) =>
    Number((await forward.run({ x: tensor(values) }))[forward.outputNames[0] as string]?.data[0]);
  const numeric: number[] = [];
  for (let index = 0; index < flat.length; index += 1) {
    const step = type === 'double' ? 1e-6 : 1e-2;
    const plus = [...flat];
    const minus = [...flat];
    plus[index] = (plus[index] as number) + step;
    minus[index] = (minus[index] as number) - step;
    numeric.push(((await lossAt(plus)) - (await lossAt(minus))) / (2 * step));
  }
  return { analytic, numeric };
}

const x = [
  [0.5, -1.2, 0.3],
  [1.5, 0.4, -0.8],
];

// Each backward rule against central finite differences of the same graph run in ONNX Runtime.
// ONNX Runtime has no double kernel for Softplus; that rule is checked in float32 with a wider step.
const rules: [string, (b: OnnxGraphBuilder, x: string) => string, ('float' | 'double')?][] = [
  ['Add (broadcast)', (b, v) => b.node('Add', [v, b.constant([1, 2, 3], [3], 'double')])],
  ['Sub (broadcast both ways)', (b, v) => b.node('Sub', [b.constant([1, 2, 3], [3], 'double'), b.node('Mul', [v, v])])],
  ['Mul', (b, v) => b.node('Mul', [v, b.node('Exp', [v])])],
  [
    'Div',
    (b, v) => b.node('Div', [b.node('Exp', [v]), b.node('Add', [b.node('Mul', [v, v]), b.constant(1, [], 'double')])]),
  ],
  [
    'Neg and Log',
    (b, v) => b.node('Neg', [b.node('Log', [b.node('Add', [b.node('Mul', [v, v]), b.constant(0.5, [], 'double')])])]),
  ],
  ['Relu', (b, v) => b.node('Relu', [v])],
  ['Sigmoid', (b, v) => b.node('Sigmoid', [v])],
  ['Softplus (float32)', (b, v) => b.node('Softplus', [v]), 'float'],
  ['Abs', (b, v) => b.node('Abs', [v])],
  [
    'MatMul',
    (b, v) => b.node('MatMul', [v, b.constant([0.1, -0.2, 0.3, 0.4, 0.5, -0.6, 0.7, 0.8, -0.9], [3, 3], 'double')]),
  ],
  [
    'ReduceSum keepdims',
    (b, v) =>
      b.node('Mul', [
        v,
        b.node('ReduceSum', [b.node('Mul', [v, v]), b.constant([1], [1], 'int64')], { keepdims: attribute.int(1) }),
      ]),
  ],
  ['LogSoftmax', (b, v) => b.node('LogSoftmax', [v], { axis: attribute.int(-1) })],
  [
    'Pow (constant exponent)',
    (b, v) =>
      b.node('Pow', [
        b.node('Add', [b.node('Mul', [v, v]), b.constant(1, [], 'double')]),
        b.constant(1.5, [], 'double'),
      ]),
  ],
  ['Clip', (b, v) => b.node('Clip', [v, b.constant(-1, [], 'double'), b.constant(1, [], 'double')])],
  [
    'Where',
    (b, v) =>
      b.node('Where', [b.node('Greater', [v, b.constant(0, [], 'double')]), b.node('Mul', [v, v]), b.node('Neg', [v])]),
  ],
];

describe('backward rules against finite differences', () => {
  for (const [name, body, type = 'double'] of rules)
    it(name, async () => {
      const { analytic, numeric } = await gradientCheck(body, x, type);
      numeric.forEach((value, index) => {
        expect(analytic[index]).toBeCloseTo(value, type === 'double' ? 6 : 3);
      });
    });

  it('prunes nodes that do not lead from the inputs to the loss', () => {
    const builder = new OnnxGraphBuilder('prune');
    const input = builder.input('x', 'float', ['N', 2]);
    builder.node('Exp', [input]);
    const loss = builder.node(
      'ReduceSum',
      [builder.node('Mul', [input, input])],
      { keepdims: attribute.int(0) },
      { shape: [] },
    );
    const before = builder.nodes.length;
    addGradients(builder, loss, [input]);
    const added = builder.nodes.slice(before).map((node) => node.opType);
    expect(added).not.toContain('Exp');
    expect(() => {
      const other = new OnnxGraphBuilder('unknown');
      const value = other.input('x', 'float', [2]);
      const odd = other.node('Cos', [value], {}, { shape: [2] });
      addGradients(other, other.node('ReduceSum', [odd], { keepdims: attribute.int(0) }, { shape: [] }), [value]);
    }).toThrow(/no backward rule for ONNX op Cos/);
  });
});
