import { readFileSync } from 'node:fs';
import * as ortWeb from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { createOnnxFineTuner } from './onnx-fine-tuner.ts';
import { withFixtureInitializers } from './test-fine-tune-fixture-model.ts';

/** Every module the fine-tuner loads statically (relative `import`/`export ... from`, type-only skipped). */
/** The parameters after PyTorch's steps (the fixture's `after`): each element within 1e-4 of the tensor's largest magnitude. */
function expectParametersNear(parameters: Map<string, Float32Array>, after: Record<string, number[]>): void {
  for (const [name, expected] of Object.entries(after)) {
    const scale = Math.max(...expected.map(Math.abs));
    const actual = parameters.get(name) as Float32Array;
    expected.forEach((value, index) => {
      expect(Math.abs((actual[index] as number) - value), `${name}[${index}]`).toBeLessThanOrEqual(1e-4 * scale);
    });
  }
}

function staticImports(entry: URL): Set<string> {
  const seen = new Set<string>();
  const specifiers = new Set<string>();
  const visit = (url: URL) => {
    if (seen.has(url.href)) return;
    seen.add(url.href);
    const source = readFileSync(url, 'utf8');
    for (const match of source.matchAll(/^(?:import|export)(?!\s+type\b)[^;]*?from\s+'([^']+)'/gms)) {
      const specifier = match[1] as string;
      specifiers.add(specifier);
      if (specifier.startsWith('.')) visit(new URL(specifier, url));
      // The in-repo core resolves to its source; it must stay browser-safe too.
      if (specifier === '@weightspec/core') visit(new URL('../../core/src/index.ts', import.meta.url));
    }
  };
  visit(entry);
  return specifiers;
}

describe('the fine-tuner with onnxruntime-web (wasm)', () => {
  it('loads no node: module and no onnxruntime-node on its static import path', () => {
    const specifiers = [...staticImports(new URL('./onnx-fine-tuner.ts', import.meta.url))];
    expect(specifiers.filter((specifier) => specifier.startsWith('node:') || specifier === 'onnxruntime-node')).toEqual(
      [],
    );
    expect(specifiers).toContain('./onnx-graph-builder.ts');
  });

  it('reproduces PyTorch after 3 SGD steps when onnxruntime-web is injected', async () => {
    ortWeb.env.wasm.numThreads = 1;
    const fixture = JSON.parse(
      readFileSync(new URL('../test-fixtures/finetune/mlp-batchnorm-dropout.json', import.meta.url), 'utf8'),
    );
    const exported = readFileSync(new URL('../test-fixtures/finetune/mlp-batchnorm-dropout.onnx', import.meta.url));
    const tuner = await createOnnxFineTuner({
      model: withFixtureInitializers(exported, fixture.initial),
      spec: fixture.spec,
      optimizer: { kind: 'sgd', momentum: fixture.sgd.optimizer.momentum },
      learningRate: fixture.sgd.optimizer.learningRate,
      ort: ortWeb,
    });
    for (let step = 0; step < 3; step += 1)
      await tuner.step({
        features: fixture.features,
        targets: fixture.labels,
        sampleWeights: fixture.sampleWeights,
        dropoutMasks: [Float32Array.from(fixture.dropoutMasks[step])],
      });
    expectParametersNear(tuner.parameters(), fixture.sgd.after);
    await tuner.release();
  });

  // The CNN step graph uses ops the MLP's does not (SpaceToDepth, CumSum, DepthToSpace, strided Slice,
  // batched MatMul, ConvTranspose): the wasm build must run them and agree with PyTorch too.
  it('reproduces PyTorch on the LeNet-style CNN after 3 Adam steps', async () => {
    ortWeb.env.wasm.numThreads = 1;
    const fixture = JSON.parse(readFileSync(new URL('../test-fixtures/finetune/lenet.json', import.meta.url), 'utf8'));
    const exported = readFileSync(new URL('../test-fixtures/finetune/lenet.onnx', import.meta.url));
    const tuner = await createOnnxFineTuner({
      model: withFixtureInitializers(exported, fixture.initial),
      spec: fixture.spec,
      optimizer: { kind: 'adam' },
      learningRate: fixture.adam.optimizer.learningRate,
      frozen: fixture.frozen,
      ort: ortWeb,
    });
    for (let step = 0; step < 3; step += 1)
      await tuner.step({ features: fixture.features, targets: fixture.labels, sampleWeights: fixture.sampleWeights });
    expectParametersNear(tuner.parameters(), fixture.adam.after);
    await tuner.release();
  });
});
