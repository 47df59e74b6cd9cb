import { InvalidInputError } from '@weightspec/core';
import type { WeightingSpec } from '@weightspec/core';
import { groupedBarChart, lineChart } from '../charts/svg-charts.ts';
import { unweightedSpecOf } from '../training/training-messages.ts';
import type {
  TfjsBackendChoice,
  TrainingEngine,
  TrainingEvent,
  TrainingRequest,
  TrainingVariant,
} from '../training/training-messages.ts';
import { RUN_COLORS } from './chart-colors.ts';
import type { PreparedDataset } from './dataset-panel.ts';
import { element, positiveInteger } from './page-dom.ts';

/** What the training panel reads from the rest of the page when Train is pressed. */
export interface TrainingInputs {
  readonly spec: WeightingSpec | null;
  readonly specDocument: unknown;
  readonly prepared: PreparedDataset | null;
}

interface RunState {
  worker: Worker;
  losses: number[];
  runtime: string;
  done: Extract<TrainingEvent, { type: 'done' }> | null;
  failed: string | null;
}

const variants: readonly TrainingVariant[] = ['unweighted', 'weighted'];

/** Parses "16,8" into hidden layer sizes; "" or "0" is a linear model. */
export function parseHiddenUnits(text: string): number[] {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed === '0') return [];
  const sizes = trimmed.split(',').map((part) => Number(part.trim()));
  if (sizes.some((size) => !Number.isInteger(size) || size < 1 || size > 1024))
    throw new InvalidInputError(
      'hiddenUnits',
      `must be layer sizes from 1 to 1024 separated by commas, such as 16,8; got "${text}"`,
    );
  return sizes;
}

