import { extname, resolve } from 'node:path';
import type { WeightingSpec } from '@weightspec/core';
import { createRowWeightGenerator, generatedWeightHelp, generatedWeightOptions } from './generated-sample-weights.ts';
import { expectPositionals, flagOption, requiredStringOption, stringOption } from './cli-arguments.ts';
import type { CliCommand, CliIo } from './cli-io.ts';
import { CliUsageError } from './cli-usage-error.ts';
import { checkOutputFile, writeAtomically } from './output-files.ts';
import { readSpecFile } from './spec-file.ts';
import { summarizeWeights, writeSampleWeights } from './streaming-weights.ts';
import type { WeightsFileFormat, WeightsSummary } from './streaming-weights.ts';
import { formatNumber, formatPercent, formatTextTable } from './text-table.ts';

const help = `Usage: weightspec weights --spec FILE --data FILE.csv --label COLUMN [options]

Reads the CSV in two streaming passes (memory stays bounded however many rows it has): the first
counts classes and sums sample weights and resolves the spec; the second writes one weight per row.
Prints the class statistics and the resolved class weights.

Per-sample weight = class weight of the row's label x sample weight x sample-weight scale
(the static part of the spec; adaptive rules and curriculum act during training).

Options:
  --spec FILE            weighting spec (JSON or JSONC)
  --data FILE            CSV file with a header row
  --label COLUMN         label column (class names or indices; 0/1 for sigmoid specs)
  --sample-weight COLUMN column of per-sample weights (>= 0)
${generatedWeightHelp}
  --classes A,B,...      fix the class order (default: integer labels as given, else names sorted)
  --out FILE             write per-sample weights (.csv: index,label,weight; .json: array)
  --format csv|json      format of --out (default: from its extension, else csv)
  --force                overwrite --out if it exists (never the --data or --spec file)
  --json                 print the summary as JSON instead of a table
  -h, --help             show this help`;

function summaryAsJson(spec: WeightingSpec, summary: WeightsSummary): unknown {
  return {
    rows: summary.rowCount,
    loss: spec.loss.kind,
    classes: summary.encoding?.classNames ?? null,
    classOrigin: summary.encoding?.origin ?? null,
    stats: summary.stats,
    resolved: summary.resolved,
    sampleWeightSum: summary.sampleWeightSum,
  };
}

function printSummary(io: CliIo, spec: WeightingSpec, summary: WeightsSummary, labelColumn: string | undefined): void {
  const { resolved, stats, encoding } = summary;
  io.stdout.write(
    `${summary.rowCount} rows; loss ${spec.loss.kind}; class strategy ${spec.class?.strategy ?? 'none (all 1)'}\n`,
  );
  if (stats?.kind === 'classes' && encoding) {
    const total = summary.rowCount;
    const rows = encoding.classNames.map((name, index) => [
      name,
      String(index),
      String(stats.classCounts[index] ?? 0),
      formatPercent(total === 0 ? 0 : (stats.classCounts[index] ?? 0) / total),
      formatNumber(resolved.classWeights?.[index] ?? 1, 6),
    ]);
    io.stdout.write(`classes of column "${labelColumn}" (${encoding.origin}):\n`);
    io.stdout.write(
      `${formatTextTable(
        [
          { title: 'class' },
          { title: 'index', align: 'right' },
          { title: 'count', align: 'right' },
          { title: 'share', align: 'right' },
          { title: 'weight', align: 'right' },
        ],
        rows,
      )}\n`,
    );
  } else if (stats?.kind === 'labels') {
    const rows = [
      ['positive (>= 0.5)', String(stats.positiveCounts[0]), formatNumber(resolved.positiveWeights?.[0] ?? 1, 6)],
      ['negative', String(stats.negativeCounts[0]), formatNumber(resolved.negativeWeights?.[0] ?? 1, 6)],
    ];
    io.stdout.write(
      `${formatTextTable([{ title: 'term' }, { title: 'count', align: 'right' }, { title: 'weight', align: 'right' }], rows)}\n`,
    );
  }
  if (summary.sampleWeightSum !== null) {
    const mean = summary.rowCount === 0 ? 0 : summary.sampleWeightSum / summary.rowCount;
    io.stdout.write(
      `sample weights: sum ${formatNumber(summary.sampleWeightSum, 6)}, mean ${formatNumber(mean, 6)}, scale ${formatNumber(resolved.sampleWeightScale, 6)} (normalize ${spec.sample?.normalize ?? 'none'})\n`,
    );
  }
  if (spec.class?.schedule)
    io.stderr.write(
      `note: class.schedule (${spec.class.schedule.kind}) scales class weights as c^alpha(t) during training; shown are the full weights (alpha = 1)\n`,
    );
  if ((spec.adaptive?.length ?? 0) > 0 || spec.curriculum || spec.elements)
    io.stderr.write(
      'note: adaptive rules, curriculum and element weights depend on the model or the outputs and apply during training, not in these static weights\n',
    );
}

function outputFormat(path: string, given: string | undefined): WeightsFileFormat {
  if (given === undefined) return extname(path).toLowerCase() === '.json' ? 'json' : 'csv';
  if (given !== 'csv' && given !== 'json')
    throw new CliUsageError(`--format must be csv or json, got "${given}"`, 'weights');
  return given;
}

/** `weightspec weights`: streams a CSV, prints class statistics and resolved weights, writes per-sample weights. */
export const weightsCommand: CliCommand = {
  name: 'weights',
  summary: 'resolve a spec on a CSV and write per-sample weights (streaming)',
  help,
  options: {
    spec: { type: 'string' },
    data: { type: 'string' },
    label: { type: 'string' },
    'sample-weight': { type: 'string' },
    classes: { type: 'string' },
    out: { type: 'string' },
    format: { type: 'string' },
    force: { type: 'boolean' },
    json: { type: 'boolean' },
    ...generatedWeightOptions,
  },
  async run(parsed, io) {
    expectPositionals('weights', parsed, 0);
    const specPath = requiredStringOption('weights', parsed, 'spec');
    const dataPath = requiredStringOption('weights', parsed, 'data');
    const labelColumn = stringOption(parsed, 'label');
    const outPath = stringOption(parsed, 'out');
    const format = outPath === undefined ? null : outputFormat(outPath, stringOption(parsed, 'format'));
    // Checked before the first pass: not an input (even with --force), not a directory, writable.
    if (outPath !== undefined)
      await checkOutputFile(outPath, flagOption(parsed, 'force'), [
        { option: '--data', path: dataPath },
        { option: '--spec', path: specPath },
      ]);
    const { spec } = await readSpecFile(specPath);
    const classes = stringOption(parsed, 'classes')
      ?.split(',')
      .map((name) => name.trim());
    const rowWeights = await createRowWeightGenerator(parsed, dataPath);
    if (rowWeights) io.stderr.write(`sample weights include ${rowWeights.description}\n`);
    const sampleWeightColumn = stringOption(parsed, 'sample-weight');
    const options = { dataPath, spec, labelColumn, sampleWeightColumn, classes, rowWeights };
    const summary = await summarizeWeights(options);
    if (flagOption(parsed, 'json')) io.stdout.write(`${JSON.stringify(summaryAsJson(spec, summary), null, 2)}\n`);
    else printSummary(io, spec, summary, labelColumn);
    if (outPath !== undefined && format !== null) {
      let written = 0;
      await writeAtomically(resolve(outPath), async (temporaryPath) => {
        written = await writeSampleWeights(options, summary, temporaryPath, format);
      });
      io.stderr.write(`wrote ${written} per-sample weights to ${outPath}\n`);
    }
    return 0;
  },
};
