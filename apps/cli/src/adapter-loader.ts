import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  InvalidInputError,
  UnsupportedFeatureError,
  WeightspecError,
  createReferenceAdapter,
  describeValue,
} from '@weightspec/core';
import type { ClassifierTrainer, WeightingAdapter } from '@weightspec/core';
import { checkWeightingAdapter } from '@weightspec/conformance';
import { CliUsageError } from './cli-usage-error.ts';
import { CliMissingPeerError, UnbuiltPackageError, installFor } from './install-advice.ts';

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

/** The ES module entry a package.json declares for `import` (exports `import`/`node`/`default`, else main). */
function importEntry(target: unknown): string | undefined {
  if (typeof target === 'string') return target;
  if (target === null || typeof target !== 'object') return undefined;
  for (const condition of ['import', 'node', 'default']) {
    const found = importEntry((target as Record<string, unknown>)[condition]);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * The entry file of `packageName` as installed for the project at `projectDirectory`: the first
 * `node_modules/<packageName>` found from there upwards, as Node's ES module lookup does (NODE_PATH
 * and global folders play no part). Undefined when it is not installed there.
 */
function resolveInProject(packageName: string, projectDirectory: string): string | undefined {
  let directory = resolve(projectDirectory);
  let manifestPath = join(directory, 'node_modules', packageName, 'package.json');
  while (!existsSync(manifestPath)) {
    const parent = dirname(directory);
    if (parent === directory) return undefined;
    directory = parent;
    manifestPath = join(directory, 'node_modules', packageName, 'package.json');
  }
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { exports?: unknown; main?: unknown };
  const exportsField = manifest.exports as Record<string, unknown> | string | undefined;
  const rootExport = typeof exportsField === 'object' && exportsField !== null ? exportsField['.'] : exportsField;
  const entry = importEntry(rootExport) ?? (typeof manifest.main === 'string' ? manifest.main : 'index.js');
  return join(dirname(manifestPath), entry);
}

/**
 * The default importer: a package installed in the current project (`projectDirectory`) wins, so a
 * global CLI uses the project's adapters; otherwise Node's own lookup beside the CLI.
 */
export function createProjectImporter(projectDirectory: string = process.cwd()): ModuleImporter {
  return async (specifier) => {
    const bare = !specifier.startsWith('file:') && !specifier.startsWith('.') && !isAbsolute(specifier);
    const inProject = bare ? resolveInProject(specifier, projectDirectory) : undefined;
    const target = inProject === undefined ? specifier : pathToFileURL(inProject).href;
    return (await import(target)) as Record<string, unknown>;
  };
}

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

/** The package a file inside some `node_modules` belongs to (`@scope/name` or `name`). */
function packageOfFile(path: string): string | undefined {
  const parts = path.split(sep);
  const index = parts.lastIndexOf('node_modules');
  if (index < 0) return undefined;
  const first = parts[index + 1];
  if (first === undefined) return undefined;
  return first.startsWith('@') ? `${first}/${parts[index + 2] ?? ''}` : first;
}

/**
 * Maps a failed dynamic import to MissingPeerError: the adapter package itself absent (install command
 * that reaches this CLI: the current project first), a framework package it needs (installed beside
 * the adapter), or a package that is present but whose entry file is missing (not built: said so,
 * no install advice). Other errors pass through. `cwd` and `cliDirectory` are for tests.
 */
export function mapAdapterImportError(
  error: unknown,
  packageName: string,
  neededBy: string,
  cwd: string = process.cwd(),
  cliDirectory?: string,
): unknown {
  if (WeightspecError.isInstance(error)) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') return error;
  const message = String((error as Error).message);
  const missing = /Cannot find (?:package|module) '([^']+)'/.exec(message)?.[1];
  if (missing !== undefined && (isAbsolute(missing) || missing.startsWith('file:'))) {
    const file = missing.startsWith('file:') ? fileURLToPath(missing) : missing;
    const owner = packageOfFile(file) ?? packageName;
    return new UnbuiltPackageError(owner, owner === packageName ? neededBy : packageName, file, { cause: error });
  }
  const missingPackage = /^((?:@[^/]+\/)?[^/.][^/]*)/.exec(missing ?? '')?.[1];
  if (missingPackage && missingPackage !== packageName)
    return new CliMissingPeerError(missingPackage, packageName, installFor(missingPackage, error, cwd, cliDirectory), {
      cause: error,
    });
  return new CliMissingPeerError(packageName, neededBy, installFor(packageName, undefined, cwd, cliDirectory), {
    cause: error,
  });
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
  importer: ModuleImporter = createProjectImporter(),
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
  importer: ModuleImporter = createProjectImporter(),
): Promise<WeightingAdapter> {
  if (name === 'reference') return createReferenceAdapter();
  const target = adapterTarget(name);
  const factory = await loadFactory(target, target.weightingExport, importer);
  let adapter: unknown;
  try {
    adapter = await factory(options);
  } catch (error) {
    if (WeightspecError.isInstance(error)) throw error;
    throw new InvalidInputError(
      '--adapter',
      `${target.label}: ${target.weightingExport}() failed: ${(error as Error)?.message ?? String(error)}`,
      { cause: error },
    );
  }
  // `{}` or a half-built object from a third-party module is a one-line typed error, not a TypeError later.
  return checkWeightingAdapter(adapter, `--adapter ${target.label}`);
}

/**
 * Which shipped adapters can be imported here; each one that cannot comes with its WeightspecError
 * (MissingPeerError with the install command, or UnsupportedFeatureError for an outdated package).
 */
export async function probeInstalledAdapters(
  importer: ModuleImporter = createProjectImporter(),
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
