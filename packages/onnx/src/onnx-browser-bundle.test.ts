import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { describe, expect, it } from 'vitest';

describe('@weightspec/onnx in a browser bundle', () => {
  it('bundles for platform browser with no Node built-in left to resolve (onnxruntime-web is injected as ort)', async () => {
    // A consumer as in the README's browser use: the runtime is injected, so onnxruntime-node never loads.
    const consumer = [
      `import { createOnnxTrainer } from ${JSON.stringify(fileURLToPath(new URL('./index.ts', import.meta.url)))};`,
      'export const start = (ort) => createOnnxTrainer({ ort, inputSize: 2, numClasses: 2 });',
    ].join('\n');
    const result = await esbuild.build({
      stdin: { contents: consumer, resolveDir: fileURLToPath(new URL('.', import.meta.url)), loader: 'js' },
      bundle: true,
      platform: 'browser',
      format: 'esm',
      conditions: ['@weightspec/source'],
      write: false,
      logLevel: 'silent',
    });
    expect(result.errors).toEqual([]);
    const code = result.outputFiles[0]?.text ?? '';
    expect(code).toContain('createOnnxTrainer');
    expect(code).not.toMatch(/from ["']node:|require\(["']node:|import\(["']node:/);
  });
});
