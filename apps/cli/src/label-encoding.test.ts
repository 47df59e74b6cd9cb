import { describe, expect, it } from 'vitest';
import { hasErrorCode } from '@weightspec/core';
import { inferLabelEncoding } from './label-encoding.ts';

describe('inferLabelEncoding', () => {
  it('uses integer labels as class indices and keeps an index no row uses', () => {
    const encoding = inferLabelEncoding(['2', '0']);
    expect(encoding.classNames).toEqual(['0', '1', '2']);
    expect(encoding.origin).toBe('integer labels');
    expect([encoding.indexOf('2'), encoding.indexOf('1'), encoding.indexOf('3'), encoding.indexOf('01')]).toEqual([
      2,
      1,
      undefined,
      undefined,
    ]);
  });

  it('sorts names by code unit when any label is not an integer', () => {
    const encoding = inferLabelEncoding(['sun', 'Rain', 'fog', '1']);
    expect(encoding.classNames).toEqual(['1', 'Rain', 'fog', 'sun']);
    expect(encoding.indexOf('fog')).toBe(2);
  });

  it('follows --classes order and rejects a class listed twice', () => {
    expect(inferLabelEncoding(['a'], ['b', 'a']).indexOf('a')).toBe(1);
    let thrown: unknown;
    try {
      inferLabelEncoding(['a'], ['a', 'a']);
    } catch (error) {
      thrown = error;
    }
    expect(hasErrorCode(thrown, 'WS_INVALID_INPUT')).toBe(true);
  });
});
