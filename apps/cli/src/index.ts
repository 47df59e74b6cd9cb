// The CLI's building blocks, for tools that want to run a command in-process or reuse the readers.
export { runCli, CLI_COMMANDS } from './cli-main.ts';
export { processIo } from './cli-io.ts';
export type { CliIo, CliCommand } from './cli-io.ts';
export { CliUsageError } from './cli-usage-error.ts';
export {
  KNOWN_ADAPTERS,
  KNOWN_ADAPTER_IDS,
  loadClassifierTrainer,
  loadWeightingAdapter,
  mapAdapterImportError,
  probeInstalledAdapters,
} from './adapter-loader.ts';
export type { AdapterLoadOptions, KnownAdapterId, ModuleImporter } from './adapter-loader.ts';
export { parseJsonc } from './jsonc-document.ts';
export type { JsoncDocument, SourcePosition } from './jsonc-document.ts';
export { parseSpecText, readSpecFile } from './spec-file.ts';
export type { SpecFile } from './spec-file.ts';
export { STARTER_SPEC_TEXT } from './starter-spec.ts';
export { readCsvRecords } from './csv-record-reader.ts';
export type { CsvRecord } from './csv-record-reader.ts';
export { inferLabelEncoding, MAX_DISTINCT_LABELS } from './label-encoding.ts';
export type { LabelEncoding } from './label-encoding.ts';
export { summarizeWeights, staticSampleWeight, writeSampleWeights } from './streaming-weights.ts';
export type { StreamingWeightsOptions, WeightsSummary, WeightsFileFormat } from './streaming-weights.ts';
export { loadTabularDataset, BUILTIN_DATASETS } from './tabular-dataset.ts';
export type { TabularDataset, TabularColumns } from './tabular-dataset.ts';
export { splitDataset, standardizeParts } from './dataset-split.ts';
export type { DatasetSplit, DatasetPart } from './dataset-split.ts';
export { DEMO_SPEC } from './command-demo.ts';
