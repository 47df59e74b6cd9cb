import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { countClasses, resolveWeighting, sampleWeightStatistics, serializeWeightingSpec } from '@weightspec/core';
import type { WeightingSpec } from '@weightspec/core';
import { loadClassifierTrainer } from './adapter-loader.ts';
import type { AdapterLoadOptions } from './adapter-loader.ts';
import { expectPositionals, flagOption, numberOption, requiredStringOption, stringOption } from './cli-arguments.ts';
import type { CliCommand, CliIo } from './cli-io.ts';
import { collectGarbageIfExposed } from './collect-garbage.ts';
import { CliUsageError } from './cli-usage-error.ts';
import { formatPerClassComparison, formatSummaryComparison } from './classification-summary.ts';
import { trainAndEvaluate } from './classifier-evaluation.ts';
import type { EvaluatedClassifier } from './classifier-evaluation.ts';
import { splitDataset, standardizeParts } from './dataset-split.ts';
import type { DatasetSplit } from './dataset-split.ts';
import { checkOutputFolder, writeFolderAtomically } from './output-files.ts';
import { readSpecFile } from './spec-file.ts';
import { loadTabularDataset } from './tabular-dataset.ts';
import type { TabularColumns, TabularDataset } from './tabular-dataset.ts';
import { formatPercent } from './text-table.ts';

const help = `Usage: weightspec train --adapter tfjs|mljs|onnx|./module.js --data SOURCE --label COLUMN --spec FILE [options]

Trains a classifier with the spec and, for comparison, the same model without it; prints a
progress bar with the loss per epoch (stderr), a per-class precision/recall/F1 table and balanced
accuracy. With --out, saves the model (DIR/model) and the resolved spec (DIR/weightspec.resolved.json).

SOURCE is builtin:seattle-weather, a CSV file or an Arrow IPC file (.arrow). Numeric columns other
than the label are features unless --features lists them; features are standardized with the
training rows' mean and deviation (saved in the resolved spec).

Options:
  --adapter ID           tfjs, mljs, onnx, or a module exporting createClassifierTrainer(); a module
                         path (./my-adapter.js) is imported and RUNS with your permissions: pass
                         only code you trust
  --backend cpu|wasm     tfjs backend (default cpu)
  --data SOURCE          training data
  --label COLUMN         label column (builtin:seattle-weather: weather)
  --spec FILE            weighting spec (JSON or JSONC)
  --features A,B,...     feature columns (default: every numeric column)
  --sample-weight COLUMN per-sample weights for the spec's sample block
  --difficulty COLUMN    per-sample difficulty for curriculum.difficulty: provided
  --classes A,B,...      fix the class order
  --test-data SOURCE     test set (default: split --test-fraction off the data)
  --test-fraction F      share of rows held out for testing (default 0.25; 0 = score on training rows)
  --epochs N             (default 20)
  --batch-size N         (default 32)
  --learning-rate R      (default: the adapter's)
  --hidden N,N,...       hidden layer sizes for MLP adapters (default: the adapter's; 0 = linear)
  --seed N               seeds the split and the trainer (default 42)
  --out DIR              save the model and the resolved spec (checked before training: not an
                         input, writable; written to a staging folder and swapped in whole)
  --force                replace an earlier --out folder (only one train wrote; never an input)
  --skip-baseline        do not train the comparison model without the spec
  --json                 print the metrics as JSON instead of tables
  -h, --help             show this help`;

