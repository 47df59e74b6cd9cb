import { defaultVectorDirectory } from '@weightspec/conformance';
import { SEATTLE_WEATHER_CLASSES, loadSeattleWeather, splitAndStandardize } from '@weightspec/conformance/datasets';
import type { ClassificationReport } from '@weightspec/core';
import { countClasses, parseWeightingSpec, serializeWeightingSpec } from '@weightspec/core';
import type { WeightingAdapter, WeightingSpec } from '@weightspec/core';
import { loadClassifierTrainer, loadWeightingAdapter, probeInstalledAdapters } from './adapter-loader.ts';
import { expectPositionals, flagOption, numberOption, stringListOption } from './cli-arguments.ts';
import type { CliCommand, CliIo } from './cli-io.ts';
import { trainAndEvaluate } from './classifier-evaluation.ts';
import { runConformanceWithProgress } from './command-conformance.ts';
import { formatPercent, formatTextTable } from './text-table.ts';

const help = `Usage: weightspec demo [--epochs N] [--adapter ID]... [--skip-conformance]

On the built-in seattle-weather data (1461 days, 5 classes, snow 1.8%), trains every installed
adapter without a spec and with balanced class weights, prints one comparison table (balanced
accuracy = macro recall, macro F1, accuracy and the rare classes' recall), then the conformance
summary of the same adapters. Training uses a stratified 75% of the days (seed 42), testing the rest.

Options:
  --epochs N          epochs per training run (default 20)
  --adapter ID        limit to these adapters (repeatable; default: every installed one)
  --skip-conformance  leave out the conformance run
  -h, --help          show this help`;

/** The demo's spec: balanced class weights n / (C n_c), the usual first answer to class imbalance. */
export const DEMO_SPEC: WeightingSpec = parseWeightingSpec({
  specVersion: 1,
  loss: { kind: 'softmax_cross_entropy' },
  class: { strategy: 'balanced' },
});

/** Classes rarer than this share of the training rows get their own recall column. */
const RARE_CLASS_SHARE = 0.1;

interface DemoRow {
  readonly adapter: string;
  readonly spec: string;
  readonly report: ClassificationReport;
}

function demoTable(rows: readonly DemoRow[], rareClasses: readonly number[]): string {
  const score = (value: number | undefined) => (value === undefined ? '-' : value.toFixed(3));
  return formatTextTable(
    [
      { title: 'adapter' },
      { title: 'spec' },
      { title: 'balanced acc (macro recall)', align: 'right' },
      { title: 'macro F1', align: 'right' },
      { title: 'accuracy', align: 'right' },
      ...rareClasses.map((label) => ({ title: `recall ${SEATTLE_WEATHER_CLASSES[label]}`, align: 'right' as const })),
    ],
    rows.map((row) => [
      row.adapter,
      row.spec,
      score(row.report.balancedAccuracy),
      score(row.report.macroAvg.f1),
      score(row.report.accuracy),
      ...rareClasses.map((label) => score(row.report.perClass[label]?.recall)),
    ]),
  );
}

async function chooseAdapters(io: CliIo, requested: readonly string[]): Promise<string[]> {
  if (requested.length > 0) return [...requested];
  const { installed, missing } = await probeInstalledAdapters();
  for (const error of missing) io.stderr.write(`skipping an adapter: ${error.message}\n`);
  return installed;
}

/** `weightspec demo`: the README's first command; unweighted vs balanced on seattle-weather, every adapter. */
export const demoCommand: CliCommand = {
  name: 'demo',
  summary: 'seattle-weather: every installed adapter, unweighted vs balanced, plus conformance',
  help,
  options: {
    epochs: { type: 'string' },
    adapter: { type: 'string', multiple: true },
    'skip-conformance': { type: 'boolean' },
  },
  async run(parsed, io) {
    expectPositionals('demo', parsed, 0);
    const epochs = numberOption('demo', parsed, 'epochs', 20, { minimum: 1, integer: true });
    const adapterNames = await chooseAdapters(io, stringListOption(parsed, 'adapter'));
    if (adapterNames.length === 0) {
      io.stderr.write(
        'error WS_MISSING_PEER: no weightspec adapter is installed. Install one, e.g.: npm install @weightspec/mljs\n',
      );
      return 1;
    }
    const dataset = await loadSeattleWeather();
    const split = splitAndStandardize(dataset, { trainFraction: 0.75, seed: 42 });
    const numClasses = SEATTLE_WEATHER_CLASSES.length;
    const stats = countClasses(split.trainLabels, numClasses);
    const counts = stats.kind === 'classes' ? stats.classCounts : [];
    const trainCount = split.trainLabels.length;
    const rareClasses = counts.flatMap((count, label) => (count / trainCount < RARE_CLASS_SHARE ? [label] : []));
    io.stdout.write(
      `seattle-weather: ${trainCount} training days, ${split.testLabels.length} test days; training classes: ${SEATTLE_WEATHER_CLASSES.map(
        (name, label) => `${name} ${formatPercent((counts[label] ?? 0) / trainCount)}`,
      ).join(', ')}\n`,
    );
    io.stdout.write(`spec: ${serializeWeightingSpec(DEMO_SPEC, { indent: 0 })}\n\n`);
    const request = {
      features: split.trainFeatures,
      labels: split.trainLabels,
      numClasses,
      epochs,
      batchSize: 32,
      seed: 7,
      hiddenUnits: [],
    };
    const test = { features: split.testFeatures, labels: split.testLabels, sampleWeights: null, difficulty: null };
    const rows: DemoRow[] = [];
    for (const name of adapterNames) {
      const trainer = await loadClassifierTrainer(name, { backend: 'cpu' });
      for (const [label, spec] of [
        ['none', null],
        ['balanced', DEMO_SPEC],
      ] as const) {
        const run = await trainAndEvaluate(trainer, { ...request, spec }, test, io, `${trainer.id} ${label.padEnd(8)}`);
        run.classifier.dispose?.();
        rows.push({ adapter: trainer.id, spec: label, report: run.report });
      }
    }
    io.stdout.write(`${demoTable(rows, rareClasses)}\n`);
    if (flagOption(parsed, 'skip-conformance')) return 0;
    const adapters: WeightingAdapter[] = [];
    for (const name of adapterNames) adapters.push(await loadWeightingAdapter(name, { backend: 'cpu' }));
    const report = await runConformanceWithProgress(io, adapters, [defaultVectorDirectory()]);
    io.stdout.write(`\nconformance (${report.vectorCount} vectors; details: weightspec conformance):\n`);
    for (const adapterId of report.adapters) {
      const results = report.results.filter((result) => result.adapterId === adapterId);
      const count = (status: string) => results.filter((result) => result.status === status).length;
      io.stdout.write(
        `  ${adapterId}: ${count('pass')} passed, ${count('fail')} failed, ${count('skip')} skipped (declared unsupported)\n`,
      );
    }
    for (const problem of report.problems) io.stdout.write(`  malformed vector: ${problem.message}\n`);
    return report.failed > 0 ? 1 : 0;
  },
};
