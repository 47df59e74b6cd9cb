import { describe, expect, it } from 'vitest';
import {
  InvalidInputError,
  InvalidSpecError,
  MissingPeerError,
  UnsupportedFeatureError,
  UnsupportedVersionError,
  WeightspecError,
  ZeroDenominatorError,
  hasErrorCode,
  WEIGHTSPEC_ERROR_CODES,
} from './index.ts';

describe('error taxonomy', () => {
  const samples = [
    InvalidSpecError.at(['loss'], 'bad'),
    new UnsupportedVersionError(9, [1]),
    new InvalidInputError('targets[0]', 'bad'),
    new UnsupportedFeatureError('mljs', 'loss.huber', 'why'),
    new ZeroDenominatorError('mean', 'empty'),
    new MissingPeerError('onnxruntime-node', '@weightspec/onnx'),
  ];

  it('gives each SPEC code exactly one class', () => {
    expect(samples.map((error) => error.code)).toEqual([...WEIGHTSPEC_ERROR_CODES]);
  });

  it('recognises errors by marker, also from another copy of the package', () => {
    const foreign = Object.assign(new Error('from a second bundle'), {
      code: 'WS_INVALID_INPUT',
      [Symbol.for('@weightspec/core.error')]: true,
    });
    expect(WeightspecError.isInstance(foreign)).toBe(true);
    expect(InvalidInputError.isInstance(foreign)).toBe(true);
    expect(ZeroDenominatorError.isInstance(foreign)).toBe(false);
    expect(WeightspecError.isInstance(new Error('plain'))).toBe(false);
    expect(hasErrorCode(samples[4], 'WS_ZERO_DENOMINATOR')).toBe(true);
  });

  it('names the package to install for a missing peer', () => {
    expect(samples[5]?.message).toContain('npm install onnxruntime-node');
  });
});
