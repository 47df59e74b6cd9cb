import { InvalidInputError } from '@weightspec/core';
import { describe, expect, it } from 'vitest';
import { selectTrainable } from './onnx-fine-tune-selection.ts';
import type { OnnxModel, OnnxTensor } from './onnx-model-proto.ts';

const tensor = (name: string, size: number): OnnxTensor => ({
  name,
  dataType: 'float',
  dims: size === 1 ? [] : [size],
  data: new Float32Array(size),
});
const model: OnnxModel = {
  graphName: 'selection',
  nodes: [
    {
      opType: 'BatchNormalization',
      inputs: ['x', 'bn.weight', 'bn.bias', 'bn.mean', 'bn.var'],
      outputs: ['y'],
      name: 'bn',
      attributes: {},
    },
    { opType: 'Mul', inputs: ['y', 'scale'], outputs: ['z'], name: 'scale', attributes: {} },
  ],
  initializers: [
    tensor('bn.weight', 4),
    tensor('bn.bias', 4),
    tensor('bn.mean', 4),
    tensor('bn.var', 4),
    tensor('scale', 1),
  ],
  inputs: [{ name: 'x', dataType: 'float', shape: ['N', 4] }],
  outputs: [{ name: 'z', dataType: 'float', shape: ['N', 4] }],
};

describe('selectTrainable', () => {
  it("'all' trains every float initializer but running statistics and scalar constants", () => {
    expect(selectTrainable(model, 'all', [])).toEqual({
      trainable: ['bn.weight', 'bn.bias'],
      runningStatistics: ['bn.mean', 'bn.var'],
    });
  });

  it('trains a scalar when named, and removes frozen names', () => {
    expect(selectTrainable(model, ['scale', 'bn.bias'], ['bn.bias']).trainable).toEqual(['scale']);
  });

  it('names unknown initializers and an empty selection', () => {
    expect(() => selectTrainable(model, ['missing'], [])).toThrow(
      /trainable\[0\]: "missing" is not a float initializer/,
    );
    expect(() => selectTrainable(model, 'all', ['bn.weight', 'bn.bias'])).toThrow(InvalidInputError);
  });
});
