import { describe, expect, it } from 'vitest';
import { loadTfjs, useTfjsBackend } from './tfjs-peer.ts';

const notFound = () =>
  Promise.reject(Object.assign(new Error("Cannot find module '@tensorflow/tfjs'"), { code: 'ERR_MODULE_NOT_FOUND' }));

describe('peer loading', () => {
  it('maps a missing @tensorflow/tfjs to WS_MISSING_PEER with the install command', async () => {
    await expect(loadTfjs(notFound)).rejects.toMatchObject({
      code: 'WS_MISSING_PEER',
      packageName: '@tensorflow/tfjs',
      message: expect.stringContaining('npm install @tensorflow/tfjs'),
    });
  });

  it('maps a missing wasm backend to WS_MISSING_PEER naming @tensorflow/tfjs-backend-wasm', async () => {
    const tf = await loadTfjs();
    await expect(useTfjsBackend(tf, 'wasm', { importWasm: notFound })).rejects.toMatchObject({
      code: 'WS_MISSING_PEER',
      packageName: '@tensorflow/tfjs-backend-wasm',
    });
  });

  it('passes other loading errors through unchanged', async () => {
    await expect(loadTfjs(() => Promise.reject(new SyntaxError('broken build')))).rejects.toThrow(SyntaxError);
  });
});
