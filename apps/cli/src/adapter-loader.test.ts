import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { MissingPeerError, WeightspecError, hasErrorCode } from '@weightspec/core';
import {
  createProjectImporter,
  loadClassifierTrainer,
  loadWeightingAdapter,
  mapAdapterImportError,
  probeInstalledAdapters,
} from './adapter-loader.ts';
import type { ModuleImporter } from './adapter-loader.ts';
import { CliUsageError } from './cli-usage-error.ts';
import { temporaryFolder } from './test-cli-process.ts';

const folder = temporaryFolder('loader');
afterAll(() => folder.remove());

/** A real failure of Node's loader for `specifier`. */
async function importFailure(specifier: string): Promise<unknown> {
  try {
    await import(/* @vite-ignore */ specifier);
  } catch (error) {
    return error;
  }
  throw new Error(`${specifier} imported`);
}

describe('mapAdapterImportError', () => {
  it('maps a package that is not installed to MissingPeerError with the install command', async () => {
    const native = await importFailure('@weightspec/not-installed-anywhere');
    const mapped = mapAdapterImportError(native, '@weightspec/not-installed-anywhere', 'weightspec --adapter x');
    expect(MissingPeerError.isInstance(mapped)).toBe(true);
    expect((mapped as MissingPeerError).packageName).toBe('@weightspec/not-installed-anywhere');
    expect((mapped as Error).message).toContain('npm install @weightspec/not-installed-anywhere');
    expect((mapped as Error).cause).toBe(native);
  });

  it('maps a present package whose entry file is missing (not built) to MissingPeerError for that package', async () => {
    const native = await importFailure(pathToFileURL(join(folder.path, 'dist', 'index.js')).href);
    const mapped = mapAdapterImportError(native, '@weightspec/tfjs', 'weightspec --adapter tfjs');
    expect((mapped as MissingPeerError).packageName).toBe('@weightspec/tfjs');
    // Present but not built: say so, and do not advise installing what is already there.
    expect((mapped as Error).message).toContain(`its entry file ${join(folder.path, 'dist', 'index.js')} is missing`);
    expect((mapped as Error).message).not.toContain('Install it with');
  });

  it('for a package simply absent, gives the install command only (no "entry file is missing")', async () => {
    const native = await importFailure('@weightspec/absent-adapter');
    const mapped = mapAdapterImportError(native, '@weightspec/absent-adapter', 'weightspec --adapter x');
    expect((mapped as Error).message).not.toContain('entry file');
    expect((mapped as Error).message).toMatch(/Install it with: npm install @weightspec\/absent-adapter$/);
  });

  it('names the framework package when the adapter is installed but its own dependency is not', () => {
    // The message Node 20 gives when @weightspec/onnx (installed in the project `app`) imports a missing
    // onnxruntime-node; run from inside that project, the plain install command reaches it.
    const app = join(folder.path, 'app');
    mkdirSync(app, { recursive: true });
    writeFileSync(join(app, 'package.json'), '{}');
    const native = Object.assign(
      new Error(
        `Cannot find package 'onnxruntime-node' imported from ${join(app, 'node_modules/@weightspec/onnx/dist/index.js')}`,
      ),
      {
        code: 'ERR_MODULE_NOT_FOUND',
      },
    );
    const mapped = mapAdapterImportError(native, '@weightspec/onnx', 'weightspec --adapter onnx', app);
    expect((mapped as MissingPeerError).packageName).toBe('onnxruntime-node');
    expect((mapped as Error).message).toBe(
      '@weightspec/onnx needs the package "onnxruntime-node", which is not installed. Install it with: npm install onnxruntime-node',
    );
  });

  it("passes other errors through unchanged, including the adapter's own WeightspecErrors", () => {
    const syntax = new SyntaxError('Unexpected token');
    const own = new MissingPeerError('@tensorflow/tfjs-backend-wasm', '@weightspec/tfjs');
    expect(mapAdapterImportError(syntax, '@weightspec/tfjs', 'x')).toBe(syntax);
    expect(mapAdapterImportError(own, '@weightspec/tfjs', 'x')).toBe(own);
  });
});

