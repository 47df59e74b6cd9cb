import { readdirSync, readFileSync } from 'node:fs';
import type * as OnnxRuntimeNode from 'onnxruntime-node';
import type * as OnnxRuntimeWeb from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import type { OnnxRuntimeLike } from './onnx-fine-tuner-types.ts';
import { loadOnnxRuntime, nodeBuiltinModule } from './onnx-runtime-loader.ts';
import type { OnnxRuntimeModule } from './onnx-runtime-loader.ts';

// The package's own runtime types (its .d.ts import no runtime): both runtimes, as imported, must be
// assignable to them. The typecheck (tsc --noEmit) fails here if a runtime's types drift away.
export const acceptsBothRuntimes = (
  runtime: typeof OnnxRuntimeNode | typeof OnnxRuntimeWeb,
): [OnnxRuntimeModule, OnnxRuntimeLike] => [runtime, runtime];

describe('the runtime types', () => {
  it('come from no runtime package: no source file imports onnxruntime-* (the .d.ts would, TS2307 without it)', () => {
    const directory = new URL('./', import.meta.url);
    const importing = readdirSync(directory)
      // Published sources only: tests and test- pages are left out of the build and the package.
      .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts') && !file.startsWith('test-'))
      .filter((file) =>
        /^(?:import|export)\b[^;]*?from\s*['"]onnxruntime-|import\(\s*['"]onnxruntime-/m.test(
          readFileSync(new URL(file, directory), 'utf8'),
        ),
      );
    expect(importing).toEqual([]);
  });
});

describe('loadOnnxRuntime', () => {
  it('maps a missing onnxruntime-node to WS_MISSING_PEER with the install command', async () => {
    const missing = () =>
      Promise.reject(Object.assign(new Error("Cannot find module 'onnxruntime-node'"), { code: 'MODULE_NOT_FOUND' }));
    await expect(loadOnnxRuntime(missing)).rejects.toMatchObject({
      code: 'WS_MISSING_PEER',
      packageName: 'onnxruntime-node',
      message: expect.stringContaining('npm install onnxruntime-node'),
    });
  });

  it('passes other errors through', async () => {
    await expect(loadOnnxRuntime(() => Promise.reject(new TypeError('bad binary')))).rejects.toThrow(TypeError);
  });
});

describe('nodeBuiltinModule', () => {
  it('returns the Node built-in itself under Node', async () => {
    const path = nodeBuiltinModule('node:path', 'save()', 'unused') as typeof import('node:path');
    expect(path.join).toBe((await import('node:path')).join);
  });

  it('outside Node (no process.getBuiltinModule) throws WS_UNSUPPORTED_FEATURE naming what needs Node and what to do', () => {
    const original = process.getBuiltinModule;
    Object.defineProperty(process, 'getBuiltinModule', { value: undefined, configurable: true, writable: true });
    try {
      expect(() => nodeBuiltinModule('node:fs/promises', 'save()', 'write the model yourself')).toThrow(
        expect.objectContaining({
          code: 'WS_UNSUPPORTED_FEATURE',
          message: expect.stringMatching(/save\(\).*node:fs\/promises.*write the model yourself/),
        }),
      );
    } finally {
      Object.defineProperty(process, 'getBuiltinModule', { value: original, configurable: true, writable: true });
    }
  });
});
