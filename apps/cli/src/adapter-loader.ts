import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  InvalidInputError,
  MissingPeerError,
  UnsupportedFeatureError,
  WeightspecError,
  createReferenceAdapter,
  describeValue,
} from '@weightspec/core';
import type { ClassifierTrainer, WeightingAdapter } from '@weightspec/core';
import { CliUsageError } from './cli-usage-error.ts';

/** The adapters weightspec ships, each an optional package loaded only when asked for. */
export const KNOWN_ADAPTERS = Object.freeze({
  tfjs: {
    packageName: '@weightspec/tfjs',
    trainerExport: 'createTfjsClassifierTrainer',
    weightingExport: 'createTfjsWeightingAdapter',
  },
  mljs: {
    packageName: '@weightspec/mljs',
    trainerExport: 'createMljsClassifierTrainer',
    weightingExport: 'createMljsWeightingAdapter',
  },
  onnx: {
    packageName: '@weightspec/onnx',
    trainerExport: 'createOnnxClassifierTrainer',
    weightingExport: 'createOnnxWeightingAdapter',
  },
} as const);

/** Id of a shipped adapter: `tfjs`, `mljs` or `onnx`. */
export type KnownAdapterId = keyof typeof KNOWN_ADAPTERS;

/** Every shipped adapter id, in the order tables list them. */
export const KNOWN_ADAPTER_IDS: readonly KnownAdapterId[] = Object.freeze(
  Object.keys(KNOWN_ADAPTERS) as KnownAdapterId[],
);

/** Options passed to adapter factories; `backend` is read by tfjs only. */
export interface AdapterLoadOptions {
  readonly backend?: 'cpu' | 'wasm';
}

/** Loads a module by specifier; injectable so tests can supply real or synthetic import failures. */
export type ModuleImporter = (specifier: string) => Promise<Record<string, unknown>>;

const importModule: ModuleImporter = (specifier) => import(specifier) as Promise<Record<string, unknown>>;

interface AdapterModuleTarget {
  readonly label: string;
  /** True for a module file given by path (not an npm package). */
  readonly isPath: boolean;
  readonly specifier: string;
  readonly packageName: string;
  readonly trainerExport: string;
  readonly weightingExport: string;
}

/** True for `./x.js`, `../x.mjs`, `/abs/x.js` or any `*.js|mjs|cjs`: a third-party adapter module file. */
function isModulePath(name: string): boolean {
  return name.startsWith('./') || name.startsWith('../') || isAbsolute(name) || /\.[cm]?js$/.test(name);
}

/** Where an --adapter value points: a shipped adapter, or a module exporting the generic factory names. */
function adapterTarget(name: string): AdapterModuleTarget {
  if (Object.hasOwn(KNOWN_ADAPTERS, name)) {
    const known = KNOWN_ADAPTERS[name as KnownAdapterId];
    return { label: name, isPath: false, specifier: known.packageName, ...known };
  }
  if (isModulePath(name))
    return {
      label: name,
      isPath: true,
      specifier: pathToFileURL(resolve(name)).href,
      packageName: name,
      trainerExport: 'createClassifierTrainer',
      weightingExport: 'createWeightingAdapter',
    };
  throw new CliUsageError(
    `unknown adapter "${name}"; use ${KNOWN_ADAPTER_IDS.join(', ')}, or a module path such as ./my-adapter.js`,
  );
}

/**
 * Maps a failed dynamic import to MissingPeerError: the adapter package itself missing (or present but
 * not built: its entry file is missing), or a framework package it needs. Other errors pass through.
 */
export function mapAdapterImportError(error: unknown, packageName: string, neededBy: string): unknown {
  if (WeightspecError.isInstance(error)) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') return error;
  const message = String((error as Error).message);
  const missingPackage = /Cannot find (?:package|module) '((?:@[^/']+\/)?[^/'.][^/']*)'/.exec(message)?.[1];
  if (missingPackage && missingPackage !== packageName)
    return new MissingPeerError(missingPackage, packageName, { cause: error });
  return new MissingPeerError(packageName, neededBy, { cause: error });
}

