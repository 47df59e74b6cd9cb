import { readFileSync } from 'node:fs';
import { InvalidInputError, ZeroDenominatorError } from '@weightspec/core';
import { describe, expect, it } from 'vitest';
import { createOnnxFineTuner } from './onnx-fine-tuner.ts';
import { attribute, OnnxGraphBuilder } from './onnx-graph-builder.ts';
import { encodeOnnxModel } from './onnx-model-proto.ts';
import type { OnnxFineTuner } from './onnx-fine-tuner-types.ts';

// Hostile and extreme input for the fine-tuner (SPEC "Bad input gets a typed error, never a silent NaN",
// pinned rule 11). Every refused call must also leave the parameters exactly as they were.
const fixture = (name: string) => new URL(`../test-fixtures/finetune/${name}`, import.meta.url);
const load = (name: string) => ({
  model: readFileSync(fixture(`${name}.onnx`)),
  data: JSON.parse(readFileSync(fixture(`${name}.json`), 'utf8')) as { features: number[][]; labels: number[] },
});
const gapCnn = load('gap-cnn');
// LeNet has MaxPool, which drops a NaN on its forward pass (ONNX Runtime's max skips it): only the input
// check keeps a NaN feature out of the weight gradients.
const lenet = load('lenet');
const withSpec = (reduction?: object) => ({
  specVersion: 1,
  loss: { kind: 'softmax_cross_entropy' },
  ...(reduction ? { reduction } : {}),
});
const batchOf = (data: { features: number[][]; labels: number[] }, rows = 4) => ({
  features: data.features.slice(0, rows),
  targets: data.labels.slice(0, rows),
});

async function expectRefusedUnchanged(tuner: OnnxFineTuner, call: () => Promise<unknown>, error: RegExp | object) {
  const before = tuner.parameters();
  await expect(call()).rejects.toThrow(error as RegExp);
  expect(tuner.parameters()).toEqual(before);
}

