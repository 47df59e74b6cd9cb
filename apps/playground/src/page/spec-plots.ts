import { UnsupportedFeatureError } from '@weightspec/core';
import type { WeightingSpec } from '@weightspec/core';
import { groupedBarChart, lineChart } from '../charts/svg-charts.ts';
import { classWeightBars, effectiveSampleWeights, histogram, scheduleSeries, valueRange } from '../plots/plot-data.ts';
import type { PlotSetup } from '../plots/plot-data.ts';
import { classColor } from './chart-colors.ts';

function figure(caption: string, svg: string): string {
  return `<figure>${svg}<figcaption>${caption}</figcaption></figure>`;
}

/**
 * The spec's charts as HTML: class counts against resolved class weights, the class-weight schedule
 * c^alpha(t) per class, the curriculum pacing g(t), and the distribution of effective per-sample weights
 * at the first and last epoch. Throws the spec's WeightspecError when it does not resolve on this data.
 */
export function renderSpecPlots(spec: WeightingSpec, setup: Omit<PlotSetup, 'spec'>): string {
  if (spec.loss.kind !== 'softmax_cross_entropy')
    throw new UnsupportedFeatureError(
      'playground',
      `loss.${spec.loss.kind}`,
      'the playground plots and trains softmax classifiers; use softmax_cross_entropy',
    );
  const full: PlotSetup = { ...setup, spec };
  const bars = classWeightBars(full);
  const schedule = scheduleSeries(full);
  const parts: string[] = [];
  parts.push(
    figure(
      'Class counts n<sub>c</sub> (training rows) against the resolved class weights c, each on its own scale; the numbers are the values.',
      groupedBarChart({
        title: 'class counts and class weights',
        testId: 'chart-class-weights',
        groups: bars.map((bar) => ({ label: bar.className, values: [bar.count, bar.weight] })),
        seriesNames: ['count n_c', 'weight c'],
        colors: ['#BBBBBB', '#0072B2'],
        independentScales: true,
        yLabel: '',
      }),
    ),
  );
  parts.push(
    figure(
      'Class weights over training, c<sup>α(t)</sup> at the start of each epoch (a deferred schedule jumps from 1 to c).',
      lineChart({
        title: 'class-weight schedule',
        testId: 'chart-schedule',
        series: setup.classNames.map((name, index) => ({
          name,
          color: classColor(index),
          values: schedule.map((point) => point.classWeights[index] ?? 1),
        })),
        xCount: setup.epochs,
        xLabel: 'epoch',
        yLabel: 'class weight',
      }),
    ),
  );
  const pacing = schedule.map((point) => point.curriculumFraction);
  parts.push(
    figure(
      spec.curriculum
        ? 'Curriculum pacing g(t): the share of training rows admitted (easiest first) at each epoch.'
        : 'No curriculum: every row trains at every epoch (g = 1).',
      lineChart({
        title: 'curriculum pacing',
        testId: 'chart-pacing',
        series: [{ name: 'admitted share g(t)', color: '#009E73', values: pacing.map((value) => value ?? 1) }],
        xCount: setup.epochs,
        xLabel: 'epoch',
        yLabel: 'admitted share',
        yMaximum: 1,
      }),
    ),
  );
  const firstWeights = effectiveSampleWeights(full, 0);
  const lastWeights = effectiveSampleWeights(full, setup.epochs - 1);
  const [firstLow, firstHigh] = valueRange(firstWeights);
  const [lastLow, lastHigh] = valueRange(lastWeights);
  const range = [Math.min(firstLow, lastLow), Math.max(firstHigh, lastHigh)] as const;
  const first = histogram(firstWeights, 12, range);
  const last = histogram(lastWeights, 12, range);
  const changes = first.some((bin, index) => bin.count !== last[index]?.count);
  const adaptive = spec.adaptive?.length
    ? ' Focal, hard-mining and self-paced factors depend on the model, so they are applied during training, not shown here.'
    : '';
  parts.push(
    figure(
      `Effective per-sample weight w<sub>i</sub> = c<sub>y<sub>i</sub></sub><sup>α</sup> divided by its mean (1 = as in unweighted training): rows per weight bin${changes ? ' at the first and the last epoch' : ''}.${adaptive}`,
      groupedBarChart({
        title: 'effective per-sample weights',
        testId: 'chart-sample-weights',
        groups: last.map((bin, index) => ({
          label: ((bin.from + bin.to) / 2).toPrecision(2),
          values: changes ? [first[index]?.count ?? 0, bin.count] : [bin.count],
        })),
        seriesNames: changes ? ['rows, epoch 0', `rows, epoch ${setup.epochs - 1}`] : ['rows'],
        colors: changes ? ['#E69F00', '#D55E00'] : ['#D55E00'],
        yLabel: 'rows',
      }),
    ),
  );
  return parts.join('');
}
