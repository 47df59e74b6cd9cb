/** A named series of y values at x = 0, 1, 2, ... (or at given xs). */
export interface LineSeries {
  readonly name: string;
  readonly values: readonly number[];
  readonly color: string;
  /** Dashed lines mark the unweighted run. */
  readonly dashed?: boolean;
}

/** A group of bars sharing one x label. */
export interface BarGroup {
  readonly label: string;
  readonly values: readonly number[];
}

const width = 460;
const plotHeight = 160;
const margin = { right: 12, bottom: 42, left: 48 };
const plotWidth = width - margin.left - margin.right;
const legendRowHeight = 14;
const maxMarkers = 60;

/** Legend entries laid out left to right above the plot, wrapping into rows (about 6 px per character). */
interface LegendLayout {
  readonly svg: string;
  /** Top of the plot area: below the legend. */
  readonly top: number;
}

function layoutLegend(entries: readonly { name: string; color: string; dashed?: boolean }[]): LegendLayout {
  let x = margin.left;
  let row = 0;
  const parts = entries.map((entry) => {
    const entryWidth = 28 + entry.name.length * 6;
    if (x + entryWidth > width - margin.right && x > margin.left) {
      row += 1;
      x = margin.left;
    }
    const y = 12 + row * legendRowHeight;
    const dash = entry.dashed ? ' stroke-dasharray="4 3"' : '';
    const svg = `<line x1="${x}" x2="${x + 16}" y1="${y - 4}" y2="${y - 4}" stroke="${entry.color}" stroke-width="3"${dash}/><text x="${x + 20}" y="${y}">${escapeXml(entry.name)}</text>`;
    x += entryWidth;
    return svg;
  });
  return { svg: parts.join(''), top: 12 + (row + 1) * legendRowHeight };
}

/** Escapes text for SVG/HTML content and attributes. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

/** A short label for an axis tick: up to 3 significant digits. */
export function formatTick(value: number): string {
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e6 || magnitude < 0.01) return value.toExponential(1);
  if (magnitude >= 1000) return Math.round(value).toString();
  return Number(value.toPrecision(3)).toString();
}

function open(title: string, testId: string, top: number): string {
  const height = top + plotHeight + margin.bottom;
  return `<svg class="chart" data-testid="${escapeXml(testId)}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeXml(title)}">`;
}

function yAxis(maximum: number, label: string, top: number): string {
  const ticks = [0, 0.5, 1].map((fraction) => {
    const y = top + plotHeight * (1 - fraction);
    return `<line x1="${margin.left}" x2="${width - margin.right}" y1="${y}" y2="${y}" class="grid"/><text x="${margin.left - 4}" y="${y + 4}" text-anchor="end">${formatTick(maximum * fraction)}</text>`;
  });
  const middle = top + plotHeight / 2;
  return `${ticks.join('')}<text x="12" y="${middle}" transform="rotate(-90 12 ${middle})" text-anchor="middle">${escapeXml(label)}</text>`;
}

/**
 * Grouped bars: each group's values side by side, each series scaled to its own maximum (so counts and
 * weights share one chart); the tooltip and the labels above the bars give the real numbers.
 */