describe('fine-tuner on hostile input', () => {
  it('refuses NaN, infinite and beyond-float32 features in step, fit, evaluate and predict, naming row and column', async () => {
    const tuner = await createOnnxFineTuner({ model: lenet.model, seed: 1 });
    const poisoned = (value: number) => {
      const features = lenet.data.features.slice(0, 4).map((row) => [...row]);
      (features[2] as number[])[17] = value;
      return features;
    };
    const targets = lenet.data.labels.slice(0, 4);
    for (const value of [Number.NaN, Number.POSITIVE_INFINITY, -1e39]) {
      const features = poisoned(value);
      const named = /features\[2\]\[17\]: must be a finite float32 number/;
      await expectRefusedUnchanged(tuner, () => tuner.step({ features, targets }), named);
      await expectRefusedUnchanged(tuner, () => tuner.fit(features, targets, { epochs: 1, batchSize: 2 }), named);
      await expectRefusedUnchanged(tuner, () => tuner.evaluate(features, targets), named);
      await expectRefusedUnchanged(tuner, () => tuner.predict(features), named);
    }
    // Finite data still trains afterwards.
    expect(Number.isFinite(await tuner.step(batchOf(lenet.data)))).toBe(true);
    await tuner.release();
  });

  it('names a call whose arguments are not arrays or objects instead of failing inside', async () => {
    const tuner = await createOnnxFineTuner({ model: gapCnn.model });
    const { features, targets } = batchOf(gapCnn.data);
    await expect(tuner.step(undefined as never)).rejects.toThrow(/batch: must be an object/);
    await expect(tuner.step({ features: 5 as never, targets })).rejects.toThrow(/features: must be an array/);
    await expect(tuner.step({ features, targets: 3 as never })).rejects.toThrow(/targets: must be an array/);
    await expect(tuner.step({ features: [1, 2, 3, 4] as never, targets })).rejects.toThrow(
      /features\[0\]: must be an array of 192 numbers/,
    );
    await expect(tuner.fit(features, targets, undefined as never)).rejects.toThrow(/options: must be an object/);
    await expect(tuner.fit('rows' as never, targets, { epochs: 1, batchSize: 2 })).rejects.toThrow(
      /features: must be an array/,
    );
    await expect(tuner.predict('abc' as never)).rejects.toThrow(/features: must be an array/);
    await expect(tuner.evaluate(features, targets, null as never)).rejects.toThrow(/options: must be an object/);
    await tuner.release();
  });

  it('names malformed fit and batch options: callbacks, element weights, dropout masks, statistics', async () => {
    const balanced = { specVersion: 1, loss: { kind: 'softmax_cross_entropy' }, class: { strategy: 'balanced' } };
    const tuner = await createOnnxFineTuner({ model: gapCnn.model, spec: balanced });
    const { features, labels: targets } = gapCnn.data;
    const fit = (options: object) => tuner.fit(features, targets, { epochs: 1, batchSize: 4, ...options });
    await expectRefusedUnchanged(tuner, () => fit({ onProgress: 5 }), /onProgress: must be a function, got 5/);
    await expectRefusedUnchanged(tuner, () => fit({ onBatchBegin: 'log' }), /onBatchBegin: must be a function/);
    await expectRefusedUnchanged(tuner, () => fit({ elementWeights: 5 }), /elementWeights: must be an array/);
    await expectRefusedUnchanged(
      tuner,
      () => fit({ stats: { classCounts: [3, -1, 2] } }),
      /stats.classCounts\[1\]: counts must be finite numbers >= 0, got -1/,
    );
    // gap-cnn has no Dropout: a mask given for it is a mistake, not something to ignore.
    await expectRefusedUnchanged(
      tuner,
      () => tuner.step({ ...batchOf(gapCnn.data), dropoutMasks: [new Float32Array(4)] }),
      /dropoutMasks: has 1 masks; the model has 0 Dropout nodes that train/,
    );
    await tuner.release();
  });

  it('applies zeroDenominator to all-zero weights: error refuses the step, zero gives 0, nan gives NaN', async () => {
    const zeroWeights = { ...batchOf(gapCnn.data), sampleWeights: [0, 0, 0, 0] };
    const strict = await createOnnxFineTuner({
      model: gapCnn.model,
      spec: withSpec({ kind: 'weighted_mean', zeroDenominator: 'error' }),
    });
    await expectRefusedUnchanged(strict, () => strict.step(zeroWeights), ZeroDenominatorError);
    await expectRefusedUnchanged(
      strict,
      () =>
        strict.fit(zeroWeights.features, zeroWeights.targets, { epochs: 1, batchSize: 4, sampleWeights: [0, 0, 0, 0] }),
      ZeroDenominatorError,
    );
    await expect(
      strict.evaluate(zeroWeights.features, zeroWeights.targets, { sampleWeights: [0, 0, 0, 0] }),
    ).rejects.toThrow(ZeroDenominatorError);
    // SPEC's default policy: the loss is 0, so is every gradient, and Adam's first update is 0 / (0 + eps) = 0
    // (BatchNorm's running statistics still move: they follow the batch, not the loss, as in PyTorch).
    const lenient = await createOnnxFineTuner({ model: gapCnn.model, spec: withSpec() });
    const trained = () => lenient.trainable.map((name) => lenient.parameters().get(name));
    const before = trained();
    expect(await lenient.step(zeroWeights)).toBe(0);
    expect(trained()).toEqual(before);
    const nan = await createOnnxFineTuner({
      model: gapCnn.model,
      spec: withSpec({ kind: 'nonzero_mean', zeroDenominator: 'nan' }),
    });
    expect(await nan.step(zeroWeights)).toBeNaN();
    for (const values of nan.parameters().values()) expect(values.every(Number.isFinite)).toBe(true);
    await Promise.all([strict.release(), lenient.release(), nan.release()]);
  });

  it('gives the reference result for huge and tiny sample weights under weighted_mean (SPEC pinned rule 11)', async () => {
    // Independent expectation: weighted_mean is S / sum(w), invariant to scaling every w by one factor,
    // so weights s * [1, 2, 3, 1] must give the loss and the Adam step of [1, 2, 3, 1] for any finite s > 0.
    // Unscaled, 1e38 * [1, 2, 3, 1] sums to 7e38, beyond float32 (NaN loss); 1e-45 * [1, 2, 3, 1] lies
    // below float32's normal range, where the products lose most of their digits.
    const relative = [1, 2, 3, 1];
    const run = async (scale: number) => {
      const tuner = await createOnnxFineTuner({ model: gapCnn.model, spec: withSpec(), seed: 4 });
      const loss = await tuner.step({ ...batchOf(gapCnn.data), sampleWeights: relative.map((w) => w * scale) });
      const parameters = tuner.parameters();
      await tuner.release();
      return { loss, parameters };
    };
    const reference = await run(1);
    for (const scale of [1e38, 1e-45, 1e300]) {
      const scaled = await run(scale);
      expect(scaled.loss).toBeCloseTo(reference.loss, 6);
      for (const [name, values] of reference.parameters)
        (scaled.parameters.get(name) as Float32Array).forEach((value, index) => {
          expect(value).toBeCloseTo(values[index] as number, 6);
        });
    }
  });

  it('refuses a step that overflows float32 and keeps the parameters; predictions that overflow name the row', async () => {
    // logits = x W^T with W all ones: four inputs of 3e38 (each within float32) sum to 1.2e39, beyond it.
    const b = new OnnxGraphBuilder('linear');
    const x = b.input('x', 'float', ['N', 4]);
    const weight = b.constant(new Array(12).fill(1), [3, 4], 'float', 'linear.weight');
    b.node('Gemm', [x, weight], { transB: attribute.int(1) }, { shape: ['N', 3], output: 'logits' });
    b.output('logits', 'float', ['N', 3]);
    const tuner = await createOnnxFineTuner({ model: encodeOnnxModel(b.build()) });
    const rows = [
      [0.5, -1, 2, 0],
      [3e38, 3e38, 3e38, 3e38],
    ];
    await expectRefusedUnchanged(
      tuner,
      () => tuner.step({ features: rows, targets: [0, 1] }),
      /training: the step gave a loss of NaN \(float32 overflow\); the update was not taken/,
    );
    await expect(tuner.predict(rows)).rejects.toThrow(/features\[1\]: the model's output for this row is not finite/);
    await expect(tuner.evaluate(rows, [0, 1])).rejects.toThrow(/evaluation: the loss is NaN/);
    // The first row alone is fine.
    expect(Number.isFinite(await tuner.step({ features: rows.slice(0, 1), targets: [0] }))).toBe(true);
    await tuner.release();
  });

  it('is a typed error after release (no session is silently made again); release twice is harmless', async () => {
    const tuner = await createOnnxFineTuner({ model: gapCnn.model });
    await tuner.release();
    await tuner.release();
    await expect(tuner.step(batchOf(gapCnn.data))).rejects.toThrow(InvalidInputError);
    await expect(tuner.predict(gapCnn.data.features)).rejects.toThrow(/fineTuner: was released/);
    // The values stay readable: exporting what was trained needs no session.
    expect(tuner.exportModel().length).toBeGreaterThan(0);
  });
});
