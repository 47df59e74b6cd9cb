import { readFileSync } from 'node:fs';
import { InvalidInputError } from '@weightspec/core';
import { describe, expect, it } from 'vitest';
import type { OnnxRuntimeLike, OnnxRuntimeSessionOptions } from './onnx-fine-tuner-types.ts';
import { createOnnxFineTuner } from './onnx-fine-tuner.ts';
import { loadOnnxRuntime } from './onnx-runtime-loader.ts';
import { createOnnxTrainer } from './onnx-trainer.ts';

const ort = await loadOnnxRuntime();
const fixture = (name: string) => new URL(`../test-fixtures/finetune/${name}`, import.meta.url);
const gapCnn = readFileSync(fixture('gap-cnn.onnx'));
const data = JSON.parse(readFileSync(fixture('gap-cnn.json'), 'utf8')) as { features: number[][]; labels: number[] };

/** onnxruntime-node with InferenceSession.create recording the options every session gets. */
function recordingRuntime(): { runtime: OnnxRuntimeLike; seen: OnnxRuntimeSessionOptions[] } {
  const seen: OnnxRuntimeSessionOptions[] = [];
  const runtime: OnnxRuntimeLike = {
    ...ort,
    InferenceSession: {
      create: (model, options) => {
        seen.push(options ?? {});
        return ort.InferenceSession.create(model, options);
      },
    },
  };
  return { runtime, seen };
}

const sleeping = { session: { 'intra_op.allow_spinning': '0', 'inter_op.allow_spinning': '0' } };

describe('threadSpinning (ONNX Runtime session.intra_op.allow_spinning)', () => {
  it('reaches every session of a trainer, and the trainer still trains', async () => {
    const { runtime, seen } = recordingRuntime();
    const trainer = await createOnnxTrainer({ inputSize: 2, numClasses: 2, ort: runtime, threadSpinning: false });
    await trainer.fit(
      [
        [0, 1],
        [1, 0],
        [1, 1],
        [0, 0],
      ],
      [0, 1, 1, 0],
      { epochs: 2, batchSize: 2 },
    );
    const probabilities = await trainer.predictProbabilities([[0, 1]]);
    expect(probabilities[0]?.length).toBe(2);
    expect(seen.length).toBeGreaterThan(0);
    for (const options of seen) expect(options).toMatchObject({ intraOpNumThreads: 2, extra: sleeping });
  });

  it('reaches the fine-tuner sessions; omitted, sessions keep the runtime default (no extra options)', async () => {
    const off = recordingRuntime();
    const tuner = await createOnnxFineTuner({ model: gapCnn, ort: off.runtime, threadSpinning: false, threads: 1 });
    const batch = { features: data.features.slice(0, 4), targets: data.labels.slice(0, 4) };
    await tuner.step(batch);
    expect(off.seen.length).toBeGreaterThan(0);
    for (const options of off.seen) expect(options).toMatchObject({ intraOpNumThreads: 1, extra: sleeping });
    await tuner.release();

    const on = recordingRuntime();
    const defaultTuner = await createOnnxFineTuner({ model: gapCnn, ort: on.runtime });
    await defaultTuner.step(batch);
    for (const options of on.seen) expect(options).not.toHaveProperty('extra');
    await defaultTuner.release();
  });

  it('refuses a value that is not a boolean, naming the option', async () => {
    await expect(createOnnxTrainer({ inputSize: 2, numClasses: 2, threadSpinning: 'no' as never })).rejects.toThrow(
      InvalidInputError,
    );
    await expect(createOnnxFineTuner({ model: gapCnn, threadSpinning: 0 as never })).rejects.toThrow(/threadSpinning/);
  });
});
