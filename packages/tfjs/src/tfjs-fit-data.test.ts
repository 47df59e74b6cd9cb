import { InvalidInputError } from '@weightspec/core';
import { describe, expect, it } from 'vitest';
import { checkFiniteTensor } from './tfjs-fit-data.ts';
import { cpuTfjs } from './tfjs-test-support.ts';

const tf = await cpuTfjs();

describe('checkFiniteTensor (checked in chunks of 2^20 values)', () => {
  // 300,000 rows of 4 values: 2^20 / 4 = 262,144 rows per chunk, so row 290,000 is in the second chunk.
  const rows = 300_000;
  const columns = 4;

  it('names the row and flat position of a NaN in a later chunk (worked by hand: 290000 * 4 + 2)', () => {
    const values = new Float32Array(rows * columns).fill(0.5);
    values[290_000 * columns + 2] = Number.NaN;
    const x = tf.tensor2d(values, [rows, columns]);
    const thrown = (() => {
      try {
        checkFiniteTensor(tf, 'x', x);
        return null;
      } catch (error) {
        return error;
      }
    })();
    x.dispose();
    expect(thrown).toBeInstanceOf(InvalidInputError);
    expect((thrown as InvalidInputError).message).toContain('x[290000]');
    expect((thrown as InvalidInputError).message).toContain('got NaN at flat position 1160002');
  });

  it('names the first bad value across a chunk boundary, and refuses negatives only when asked', () => {
    const values = new Float32Array(rows * columns).fill(1);
    // Last value of the first chunk (row 262,143, column 3): flat position 262144 * 4 - 1 = 1048575.
    values[262_144 * columns - 1] = -2;
    values[299_999 * columns] = Number.POSITIVE_INFINITY;
    const weights = tf.tensor2d(values, [rows, columns]);
    expect(() => checkFiniteTensor(tf, 'elementWeights', weights, { nonNegative: true })).toThrow(
      /elementWeights\[262143\].*got -2 at flat position 1048575/,
    );
    expect(() => checkFiniteTensor(tf, 'elementWeights', weights)).toThrow(
      /elementWeights\[299999\].*got Infinity at flat position 1199996/,
    );
    weights.dispose();
  });

  it('accepts finite data of any rank (a scalar, one row, many chunks) and leaves no tensor behind', () => {
    const before = tf.memory().numTensors;
    const scalar = tf.scalar(3);
    const many = tf.tensor2d(new Float32Array(rows * columns).fill(-1), [rows, columns]);
    expect(() => checkFiniteTensor(tf, 's', scalar)).not.toThrow();
    expect(() => checkFiniteTensor(tf, 'x', many)).not.toThrow();
    scalar.dispose();
    many.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
