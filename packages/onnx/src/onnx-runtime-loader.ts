import { MissingPeerError, UnsupportedFeatureError } from '@weightspec/core';
import type { OnnxRuntimeLike } from './onnx-fine-tuner-types.ts';

/**
 * An ONNX Runtime namespace as loadOnnxRuntime returns it: what the trainers use (OnnxRuntimeLike) and
 * `env.versions`. A structural type, so the published typings import neither runtime; `onnxruntime-node`
 * and `onnxruntime-web` are both assignable to it.
 */
export interface OnnxRuntimeModule extends OnnxRuntimeLike {
  readonly env: { readonly versions: { readonly common: string; readonly node?: string; readonly web?: string } };
}

function isModuleNotFound(error: unknown): boolean {
  const code = (error as { code?: string })?.code;
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
}

/**
 * A Node built-in module looked up when it is needed (`process.getBuiltinModule`, Node >= 20.16), not
 * imported at load time: the package then bundles for the browser, where only these calls fail, with
 * UnsupportedFeatureError naming what needs Node (`feature`) and what to do instead (`instead`).
 */
export function nodeBuiltinModule(id: string, feature: string, instead: string): unknown {
  const processObject = (globalThis as { process?: { getBuiltinModule?: unknown } }).process;
  if (typeof processObject?.getBuiltinModule !== 'function')
    throw new UnsupportedFeatureError('onnx', feature, `it needs Node.js (${id}); ${instead}`);
  return (processObject.getBuiltinModule as (name: string) => unknown)(id);
}

/** Loads onnxruntime-node's CommonJS entry through `require`, relative to this package. */
async function requireOnnxRuntimeNode(): Promise<unknown> {
  const { createRequire } = nodeBuiltinModule(
    'node:module',
    'loading onnxruntime-node',
    'in a browser pass the runtime in: createOnnxTrainer({ ort }) with onnxruntime-web',
  ) as typeof import('node:module');
  return createRequire(import.meta.url)('onnxruntime-node');
}

/**
 * Loads onnxruntime-node lazily (its CommonJS entry, through `require`); a missing install is a
 * MissingPeerError with the install command. `importer` replaces the loader (tests, bundlers).
 */
export async function loadOnnxRuntime(
  importer: () => Promise<unknown> = requireOnnxRuntimeNode,
): Promise<OnnxRuntimeModule> {
  try {
    return (await importer()) as OnnxRuntimeModule;
  } catch (error) {
    if (isModuleNotFound(error)) throw new MissingPeerError('onnxruntime-node', '@weightspec/onnx', { cause: error });
    throw error;
  }
}
