// The page script of onnx-fine-tuner-chromium.test.ts, bundled by esbuild for the browser: it fine-tunes
// a committed PyTorch fixture model with onnxruntime-web (wasm) and hands back what the test compares.
import * as ort from 'onnxruntime-web/wasm';
import { createOnnxFineTuner } from './onnx-fine-tuner.ts';
import { decodeOnnxModel } from './onnx-model-decoder.ts';
import { withFixtureInitializers } from './test-fine-tune-fixture-model.ts';

/** What the page reports for one fixture: the loss before each step and every initializer after the steps. */
export interface ChromiumFineTuneResult {
  readonly runtime: string;
  readonly losses: number[];
  readonly after: Record<string, number[]>;
}

/** The fields of a fixture (scripts/export-finetune-fixtures.py) the page reads. */
interface PageFixture {
  readonly model: string;
  readonly spec: unknown;
  readonly features: number[][];
  readonly labels: number[];
  readonly sampleWeights: number[];
  readonly dropoutMasks: number[][];
  readonly frozen: string[];
  readonly initial: Record<string, number[]>;
  readonly sgd: { optimizer: { momentum: number; learningRate: number } };
}

/** Fetches fixture `name` from the test's server and runs `steps` SGD steps on it, as the PyTorch script did. */
async function fineTuneFixture(name: string, steps: number): Promise<ChromiumFineTuneResult> {
  // One thread: no SharedArrayBuffer, so the page needs no cross-origin isolation headers.
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.wasmPaths = '/ort/';
  const fixture = (await (await fetch(`/fixtures/${name}.json`)).json()) as PageFixture;
  const exported = new Uint8Array(await (await fetch(`/fixtures/${fixture.model}`)).arrayBuffer());
  const tuner = await createOnnxFineTuner({
    model: withFixtureInitializers(exported, fixture.initial),
    spec: fixture.spec,
    optimizer: { kind: 'sgd', momentum: fixture.sgd.optimizer.momentum },
    learningRate: fixture.sgd.optimizer.learningRate,
    frozen: fixture.frozen,
    ort,
  });
  const losses: number[] = [];
  for (let step = 0; step < steps; step += 1) {
    const mask = fixture.dropoutMasks[step];
    losses.push(
      await tuner.step({
        features: fixture.features,
        targets: fixture.labels,
        sampleWeights: fixture.sampleWeights,
        ...(mask ? { dropoutMasks: [Float32Array.from(mask)] } : {}),
      }),
    );
  }
  const after: Record<string, number[]> = {};
  for (const tensor of decodeOnnxModel(tuner.exportModel()).initializers)
    if (tensor.data instanceof Float32Array) after[tensor.name] = Array.from(tensor.data);
  await tuner.release();
  return { runtime: `onnxruntime-web ${ort.env.versions.web ?? ''}`, losses, after };
}

(globalThis as { fineTuneFixture?: typeof fineTuneFixture }).fineTuneFixture = fineTuneFixture;
