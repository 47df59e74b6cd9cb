import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDecimalNumber } from './decimal-number.ts';

describe('parseDecimalNumber', () => {
  it('reads decimal forms with Number() semantics', () => {
    for (const [text, value] of [
      ['1', 1],
      ['-2.5', -2.5],
      ['+3', 3],
      ['.5', 0.5],
      ['3.', 3],
      ['1e-3', 0.001],
      ['-0', -0],
      ['007', 7],
    ] as const)
      expect(parseDecimalNumber(text)).toBe(value);
    expect(parseDecimalNumber('1e999')).toBe(Infinity);
  });

  it('rejects what Number() accepts but is not decimal, and text that is not a number', () => {
    for (const text of [
      '0x10',
      '0b1',
      '0o7',
      'Infinity',
      '-Infinity',
      'NaN',
      '',
      ' 1',
      '1 ',
      '1_000',
      '1,5',
      'e5',
      '.',
      '-',
    ])
      expect(parseDecimalNumber(text)).toBeNull();
  });

  it('agrees with Number() on every finite double written by String() (the oracle is the JS printer)', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (value) => {
        expect(parseDecimalNumber(String(value))).toBe(value === 0 ? 0 : value); // String(-0) is "0"
      }),
    );
  });
});
