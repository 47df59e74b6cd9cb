import { resolve } from 'node:path';
import { defaultVectorDirectory, formatConformanceTable, runConformance } from '@weightspec/conformance';
import type { ConformanceReport } from '@weightspec/conformance';
import type { WeightingAdapter } from '@weightspec/core';
import { loadWeightingAdapter, probeInstalledAdapters } from './adapter-loader.ts';
import type { AdapterLoadOptions } from './adapter-loader.ts';
import { expectPositionals, flagOption, stringListOption, stringOption } from './cli-arguments.ts';
import type { CliCommand, CliIo } from './cli-io.ts';
import { CliUsageError } from './cli-usage-error.ts';
import { backendOption } from './command-train.ts';
import { createProgressDisplay } from './progress-display.ts';

const help = `Usage: weightspec conformance [--vectors DIR]... [--adapter ID]... [--json]

Runs the conformance vectors on adapters: each computes loss, weights and gradient with its own
framework and must match the expected values within tolerance (or declare the feature unsupported).
Exit code 1 when any case fails or a vector file is malformed.

Options:
  --vectors DIR       a folder of vector JSON files, searched recursively (repeatable;
                      default: the vectors shipped with @weightspec/conformance)
  --adapter ID        tfjs, mljs, onnx, reference (core's float64 oracle, to check your own
                      vectors) or a module exporting createWeightingAdapter() (repeatable;
                      default: every installed adapter). A module path (./my-adapter.js) is
                      imported and RUNS with your permissions: pass only code you trust
  --backend cpu|wasm  tfjs backend (default cpu)
  --json              print the full report as JSON
  -h, --help          show this help`;

/**
 * Loads the named adapters, or every installed shipped adapter when none is named. Throws the first
 * MissingPeerError (with its install command) when none is installed.
 */
export async function loadConformanceAdapters(
  names: readonly string[],
  options: AdapterLoadOptions,
): Promise<WeightingAdapter[]> {
  if (names.length > 0) {
    const adapters: WeightingAdapter[] = [];
    for (const name of names) adapters.push(await loadWeightingAdapter(name, options));
    return adapters;
  }
  const { installed, missing } = await probeInstalledAdapters();
  if (installed.length === 0) {
    if (missing[0]) throw missing[0];
    throw new CliUsageError('no adapter is installed', 'conformance');
  }
  const adapters: WeightingAdapter[] = [];
  for (const id of installed) adapters.push(await loadWeightingAdapter(id, options));
  return adapters;
}

/** Runs the suite with a progress bar on a terminal (nothing when piped). */
export async function runConformanceWithProgress(
  io: CliIo,
  adapters: readonly WeightingAdapter[],
  vectorDirectories: readonly string[],
): Promise<ConformanceReport> {
  const display = createProgressDisplay(io, 'conformance', false);
  try {
    return await runConformance({
      adapters,
      vectorDirectories,
      onProgress: (done, total) => display.update(done, total),
    });
  } finally {
    display.finish();
    for (const adapter of adapters) await adapter.dispose?.();
  }
}

/** `weightspec conformance`: runs the vectors (shipped or the user's) on adapters and prints a table. */
export const conformanceCommand: CliCommand = {
  name: 'conformance',
  summary: 'run the conformance vectors on adapters (exit 1 on a failure)',
  help,
  options: {
    vectors: { type: 'string', multiple: true },
    adapter: { type: 'string', multiple: true },
    backend: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run(parsed, io) {
    expectPositionals('conformance', parsed, 0);
    const vectorDirectories = stringListOption(parsed, 'vectors').map((directory) => resolve(directory));
    const adapters = await loadConformanceAdapters(
      stringListOption(parsed, 'adapter'),
      backendOption('conformance', stringOption(parsed, 'backend')),
    );
    const report = await runConformanceWithProgress(
      io,
      adapters,
      vectorDirectories.length > 0 ? vectorDirectories : [defaultVectorDirectory()],
    );
    io.stdout.write(
      flagOption(parsed, 'json') ? `${JSON.stringify(report, null, 2)}\n` : `${formatConformanceTable(report)}\n`,
    );
    return report.failed > 0 ? 1 : 0;
  },
};