export function groupedBarChart(options: {
  title: string;
  testId: string;
  groups: readonly BarGroup[];
  seriesNames: readonly string[];
  colors: readonly string[];
  /** Bars of one series share a scale; true scales each series to its own maximum. */
  independentScales?: boolean;
  yLabel: string;
  yMaximum?: number;
}): string {
  const { groups, seriesNames, colors } = options;
  const seriesCount = seriesNames.length;
  const maxima = seriesNames.map((_, series) =>
    Math.max(...groups.map((group) => group.values[series] ?? 0), Number.MIN_VALUE),
  );
  const shared = options.yMaximum ?? Math.max(...maxima);
  const legend = layoutLegend(seriesNames.map((name, index) => ({ name, color: colors[index] as string })));
  const top = legend.top;
  const groupWidth = plotWidth / Math.max(groups.length, 1);
  const barWidth = (groupWidth * 0.8) / seriesCount;
  const bars = groups.flatMap((group, groupIndex) =>
    group.values.map((value, series) => {
      const scale = options.independentScales ? (maxima[series] as number) : shared;
      const barHeight = scale > 0 ? (plotHeight * value) / scale : 0;
      const x = margin.left + groupIndex * groupWidth + groupWidth * 0.1 + series * barWidth;
      const y = top + plotHeight - barHeight;
      return `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${barWidth.toFixed(1)}" height="${barHeight.toFixed(1)}" fill="${colors[series]}"><title>${escapeXml(`${group.label}, ${seriesNames[series]}: ${formatTick(value)}`)}</title></rect><text class="bar-value" x="${(x + barWidth / 2).toFixed(1)}" y="${(y - 3).toFixed(1)}" text-anchor="middle">${formatTick(value)}</text>`;
    }),
  );
  const labels = groups.map(
    (group, groupIndex) =>
      `<text x="${(margin.left + (groupIndex + 0.5) * groupWidth).toFixed(1)}" y="${top + plotHeight + 14}" text-anchor="middle">${escapeXml(group.label)}</text>`,
  );
  const axis = options.independentScales ? '' : yAxis(shared, options.yLabel, top);
  return `${open(options.title, options.testId, top)}${axis}${bars.join('')}${labels.join('')}${legend.svg}</svg>`;
}

/** Lines over x = 0..n-1 (epochs), on one y scale from 0 (or the data's minimum if negative). */
export function lineChart(options: {
  title: string;
  testId: string;
  series: readonly LineSeries[];
  xCount: number;
  xLabel: string;
  yLabel: string;
  yMaximum?: number;
}): string {
  const values = options.series.flatMap((series) => series.values.filter(Number.isFinite));
  const maximum = options.yMaximum ?? Math.max(...values, Number.MIN_VALUE) * 1.05;
  const steps = Math.max(options.xCount - 1, 1);
  const legend = layoutLegend(options.series);
  const top = legend.top;
  const point = (value: number, index: number) =>
    `${(margin.left + (plotWidth * index) / steps).toFixed(1)},${(top + plotHeight * (1 - Math.min(value, maximum) / maximum)).toFixed(1)}`;
  const lines = options.series.map((series) => {
    const points = series.values.map(point).join(' ');
    const dash = series.dashed ? ' stroke-dasharray="5 4"' : '';
    // Past 60 points the markers only clutter the line (and the page); the line alone remains.
    const markers = (series.values.length > maxMarkers ? [] : series.values)
      .map((value, index) => {
        const [x, y] = point(value, index).split(',');
        return `<circle cx="${x}" cy="${y}" r="2.5" fill="${series.color}"><title>${escapeXml(`${series.name}, ${options.xLabel} ${index}: ${formatTick(value)}`)}</title></circle>`;
      })
      .join('');
    return `<polyline fill="none" stroke="${series.color}" stroke-width="2"${dash} points="${points}"/>${markers}`;
  });
  const xTicks = [0, Math.floor(steps / 2), steps]
    .filter((tick, index, ticks) => ticks.indexOf(tick) === index)
    .map(
      (tick) =>
        `<text x="${(margin.left + (plotWidth * tick) / steps).toFixed(1)}" y="${top + plotHeight + 14}" text-anchor="middle">${tick}</text>`,
    );
  const xLabel = `<text x="${margin.left + plotWidth / 2}" y="${top + plotHeight + 27}" text-anchor="middle">${escapeXml(options.xLabel)}</text>`;
  return `${open(options.title, options.testId, top)}${yAxis(maximum, options.yLabel, top)}${lines.join('')}${xTicks.join('')}${xLabel}${legend.svg}</svg>`;
}
