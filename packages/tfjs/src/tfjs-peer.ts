import { MissingPeerError } from '@weightspec/core';
import type * as TensorFlow from '@tensorflow/tfjs';

/** The `@tensorflow/tfjs` namespace (a peer dependency; pass your own to share one instance). */
export type Tfjs = typeof TensorFlow;

/** Backends this adapter supports in Node and in the browser. */
export type TfjsBackendName = 'cpu' | 'wasm';

function isModuleNotFound(error: unknown): boolean {
  const code = (error as { code?: string })?.code;
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
}

const isNode = typeof process !== 'undefined' && Boolean(process.versions?.node);

/**
 * Loads a package: in Node through `require`, which takes the CommonJS build tfjs ships for Node (its
 * ESM build imports `long` in a way some ESM loaders, vitest's among them, cannot interop); in a
 * browser through `import()`.
 */
async function loadPackage(name: '@tensorflow/tfjs' | '@tensorflow/tfjs-backend-wasm'): Promise<unknown> {
  // node:module is imported only in Node, so browser bundles of this package never see it.
  if (isNode) return (await import('node:module')).createRequire(import.meta.url)(name);
  return name === '@tensorflow/tfjs' ? import('@tensorflow/tfjs') : import('@tensorflow/tfjs-backend-wasm');
}

/** Imports `@tensorflow/tfjs` lazily; a missing install is a MissingPeerError naming the package. */
export async function loadTfjs(
  importer: () => Promise<unknown> = () => loadPackage('@tensorflow/tfjs'),
): Promise<Tfjs> {
  try {
    return (await importer()) as Tfjs;
  } catch (error) {
    if (isModuleNotFound(error)) throw new MissingPeerError('@tensorflow/tfjs', '@weightspec/tfjs', { cause: error });
    throw error;
  }
}

/**
 * Switches tfjs to `backend` and waits until it is ready. For wasm in Node, the .wasm binaries are
 * loaded from the installed `@tensorflow/tfjs-backend-wasm` package on disk (set `wasmPaths` in a
 * browser to where you serve them).
 */
export async function useTfjsBackend(
  tf: Tfjs,
  backend: TfjsBackendName,
  options: { wasmPaths?: string; importWasm?: () => Promise<unknown> } = {},
): Promise<void> {
  if (backend === 'wasm') {
    let wasm: typeof import('@tensorflow/tfjs-backend-wasm');
    try {
      wasm = (await (options.importWasm ?? (() => loadPackage('@tensorflow/tfjs-backend-wasm')))()) as typeof wasm;
    } catch (error) {
      if (isModuleNotFound(error))
        throw new MissingPeerError('@tensorflow/tfjs-backend-wasm', 'the tfjs wasm backend', { cause: error });
      throw error;
    }
    let wasmPaths = options.wasmPaths;
    if (wasmPaths === undefined && isNode) {
      const { createRequire } = await import('node:module');
      const { dirname, join } = await import('node:path');
      wasmPaths = `${join(dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist')}/`;
    }
    if (wasmPaths !== undefined && tf.findBackend('wasm') === null) wasm.setWasmPaths(wasmPaths);
  }
  const ok = await tf.setBackend(backend);
  if (!ok)
    throw new MissingPeerError(
      backend === 'wasm' ? '@tensorflow/tfjs-backend-wasm' : '@tensorflow/tfjs',
      `the tfjs ${backend} backend`,
    );
  await tf.ready();
}