/** Wires Train and Stop: two workers (unweighted, weighted) train side by side; Stop terminates both. */
export function mountTrainingPanel(inputs: () => TrainingInputs): void {
  const trainButton = element<HTMLButtonElement>('train');
  const stopButton = element<HTMLButtonElement>('stop');
  const progress = element<HTMLProgressElement>('progress');
  const status = element('train-status');
  const charts = element('train-charts');
  const results = element<HTMLTableElement>('results');
  let runs: Map<TrainingVariant, RunState> | null = null;
  let epochs = 0;
  let classNames: readonly string[] = [];
  let engine: TrainingEngine = 'tfjs';

  const finish = (message: string) => {
    for (const run of runs?.values() ?? []) run.worker.terminate();
    trainButton.disabled = false;
    stopButton.disabled = true;
    status.textContent = message;
  };
  const render = () => {
    if (!runs) return;
    const all = [...runs.values()];
    const completed = all.reduce((sum, run) => sum + run.losses.length, 0);
    progress.value = completed / (epochs * all.length);
    charts.innerHTML = `<figure>${lineChart({
      title: 'training loss',
      testId: 'chart-loss',
      series: variants.map((variant) => ({
        name: variant,
        color: RUN_COLORS[variant],
        dashed: variant === 'unweighted',
        values: runs?.get(variant)?.losses ?? [],
      })),
      xCount: epochs,
      xLabel: 'epoch',
      yLabel: 'training loss',
    })}<figcaption>Mean training loss per epoch (${engine}). The weighted loss is the spec's own objective, so the two curves measure different things; compare recall below.</figcaption></figure>`;
    const unweighted = runs.get('unweighted')?.done;
    const weighted = runs.get('weighted')?.done;
    if (unweighted && weighted) {
      charts.innerHTML += `<figure>${groupedBarChart({
        title: 'per-class recall',
        testId: 'chart-recall',
        groups: classNames.map((name, index) => ({
          label: name,
          values: [unweighted.recall[index] ?? 0, weighted.recall[index] ?? 0],
        })),
        seriesNames: ['unweighted', 'weighted'],
        colors: [RUN_COLORS.unweighted, RUN_COLORS.weighted],
        yLabel: 'recall',
        yMaximum: 1,
      })}<figcaption>Recall of each class on the held-out test rows.</figcaption></figure>`;
      const row = (label: string, pick: (done: Extract<TrainingEvent, { type: 'done' }>) => string) =>
        `<tr><th>${label}</th><td>${pick(unweighted)}</td><td>${pick(weighted)}</td></tr>`;
      results.innerHTML = `<tr><th></th><th>unweighted</th><th>weighted</th></tr>${row('macro recall', (done) => done.macroRecall.toFixed(3))}${row('accuracy', (done) => done.accuracy.toFixed(3))}${row('seconds', (done) => done.seconds.toFixed(1))}`;
      results.dataset.macroRecallUnweighted = unweighted.macroRecall.toFixed(6);
      results.dataset.macroRecallWeighted = weighted.macroRecall.toFixed(6);
      finish(`Done: ${runs.get('weighted')?.runtime}.`);
    }
  };

  trainButton.addEventListener('click', () => {
    const { spec, specDocument, prepared } = inputs();
    if (!spec || !prepared) {
      status.textContent = !spec ? 'Fix the spec first.' : 'Load a dataset first.';
      return;
    }
    if (spec.loss.kind !== 'softmax_cross_entropy') {
      status.textContent = `The page trains softmax classifiers; this spec's loss is ${spec.loss.kind}.`;
      return;
    }
    let hiddenUnits: number[];
    try {
      hiddenUnits = parseHiddenUnits(element<HTMLInputElement>('hidden-units').value);
    } catch (error) {
      status.textContent = (error as Error).message;
      return;
    }
    engine = element<HTMLSelectElement>('engine').value as TrainingEngine;
    epochs = positiveInteger('epochs', 20);
    classNames = prepared.dataset.classNames;
    const learningRate = Number(element<HTMLInputElement>('learning-rate').value);
    const base = {
      engine,
      trainFeatures: prepared.trainFeatures,
      trainLabels: prepared.trainLabels,
      testFeatures: prepared.testFeatures,
      testLabels: prepared.testLabels,
      numClasses: classNames.length,
      epochs,
      batchSize: positiveInteger('batch-size', 64),
      learningRate: Number.isFinite(learningRate) && learningRate > 0 ? learningRate : 0.01,
      hiddenUnits,
      seed: 1,
      tfjsBackend: element<HTMLSelectElement>('tfjs-backend').value as TfjsBackendChoice,
    };
    results.innerHTML = '';
    delete results.dataset.macroRecallUnweighted;
    delete results.dataset.macroRecallWeighted;
    runs = new Map();
    const current = runs;
    for (const variant of variants) {
      const worker = new Worker(new URL('../training/training-worker.ts', import.meta.url), { type: 'module' });
      const run: RunState = { worker, losses: [], runtime: '', done: null, failed: null };
      current.set(variant, run);
      worker.onmessage = (message: MessageEvent<TrainingEvent>) => {
        if (runs !== current) return;
        const event = message.data;
        if (event.type === 'started') run.runtime = event.runtime;
        else if (event.type === 'epoch') {
          run.losses[event.epoch] = event.loss;
          status.textContent = `Training with ${run.runtime}: ${variant} epoch ${event.epoch + 1} of ${event.totalEpochs}…`;
        } else if (event.type === 'done') run.done = event;
        else {
          run.failed = `${event.code}: ${event.message}`;
          finish(`The ${variant} run failed: ${run.failed}`);
          return;
        }
        render();
      };
      worker.onerror = (error) => finish(`The ${variant} worker stopped: ${error.message}`);
      const request: TrainingRequest = {
        ...base,
        variant,
        specDocument: variant === 'weighted' ? specDocument : unweightedSpecOf(specDocument),
      };
      worker.postMessage(request);
    }
    trainButton.disabled = true;
    stopButton.disabled = false;
    progress.value = 0;
    status.textContent = `Starting ${engine}…`;
    render();
  });
  stopButton.addEventListener('click', () => {
    const reached = variants.map((variant) => `${variant} ${runs?.get(variant)?.losses.length ?? 0}`).join(', ');
    finish(`Stopped at epochs ${reached} of ${epochs}; the curves so far are kept, recall needs a finished run.`);
  });
}