describe('loading adapters', () => {
  const importing =
    (module: Record<string, unknown>): ModuleImporter =>
    async () =>
      module;

  it("calls the package's factory with the backend and awaits it", async () => {
    const seen: unknown[] = [];
    const trainer = { id: 'tfjs', train: async () => ({}) };
    const loaded = await loadClassifierTrainer(
      'tfjs',
      { backend: 'wasm' },
      importing({
        createTfjsClassifierTrainer: async (options: unknown) => {
          seen.push(options);
          return trainer;
        },
      }),
    );
    expect(loaded).toBe(trainer);
    expect(seen).toEqual([{ backend: 'wasm' }]);
  });

  it('reports a package without the expected factory as WS_UNSUPPORTED_FEATURE', async () => {
    const thrown = await loadWeightingAdapter('mljs', {}, importing({})).catch((error: unknown) => error);
    expect(hasErrorCode(thrown, 'WS_UNSUPPORTED_FEATURE')).toBe(true);
    expect((thrown as Error).message).toContain('createMljsWeightingAdapter');
  });

  it('turns a factory that returns {} or throws a plain error into one typed WS_INVALID_INPUT', async () => {
    const empty = await loadWeightingAdapter('mljs', {}, importing({ createMljsWeightingAdapter: () => ({}) })).catch(
      (error: unknown) => error,
    );
    expect(hasErrorCode(empty, 'WS_INVALID_INPUT')).toBe(true);
    expect((empty as Error).message).toMatch(/--adapter mljs.*computeWeightedLoss/);
    const throwing = await loadWeightingAdapter(
      'mljs',
      {},
      importing({
        createMljsWeightingAdapter: () => {
          throw new TypeError('boom');
        },
      }),
    ).catch((error: unknown) => error);
    expect(hasErrorCode(throwing, 'WS_INVALID_INPUT')).toBe(true);
    expect((throwing as Error).message).toContain('createMljsWeightingAdapter() failed: boom');
  });

  it('rejects unknown names as a usage error and gives reference only for conformance', async () => {
    await expect(loadClassifierTrainer('tensorflow')).rejects.toBeInstanceOf(CliUsageError);
    await expect(loadClassifierTrainer('reference')).rejects.toBeInstanceOf(CliUsageError);
    expect((await loadWeightingAdapter('reference')).id).toBe('reference');
  });

  it('loads a third-party adapter module by path through the generic factory name', async () => {
    const path = join(folder.path, 'custom-adapter.mjs');
    writeFileSync(
      path,
      'export function createWeightingAdapter() {\n' +
        "  return { id: 'custom', specVersions: [1], capabilities: { unsupported: {} }, computeWeightedLoss() {} };\n" +
        '}\n',
    );
    expect((await loadWeightingAdapter(path)).id).toBe('custom');
    const missing = await loadWeightingAdapter(join(folder.path, 'absent.mjs')).catch((error: unknown) => error);
    expect(hasErrorCode(missing, 'WS_INVALID_INPUT')).toBe(true);
  });

  it('takes an adapter from the current project before the one beside the CLI', async () => {
    // A project whose node_modules holds its own @weightspec/mljs (ES module entry via exports.import).
    const project = join(folder.path, 'project');
    const installed = join(project, 'node_modules', '@weightspec', 'mljs');
    mkdirSync(join(installed, 'dist'), { recursive: true });
    writeFileSync(join(project, 'package.json'), '{}');
    writeFileSync(
      join(installed, 'package.json'),
      JSON.stringify({ name: '@weightspec/mljs', type: 'module', exports: { '.': { import: './dist/index.js' } } }),
    );
    writeFileSync(
      join(installed, 'dist', 'index.js'),
      "export const createMljsClassifierTrainer = () => ({ id: 'mljs-from-project', train() {} });\n",
    );
    const trainer = await loadClassifierTrainer('mljs', {}, createProjectImporter(project));
    expect(trainer.id).toBe('mljs-from-project');
    // A project without it: Node's lookup beside the CLI (here the workspace's real package).
    const elsewhere = join(folder.path, 'elsewhere');
    mkdirSync(elsewhere);
    const fallback = await loadClassifierTrainer('mljs', {}, createProjectImporter(elsewhere));
    expect(fallback.id).toBe('mljs');
  });

  it('lists installed adapters and keeps the error of each missing one', async () => {
    const importer: ModuleImporter = async (specifier) => {
      if (specifier === '@weightspec/mljs') return { createMljsClassifierTrainer: () => ({}) };
      throw Object.assign(new Error(`Cannot find package '${specifier}' imported from /app/cli.js`), {
        code: 'ERR_MODULE_NOT_FOUND',
      });
    };
    const { installed, missing } = await probeInstalledAdapters(importer);
    expect(installed).toEqual(['mljs']);
    expect(missing.map((error) => (error as MissingPeerError).packageName)).toEqual([
      '@weightspec/tfjs',
      '@weightspec/onnx',
    ]);
    expect(missing.every((error) => WeightspecError.isInstance(error))).toBe(true);
  });
});
