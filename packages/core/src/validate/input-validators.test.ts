import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors/invalid-input-error.ts';
import {
  checkClassLabels,
  checkDenseFeatureMatrix,
  checkFeatureMatrix,
  checkFeatureRows,
  checkFiniteNumber,
  checkCallbacks,
  checkNumberArray,
  checkOptionsObject,
  describeValue,
  FLOAT32_MAX,
} from './input-validators.ts';

describe('input validators', () => {
  it('checkOptionsObject and checkCallbacks name what is not an options object or a function', () => {
    expect(checkOptionsObject('options', undefined, true)).toEqual({});
    expect(() => checkOptionsObject('options', undefined)).toThrow('options: must be an options object, got undefined');
    expect(() => checkOptionsObject('options', [] as never)).toThrow(/got an array of length 0/);
    expect(() => checkOptionsObject('options', null as never)).toThrow(/got null/);
    const options = { onProgress: () => undefined, onBatchBegin: undefined, onEnd: 'x' };
    expect(() => checkCallbacks(options, ['onProgress', 'onBatchBegin'])).not.toThrow();
    expect(() => checkCallbacks(options, ['onEnd'], 'callbacks.')).toThrow(
      'callbacks.onEnd: must be a function, got "x"',
    );
  });

  it('FLOAT32_MAX is the largest finite float32', () => {
    // Math.fround rounds to float32: the maximum survives, the next double above rounds to Infinity.
    expect(Math.fround(FLOAT32_MAX)).toBe(FLOAT32_MAX);
    expect(Math.fround(FLOAT32_MAX * (1 + 2 ** -23))).toBe(Number.POSITIVE_INFINITY);
  });

  it('checkNumberArray rejects strings, null, NaN, negatives and float32 overflow naming the index', () => {
    expect(() => checkNumberArray('w', [1, '2'])).toThrow(/w\[1\]: must be a number, got "2"/);
    expect(() => checkNumberArray('w', [1, null])).toThrow(/w\[1\].*null/);
    expect(() => checkNumberArray('w', [Number.NaN])).toThrow(/w\[0\]: must be finite/);
    expect(() => checkNumberArray('w', [-1], { nonNegative: true })).toThrow(/w\[0\]: must be >= 0/);
    expect(() => checkNumberArray('w', [1e39], { float32: true })).toThrow(/float32/);
    expect(() => checkNumberArray('w', [1], { length: 2 })).toThrow(/has 1 values, expected 2/);
    expect(() => checkNumberArray('w', 'abc')).toThrow(InvalidInputError);
    expect([...checkNumberArray('w', new Float32Array([0.5, 2]))]).toEqual([0.5, 2]);
  });

  it('checkFiniteNumber enforces integer and range', () => {
    expect(checkFiniteNumber('batchSize', 4, { integer: true, min: 1 })).toBe(4);
    expect(() => checkFiniteNumber('batchSize', 0, { integer: true, min: 1 })).toThrow(/an integer >= 1, got 0/);
    expect(() => checkFiniteNumber('learningRate', Number.NaN, { min: 0, minExclusive: true })).toThrow(/> 0/);
  });

  it('checkFeatureRows needs a rectangular, finite matrix', () => {
    expect(
      checkFeatureRows('X', [
        [1, 2],
        [3, 4],
      ]).values,
    ).toEqual(new Float64Array([1, 2, 3, 4]));
    expect(() => checkFeatureRows('X', [[1, 2], [3]])).toThrow(/X\[1\]/);
    expect(() => checkFeatureRows('X', [])).toThrow(/at least one row/);
    expect(() => checkFeatureRows('X', [[1, Number.POSITIVE_INFINITY]])).toThrow(/X\[0\]\[1\]/);
  });

  it('checkDenseFeatureMatrix returns the same typed array and names the row and column of a bad value', () => {
    const values = new Float32Array([1, 2, 3, 4, 5, 6]);
    const checked = checkDenseFeatureMatrix('X', { values, rows: 3, columns: 2 });
    expect(checked.values).toBe(values);
    expect([checked.rows, checked.columns]).toEqual([3, 2]);
    // Index 5 of a 2-column matrix is row 2, column 1 (5 = 2 * 2 + 1).
    expect(() =>
      checkDenseFeatureMatrix('X', { values: new Float64Array([1, 2, 3, 4, 5, Number.NaN]), rows: 3, columns: 2 }),
    ).toThrow(/X\[2\]\[1\]: must be finite/);
    expect(() =>
      checkDenseFeatureMatrix('X', { values: new Float64Array([1e39]), rows: 1, columns: 1 }, { float32: true }),
    ).toThrow(/X\[0\]\[0\].*float32/);
    expect(() => checkDenseFeatureMatrix('X', { values, rows: 2, columns: 2 })).toThrow(/has 6 values, expected.*4/);
    expect(() => checkDenseFeatureMatrix('X', { values: [1, 2], rows: 1, columns: 2 })).toThrow(/Float32Array/);
    expect(() => checkDenseFeatureMatrix('X', { values: new Float32Array(0), rows: 0, columns: 2 })).toThrow(/X\.rows/);
  });

  it('checkFeatureMatrix takes rows (copied to float64) and dense matrices (not copied) alike', () => {
    expect(checkFeatureMatrix('X', [[1, 2]]).values).toEqual(new Float64Array([1, 2]));
    const values = new Float64Array([1, 2]);
    expect(checkFeatureMatrix('X', { values, rows: 1, columns: 2 }).values).toBe(values);
  });

  it('checkClassLabels exempts the mask value and rejects fractions and out-of-range labels', () => {
    expect([...checkClassLabels('y', [0, 2, -1], { numClasses: 3, maskValue: -1 })]).toEqual([0, 2, -1]);
    expect(() => checkClassLabels('y', [1.5], { numClasses: 3 })).toThrow(/y\[0\].*\[0, 3\).*1.5/);
    expect(() => checkClassLabels('y', [3], { numClasses: 3 })).toThrow(/y\[0\]/);
  });

  it('describeValue never echoes a long string in full', () => {
    expect(describeValue('x'.repeat(5_000_000)).length).toBeLessThan(50);
    expect(describeValue(-0)).toBe('-0');
  });
});
