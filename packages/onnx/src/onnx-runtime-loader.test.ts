import { describe, expect, it } from 'vitest';
import { loadOnnxRuntime } from './onnx-runtime-loader.ts';

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
