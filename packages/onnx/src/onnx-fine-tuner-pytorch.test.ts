import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createOnnxFineTuner } from './onnx-fine-tuner.ts';
import { decodeOnnxModel } from './onnx-model-decoder.ts';
import { withFixtureInitializers } from './test-fine-tune-fixture-model.ts';

/** A fixture written by scripts/export-finetune-fixtures.py: every expected value computed by PyTorch. */
interface Fixture {
  readonly model: string;
  readonly spec: unknown;
  readonly features: number[][];
  readonly labels: number[];
  readonly sampleWeights: number[];
  readonly dropoutMasks: number[][];
  /** Parameters PyTorch kept fixed (requires_grad False). */
  readonly frozen: string[];
  readonly initial: Record<string, number[]>;
  readonly loss: number;
  readonly gradients: Record<string, number[]>;
  readonly sgd: {
    optimizer: { momentum: number; learningRate: number };
    losses: number[];
    after: Record<string, number[]>;
  };
  readonly adam: { optimizer: { learningRate: number }; losses: number[]; after: Record<string, number[]> };
}

const directory = new URL('../test-fixtures/finetune/', import.meta.url);
const load = (name: string) => JSON.parse(readFileSync(new URL(`${name}.json`, directory), 'utf8')) as Fixture;

/** The exported model with PyTorch's initial parameters and buffers (the export's trace runs BatchNorm once). */
function modelBytes(fixture: Fixture): Uint8Array {
  return withFixtureInitializers(readFileSync(new URL(fixture.model, directory)), fixture.initial);
}

/** Float32 agreement: each element within `relative` of the tensor's largest magnitude. */
function expectClose(actual: ArrayLike<number>, expected: readonly number[], relative: number, label: string) {
  expect(actual.length, label).toBe(expected.length);
  const scale = Math.max(...expected.map(Math.abs), 1e-6);
  let worst = 0;
  for (let index = 0; index < expected.length; index += 1)
    worst = Math.max(worst, Math.abs((actual[index] as number) - (expected[index] as number)) / scale);
  expect(worst, `${label}: largest difference relative to max |expected|`).toBeLessThanOrEqual(relative);
}

describe.each(['mlp-batchnorm-dropout', 'lenet', 'gap-cnn', 'transformer', 'encoder-layer'])(
  'fine-tuning %s against PyTorch',
  (name) => {
    const fixture = load(name);
    const masks = fixture.dropoutMasks.map((mask) => Float32Array.from(mask));
    const batch = (step: number) => ({
      features: fixture.features,
      targets: fixture.labels,
      sampleWeights: fixture.sampleWeights,
      ...(masks.length > 0 ? { dropoutMasks: [masks[step] as Float32Array] } : {}),
    });

    it('gives the loss and the gradients PyTorch computes', async () => {
      const tuner = await createOnnxFineTuner({
        model: modelBytes(fixture),
        spec: fixture.spec,
        optimizer: { kind: 'sgd' },
        frozen: fixture.frozen,
      });
      const { loss, gradients } = await tuner.gradients(batch(0));
      expect(Math.abs(loss - fixture.loss) / Math.abs(fixture.loss)).toBeLessThanOrEqual(1e-4);
      for (const [parameter, expected] of Object.entries(fixture.gradients)) {
        const actual = gradients.get(parameter) as Float32Array;
        expectClose(actual, expected, 1e-4, `d loss / d ${parameter}`);
        // And element by element, for every element above 1% of the tensor's largest magnitude.
        const scale = Math.max(...expected.map(Math.abs));
        expected.forEach((value, index) => {
          if (Math.abs(value) > 1e-2 * scale)
            expect(
              Math.abs((actual[index] as number) - value) / Math.abs(value),
              `${parameter}[${index}]`,
            ).toBeLessThanOrEqual(1e-4);
        });
      }
      await tuner.release();
    });

    it.each(['sgd', 'adam'] as const)(
      'matches PyTorch after 3 %s steps (parameters and running statistics)',
      async (kind) => {
        const run = fixture[kind];
        const tuner = await createOnnxFineTuner({
          model: modelBytes(fixture),
          spec: fixture.spec,
          optimizer: kind === 'sgd' ? { kind, momentum: fixture.sgd.optimizer.momentum } : { kind },
          learningRate: run.optimizer.learningRate,
          frozen: fixture.frozen,
        });
        const losses: number[] = [];
        for (let step = 0; step < 3; step += 1) losses.push(await tuner.step(batch(step)));
        losses.forEach((loss, step) => {
          expect(
            Math.abs(loss - (run.losses[step] as number)) / Math.abs(run.losses[step] as number),
          ).toBeLessThanOrEqual(1e-4);
        });
        // Read back from the exported model: every initializer, frozen ones and running statistics included.
        const exported = decodeOnnxModel(tuner.exportModel()).initializers;
        for (const [parameter, expected] of Object.entries(run.after)) {
          const actual = exported.find((tensor) => tensor.name === parameter)?.data as Float32Array;
          expectClose(actual, expected, 1e-4, `${parameter} after 3 ${kind} steps`);
        }
        await tuner.release();
      },
    );
  },
);