const options = {
  adapter: { type: 'string' },
  backend: { type: 'string' },
  data: { type: 'string' },
  label: { type: 'string' },
  spec: { type: 'string' },
  features: { type: 'string' },
  'sample-weight': { type: 'string' },
  difficulty: { type: 'string' },
  classes: { type: 'string' },
  'test-data': { type: 'string' },
  'test-fraction': { type: 'string' },
  epochs: { type: 'string' },
  'batch-size': { type: 'string' },
  'learning-rate': { type: 'string' },
  hidden: { type: 'string' },
  seed: { type: 'string' },
  out: { type: 'string' },
  force: { type: 'boolean' },
  'skip-baseline': { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

/** Reads `--backend`; only cpu and wasm exist. */
export function backendOption(command: string, value: string | undefined): AdapterLoadOptions {
  if (value === undefined) return { backend: 'cpu' };
  if (value !== 'cpu' && value !== 'wasm')
    throw new CliUsageError(`--backend must be cpu or wasm, got "${value}"`, command);
  return { backend: value };
}

const listOption = (value: string | undefined) =>
  value
    ?.split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');

async function loadSplit(
  dataset: TabularDataset,
  values: { testData?: string; testFraction: number; seed: number; columns: TabularColumns },
): Promise<DatasetSplit> {
  if (values.testData === undefined) return splitDataset(dataset, values.testFraction, values.seed);
  const test = await loadTabularDataset(values.testData, {
    ...values.columns,
    featureColumns: dataset.featureNames,
    classes: dataset.classNames,
  });
  return standardizeParts(dataset, test);
}

function writeReport(
  io: CliIo,
  dataset: TabularDataset,
  split: DatasetSplit,
  spec: WeightingSpec,
  weighted: EvaluatedClassifier,
  baseline: EvaluatedClassifier | null,
): void {
  io.stdout.write(
    `\nper-class scores on ${split.test.labels.length} test rows (model trained with the spec${baseline ? '; no-spec model for comparison' : ''}):\n`,
  );
  io.stdout.write(`${formatPerClassComparison(dataset.classNames, weighted.report, baseline?.report ?? null)}\n\n`);
  io.stdout.write(`${formatSummaryComparison(weighted.report, baseline?.report ?? null)}\n`);
  if (spec.class) io.stdout.write(`class strategy: ${spec.class.strategy}\n`);
}

/** `weightspec train`: trains with any adapter, with and without the spec, and compares. */
export const trainCommand: CliCommand = {
  name: 'train',
  summary: 'train with an adapter, report per-class scores vs. the same model without the spec',
  help,
  options,
  async run(parsed, io) {
    expectPositionals('train', parsed, 0);
    const adapterName = requiredStringOption('train', parsed, 'adapter');
    const source = requiredStringOption('train', parsed, 'data');
    const specPath = requiredStringOption('train', parsed, 'spec');
    const epochs = numberOption('train', parsed, 'epochs', 20, { minimum: 1, integer: true });
    const batchSize = numberOption('train', parsed, 'batch-size', 32, { minimum: 1, integer: true });
    const seed = numberOption('train', parsed, 'seed', 42, { minimum: 0, integer: true });
    const testFraction = numberOption('train', parsed, 'test-fraction', 0.25, { minimum: 0, maximum: 0.9 });
    const learningRateText = stringOption(parsed, 'learning-rate');
    const learningRate =
      learningRateText === undefined
        ? undefined
        : numberOption('train', parsed, 'learning-rate', 0, { minimum: Number.MIN_VALUE });
    const hidden = listOption(stringOption(parsed, 'hidden'))?.map((size) => {
      const units = Number(size);
      if (!Number.isInteger(units) || units < 0)
        throw new CliUsageError(`--hidden takes layer sizes such as 16,8; got "${size}"`, 'train');
      return units;
    });
    const hiddenUnits = hidden?.filter((units) => units > 0);
    const outDirectory = stringOption(parsed, 'out');
    // Checked before anything is trained: --out is not an input, holds only an earlier output, is writable.
    if (outDirectory !== undefined)
      await checkOutputFolder(outDirectory, flagOption(parsed, 'force'), [
        { option: '--data', path: source },
        { option: '--test-data', path: stringOption(parsed, 'test-data') },
        { option: '--spec', path: specPath },
        {
          option: '--adapter',
          path: adapterName.startsWith('.') || adapterName.startsWith('/') ? adapterName : undefined,
        },
      ]);
    const backend = backendOption('train', stringOption(parsed, 'backend'));

    const { spec } = await readSpecFile(specPath);
    const trainer = await loadClassifierTrainer(adapterName, backend);
    const columns = {
      labelColumn: stringOption(parsed, 'label') ?? (source === 'builtin:seattle-weather' ? 'weather' : undefined),
      featureColumns: listOption(stringOption(parsed, 'features')),
      sampleWeightColumn: stringOption(parsed, 'sample-weight'),
      difficultyColumn: stringOption(parsed, 'difficulty'),
      classes: listOption(stringOption(parsed, 'classes')),
    };
    const dataset = await loadTabularDataset(source, columns);
    if (dataset.skippedColumns.length > 0)
      io.stderr.write(`note: not numeric, left out of the features: ${dataset.skippedColumns.join(', ')}\n`);
    const split = await loadSplit(dataset, {
      testData: stringOption(parsed, 'test-data'),
      testFraction,
      seed,
      columns,
    });
    collectGarbageIfExposed();
    const numClasses = dataset.classNames.length;
    const trainCounts = countClasses(split.train.labels, numClasses);
    if (trainCounts.kind === 'classes')
      io.stderr.write(
        `${dataset.name}: ${split.train.labels.length} training rows, ${split.test.labels.length} test rows; training classes: ${dataset.classNames
          .map(
            (name, index) =>
              `${name} ${formatPercent((trainCounts.classCounts[index] ?? 0) / split.train.labels.length)}`,
          )
          .join(', ')}\n`,
      );
    const request = {
      features: split.train.features,
      labels: split.train.labels,
      numClasses,
      epochs,
      batchSize,
      seed,
      ...(learningRate === undefined ? {} : { learningRate }),
      ...(hiddenUnits === undefined ? {} : { hiddenUnits }),
    };
    const baseline = flagOption(parsed, 'skip-baseline')
      ? null
      : await trainAndEvaluate(trainer, { ...request, spec: null }, split.test, io, `${trainer.id} no spec  `);
    const weighted = await trainAndEvaluate(
      trainer,
      { ...request, spec, sampleWeights: split.train.sampleWeights, difficulty: split.train.difficulty },
      split.test,
      io,
      `${trainer.id} with spec`,
    );
    if (flagOption(parsed, 'json'))
      io.stdout.write(
        `${JSON.stringify({ adapter: trainer.id, classNames: dataset.classNames, withSpec: weighted.report, withoutSpec: baseline?.report ?? null }, null, 2)}\n`,
      );
    else writeReport(io, dataset, split, spec, weighted, baseline);

    if (outDirectory !== undefined) {
      const resolved = resolveWeighting(spec, {
        stats: trainCounts,
        numClasses,
        sampleWeights: split.train.sampleWeights ? sampleWeightStatistics(split.train.sampleWeights) : null,
      });
      const record = {
        spec: JSON.parse(serializeWeightingSpec(spec)) as unknown,
        resolved,
        adapter: trainer.id,
        data: {
          source,
          classNames: dataset.classNames,
          featureNames: dataset.featureNames,
          trainRows: split.train.labels.length,
          testRows: split.test.labels.length,
        },
        standardization: { means: split.means, deviations: split.deviations },
        training: {
          epochs,
          batchSize,
          seed,
          learningRate: learningRate ?? null,
          hiddenUnits: hiddenUnits ?? null,
          finalLoss: weighted.finalLoss,
        },
        metrics: { withSpec: weighted.report, withoutSpec: baseline?.report ?? null },
      };
      let modelFiles: string[] = [];
      await writeFolderAtomically(outDirectory, async (staging) => {
        modelFiles = await weighted.classifier.save(join(staging, 'model'));
        await writeFile(join(staging, 'weightspec.resolved.json'), `${JSON.stringify(record, null, 2)}\n`, 'utf8');
      });
      io.stderr.write(
        `saved ${modelFiles.length} model file(s) to ${join(outDirectory, 'model')} and the resolved spec to ${join(outDirectory, 'weightspec.resolved.json')}\n`,
      );
    } else io.stderr.write('model not saved (pass --out DIR to keep it)\n');
    weighted.classifier.dispose?.();
    baseline?.classifier.dispose?.();
    return 0;
  },
};