async function loadFactory(
  target: AdapterModuleTarget,
  exportName: string,
  importer: ModuleImporter,
): Promise<(options: AdapterLoadOptions) => unknown> {
  if (target.isPath && !existsSync(resolve(target.label)))
    throw new InvalidInputError('--adapter', `cannot find the adapter module ${resolve(target.label)}`);
  let module: Record<string, unknown>;
  try {
    module = await importer(target.specifier);
  } catch (error) {
    const mapped = mapAdapterImportError(error, target.packageName, `weightspec --adapter ${target.label}`);
    // A module file that fails while loading (a syntax error, a throw at its top level) is the file's
    // problem, said in one line; the stack stays available with --debug through `cause`.
    if (target.isPath && !WeightspecError.isInstance(mapped))
      throw new InvalidInputError(
        '--adapter',
        `the adapter module ${target.label} failed to load: ${(error as Error)?.message ?? String(error)}`,
        { cause: error },
      );
    throw mapped;
  }
  const factory = module[exportName];
  if (typeof factory !== 'function')
    throw new UnsupportedFeatureError(
      target.label,
      exportName,
      `${target.packageName} does not export ${exportName}(); update it or use another adapter`,
    );
  return factory as (options: AdapterLoadOptions) => unknown;
}

/** Loads the training side of an adapter (`--adapter tfjs|mljs|onnx|./module.js`), importing it lazily. */
export async function loadClassifierTrainer(
  name: string,
  options: AdapterLoadOptions = {},
  importer: ModuleImporter = importModule,
): Promise<ClassifierTrainer> {
  if (name === 'reference')
    throw new CliUsageError('the reference adapter computes losses only and cannot train; use tfjs, mljs or onnx');
  const target = adapterTarget(name);
  const factory = await loadFactory(target, target.trainerExport, importer);
  let trainer: unknown;
  try {
    trainer = await factory(options);
  } catch (error) {
    if (WeightspecError.isInstance(error)) throw error;
    throw new InvalidInputError(
      '--adapter',
      `${target.label}: ${target.trainerExport}() failed: ${(error as Error)?.message ?? String(error)}`,
      { cause: error },
    );
  }
  if (typeof (trainer as Partial<ClassifierTrainer> | null)?.train !== 'function')
    throw new InvalidInputError(
      '--adapter',
      `${target.label}: ${target.trainerExport}() returned ${describeValue(trainer)} without a train() method`,
    );
  return trainer as ClassifierTrainer;
}

/** Loads the weighting side of an adapter for conformance runs; `reference` is core's float64 oracle. */
export async function loadWeightingAdapter(
  name: string,
  options: AdapterLoadOptions = {},
  importer: ModuleImporter = importModule,
): Promise<WeightingAdapter> {
  if (name === 'reference') return createReferenceAdapter();
  const target = adapterTarget(name);
  const factory = await loadFactory(target, target.weightingExport, importer);
  return (await factory(options)) as WeightingAdapter;
}

/**
 * Which shipped adapters can be imported here; each one that cannot comes with its WeightspecError
 * (MissingPeerError with the install command, or UnsupportedFeatureError for an outdated package).
 */
export async function probeInstalledAdapters(
  importer: ModuleImporter = importModule,
): Promise<{ installed: KnownAdapterId[]; missing: WeightspecError[] }> {
  const installed: KnownAdapterId[] = [];
  const missing: WeightspecError[] = [];
  for (const id of KNOWN_ADAPTER_IDS) {
    try {
      await loadFactory(adapterTarget(id), KNOWN_ADAPTERS[id].trainerExport, importer);
      installed.push(id);
    } catch (error) {
      if (WeightspecError.isInstance(error)) missing.push(error);
      else throw error;
    }
  }
  return { installed, missing };
}
