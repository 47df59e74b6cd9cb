import { describe, expect, it } from 'vitest';
import { formatNumber, formatPercent, formatTextTable } from './text-table.ts';

describe('formatTextTable', () => {
  it('pads columns to the widest cell, right-aligns numeric columns and trims line ends', () => {
    const table = formatTextTable(
      [{ title: 'class' }, { title: 'n', align: 'right' }],
      [
        ['snow', '26'],
        ['rain', '641'],
      ],
    );
    expect(table).toBe(['class    n', '-----  ---', 'snow    26', 'rain   641'].join('\n'));
  });
});

describe('formatNumber and formatPercent', () => {
  it('rounds to significant digits and switches to exponents outside [1e-4, 1e6)', () => {
    expect(formatNumber(11.238461538, 4)).toBe('11.24');
    expect(formatNumber(2 / 3, 6)).toBe('0.666667');
    expect(formatNumber(0.00001234, 3)).toBe('1.23e-5');
    expect(formatNumber(Number.NaN)).toBe('NaN');
    expect(formatPercent(26 / 1461)).toBe('1.8%');
  });
});
