import { createRequire } from 'node:module';
import { MissingPeerError } from '@weightspec/core';
import type * as OnnxRuntime from 'onnxruntime-node';

/** The `onnxruntime-node` namespace (an optional peer; inject your own to share one instance). */
export type OnnxRuntimeModule = typeof OnnxRuntime;

function isModuleNotFound(error: unknown): boolean {
  const code = (error as { code?: string })?.code;
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
}

/**
 * Loads onnxruntime-node lazily (its CommonJS entry, through `require`); a missing install is a
 * MissingPeerError with the install command. `importer` replaces the loader (tests, bundlers).
 */
export async function loadOnnxRuntime(
  importer: () => Promise<unknown> = async () => createRequire(import.meta.url)('onnxruntime-node'),
): Promise<OnnxRuntimeModule> {
  try {
    return (await importer()) as OnnxRuntimeModule;
  } catch (error) {
    if (isModuleNotFound(error)) throw new MissingPeerError('onnxruntime-node', '@weightspec/onnx', { cause: error });
    throw error;
  }
}
