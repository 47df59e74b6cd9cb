import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { markLargest } from './mark-largest.ts';

// Independent reference: sort the indices by value descending, ties by lower index, take the first count.
function markLargestBySorting(values: readonly number[], count: number): Uint8Array {
  const order = values
    .map((_, index) => index)
    .sort((left, right) => (values[right] as number) - (values[left] as number) || left - right);
  const marks = new Uint8Array(values.length);
  for (const index of order.slice(0, Math.max(0, count))) marks[index] = 1;
  return marks;
}

describe('markLargest', () => {
  it('marks the same elements as a full sort (ties to the lower index), for any values and count', () => {
    // Values drawn from a few integers as often as from all doubles, so ties are common.
    const value = fc.oneof(fc.integer({ min: -3, max: 3 }), fc.double({ noNaN: true }));
    fc.assert(
      fc.property(fc.array(value, { maxLength: 200 }), fc.integer({ min: -2, max: 210 }), (values, count) => {
        expect(markLargest(values, count)).toEqual(markLargestBySorting(values, count));
      }),
      { numRuns: 500 },
    );
  });

  it('works through sorted, reversed and constant inputs (the quickselect worst cases)', () => {
    const ascending = Array.from({ length: 5000 }, (_, index) => index);
    for (const values of [ascending, [...ascending].reverse(), ascending.map(() => 7)])
      for (const count of [1, 2500, 4999])
        expect(markLargest(values, count)).toEqual(markLargestBySorting(values, count));
  });

  it('treats -0 and 0 as equal, as the comparison sort does', () => {
    expect([...markLargest([0, -0, 0, -0], 2)]).toEqual([1, 1, 0, 0]);
  });
});
