import { UnsupportedFeatureError } from '@weightspec/core';
import type { WeightingSpec } from '@weightspec/core';
import { groupedBarChart, lineChart } from '../charts/svg-charts.ts';
import { classWeightBars, effectiveSampleWeights, histogram, scheduleSeries } from '../plots/plot-data.ts';
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
  const first = histogram(effectiveSampleWeights(full, 0), 12);
  const last = histogram(effectiveSampleWeights(full, setup.epochs - 1), 12);
  const binLabel = (bin: { from: number; to: number }) => ((bin.from + bin.to) / 2).toPrecision(2);
  parts.push(
    figure(
      `Effective per-sample weight w<sub>i</sub> = c<sub>y<sub>i</sub></sub><sup>α</sup> divided by its mean (1 = as in unweighted training): rows per weight bin at the last epoch${spec.adaptive?.length ? ' (focal, hard-mining and self-paced factors depend on the model and are applied during training)' : ''}.`,
      groupedBarChart({
        title: 'effective per-sample weights',
        testId: 'chart-sample-weights',
        groups: last.map((bin) => ({ label: binLabel(bin), values: [bin.count] })),
        seriesNames: [`rows, epoch ${setup.epochs - 1}`],
        colors: ['#D55E00'],
        yLabel: 'rows',
      }),
    ),
  );
  if (first.length !== last.length || first.some((bin, index) => bin.count !== last[index]?.count))
    parts.push(
      figure(
        'The same at epoch 0, before the schedule changes the weights.',
        groupedBarChart({
          title: 'effective per-sample weights at epoch 0',
          testId: 'chart-sample-weights-start',
          groups: first.map((bin) => ({ label: binLabel(bin), values: [bin.count] })),
          seriesNames: ['rows, epoch 0'],
          colors: ['#E69F00'],
          yLabel: 'rows',
        }),
      ),
    );
  return parts.join('');
}
