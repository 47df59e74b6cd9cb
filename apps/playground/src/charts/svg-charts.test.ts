import { describe, expect, it } from 'vitest';
import { escapeXml, formatTick, groupedBarChart, lineChart } from './svg-charts.ts';

const heights = (svg: string) => [...svg.matchAll(/<rect [^>]*height="([\d.]+)"/g)].map((match) => Number(match[1]));

describe('SVG charts', () => {
  it('escapes user text (CSV class names end up in the page)', () => {
    expect(escapeXml(`<b a="1">&'`)).toBe('&#60;b a=&#34;1&#34;&#62;&#38;&#39;');
    const svg = groupedBarChart({
      title: 't',
      testId: 'x',
      groups: [{ label: '<script>', values: [1] }],
      seriesNames: ['n'],
      colors: ['#000'],
      yLabel: 'y',
    });
    expect(svg).not.toContain('<script>');
  });

  it('draws bars in proportion to their values on a shared scale (plot area 160 px high)', () => {
    const svg = groupedBarChart({
      title: 't',
      testId: 'x',
      groups: [
        { label: 'a', values: [1] },
        { label: 'b', values: [4] },
      ],
      seriesNames: ['n'],
      colors: ['#000'],
      yLabel: 'y',
    });
    expect(heights(svg)).toEqual([40, 160]);
  });

  it('scales each series to its own maximum when asked (counts and weights in one chart)', () => {
    const svg = groupedBarChart({
      title: 't',
      testId: 'x',
      groups: [
        { label: 'a', values: [100, 2] },
        { label: 'b', values: [50, 8] },
      ],
      seriesNames: ['count', 'weight'],
      colors: ['#000', '#111'],
      independentScales: true,
      yLabel: '',
    });
    expect(heights(svg)).toEqual([160, 40, 80, 160]);
  });

  it('plots one marker per value, with the value in its tooltip', () => {
    const svg = lineChart({
      title: 't',
      testId: 'x',
      series: [{ name: 'loss', color: '#000', values: [2, 1, 0.5] }],
      xCount: 3,
      xLabel: 'epoch',
      yLabel: 'loss',
    });
    expect([...svg.matchAll(/<circle /g)]).toHaveLength(3);
    expect(svg).toContain('<title>loss, epoch 2: 0.5</title>');
    const long = lineChart({
      title: 't',
      testId: 'x',
      series: [{ name: 'g', color: '#000', values: new Array(61).fill(1) }],
      xCount: 61,
      xLabel: 'epoch',
      yLabel: 'g',
    });
    expect(long).not.toContain('<circle ');
    expect(long).toContain('<polyline ');
  });

  it('formats ticks with three significant digits', () => {
    expect([0, 0.45678, 11.111, 1096.6, 1234567, 0.0001234].map(formatTick)).toEqual([
      '0',
      '0.457',
      '11.1',
      '1097',
      '1.2e+6',
      '1.2e-4',
    ]);
  });
});
