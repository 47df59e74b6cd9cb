import { describe, expect, it } from 'vitest';
import { addGradients } from './onnx-autodiff.ts';
import { lowerModelGraph } from './onnx-fine-tune-graph.ts';
import { emit } from './onnx-graph-emit.ts';
import type { OnnxModel } from './onnx-model-proto.ts';
import { encodeOnnxModel } from './onnx-model-proto.ts';
import { loadOnnxRuntime } from './onnx-runtime-loader.ts';

const ort = await loadOnnxRuntime();

// A 1x2x5x7 input with ties inside the 2x2 windows: all-equal windows, ties along a window's row, its
// column and its diagonal; the last row and column lie outside every window (floor mode).
const input = [
  [1, 1, 0, 2, 3, 3, 9, 1, 1, 2, 0, 3, 3, 9, 4, 5, 5, 4, 0, 0, 9, 5, 4, 4, 5, 0, 0, 9, 7, 7, 7, 7, 7, 7, 7],
  [0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 2, 1, 1, 2, -1, -1, 1, 2, 1, 2, 1, -1, -2, 1, 3, 3, 3, 3, 3, 3, 3],
].flat();
// torch 1.13: x.grad of max_pool2d(x, 2, 2).backward(g) with g = 1..12 (PyTorch routes a tie to the
// first maximum in row-major window order); recorded by running PyTorch on this input.
const torchGradient = [
  [1, 0, 0, 2, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 5, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
  [7, 0, 8, 0, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 10, 0, 0, 11, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
].flat();

describe('MaxPool backward for non-overlapping windows', () => {
  it('routes a tie to the first maximum in row-major window order, as PyTorch does', async () => {
    const model: OnnxModel = {
      graphName: 'maxpool-ties',
      nodes: [
        {
          opType: 'MaxPool',
          inputs: ['x'],
          outputs: ['y'],
          name: 'pool',
          attributes: { kernel_shape: { type: 'ints', value: [2, 2] }, strides: { type: 'ints', value: [2, 2] } },
        },
      ],
      initializers: [],
      inputs: [{ name: 'x', dataType: 'float', shape: [1, 2, 5, 7] }],
      outputs: [{ name: 'y', dataType: 'float', shape: [] }],
      opsetVersion: 17,
    };
    const lowered = lowerModelGraph({ model, batchSize: 1, training: true, fedInitializers: new Set() });
    const b = lowered.builder;
    const upstream = b.constant(
      Array.from({ length: 12 }, (_, index) => index + 1),
      [1, 2, 2, 3],
    );
    const loss = emit(b, 'ReduceSum', [emit(b, 'Mul', [lowered.valueOf('y'), upstream])], {
      keepdims: { type: 'int', value: 0 },
    });
    const gradient = addGradients(b, loss, ['x']).get('x') as string;
    emit(b, 'Identity', [gradient], {}, 'gradient');
    b.output('gradient');
    const built = b.build({ opsetVersion: 17 });
    expect(built.nodes.some((node) => node.opType === 'ScatterElements')).toBe(false);
    const session = await ort.InferenceSession.create(encodeOnnxModel(built));
    const result = await session.run({ x: new ort.Tensor('float32', Float32Array.from(input), [1, 2, 5, 7]) });
    expect(Array.from(result.gradient?.data as Float32Array)).toEqual(torchGradient);
    await session.release();
  });
});
