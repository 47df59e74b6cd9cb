import { readFileSync } from 'node:fs';
import {
  InvalidInputError,
  PLAN_IDENTITY_RUN,
  type PlannedBatch,
  traceBatches,
  tracePlannedRun,
  UnsupportedFeatureError,
} from '@weightspec/core';
import { describe, expect, it } from 'vitest';
import { createOnnxFineTuner } from './onnx-fine-tuner.ts';
import { OnnxGraphBuilder } from './onnx-graph-builder.ts';
import { decodeOnnxModel } from './onnx-model-decoder.ts';
import { encodeOnnxModel } from './onnx-model-proto.ts';
import { loadOnnxRuntime } from './onnx-runtime-loader.ts';

const ort = await loadOnnxRuntime();
const fixture = (name: string) => new URL(`../test-fixtures/finetune/${name}`, import.meta.url);
const gapCnn = readFileSync(fixture('gap-cnn.onnx'));
const data = JSON.parse(readFileSync(fixture('gap-cnn.json'), 'utf8')) as { features: number[][]; labels: number[] };
const spec = { specVersion: 1, loss: { kind: 'softmax_cross_entropy' }, class: { strategy: 'balanced' } };

describe('createOnnxFineTuner', () => {
  it('exports a standard .onnx that a fresh ONNX Runtime session runs with the fine-tuner predictions', async () => {
    const tuner = await createOnnxFineTuner({ model: gapCnn, spec, learningRate: 0.05, seed: 3 });
    const before = tuner.parameters();
    await tuner.fit(data.features, data.labels, { epochs: 3, batchSize: 4 });
    const after = tuner.parameters();
    // BatchNorm running statistics moved with the batch statistics; weights moved with Adam.
    expect(after.get('bn.running_mean')).not.toEqual(before.get('bn.running_mean'));
    expect(after.get('conv1.weight')).not.toEqual(before.get('conv1.weight'));
    const predictions = await tuner.predict(data.features);
    const exported = tuner.exportModel();
    const model = decodeOnnxModel(exported);
    expect(model.nodes.find((node) => node.opType === 'BatchNormalization')?.outputs).toHaveLength(1);
    expect(
      Array.from(model.initializers.find((tensor) => tensor.name === 'bn.running_var')?.data as Float32Array),
    ).toEqual(Array.from(after.get('bn.running_var') as Float32Array));
    const session = await ort.InferenceSession.create(exported);
    const x = new ort.Tensor('float32', Float32Array.from(data.features.flat()), [data.features.length, 3, 8, 8]);
    const logits = (await session.run({ x })).logits?.data as Float32Array;
    predictions.forEach((row, index) => {
      row.forEach((value, column) => {
        expect(value).toBeCloseTo(logits[index * 3 + column] as number, 5);
      });
    });
    // The untouched original model gives other outputs: the export carries the fine-tuned values.
    const original = await ort.InferenceSession.create(gapCnn);
    const originalLogits = (await original.run({ x })).logits?.data as Float32Array;
    expect(Array.from(originalLogits)).not.toEqual(Array.from(logits));
    await tuner.release();
  });

  it('fine-tunes torch.nn.TransformerEncoderLayer (int64 tokens) and exports what it predicts', async () => {
    const bytes = readFileSync(fixture('encoder-layer.onnx'));
    const tokens = JSON.parse(readFileSync(fixture('encoder-layer.json'), 'utf8')) as {
      features: number[][];
      labels: number[];
    };
    const tuner = await createOnnxFineTuner({
      model: bytes,
      learningRate: 0.01,
      frozen: ['layer.self_attn.in_proj_bias'],
    });
    const { losses } = await tuner.fit(tokens.features, tokens.labels, { epochs: 4, batchSize: 4 });
    expect(losses.every(Number.isFinite)).toBe(true);
    const predictions = await tuner.predict(tokens.features);
    const session = await ort.InferenceSession.create(tuner.exportModel());
    const x = new ort.Tensor('int64', BigInt64Array.from(tokens.features.flat(), BigInt), [tokens.features.length, 5]);
    const logits = (await session.run({ x })).logits?.data as Float32Array;
    predictions.flat().forEach((value, index) => {
      expect(value).toBeCloseTo(logits[index] as number, 5);
    });
    await tuner.release();
  });

  it('draws dropout masks from the seed: the same seed repeats a fit exactly, another seed does not', async () => {
    const bytes = readFileSync(fixture('mlp-batchnorm-dropout.onnx'));
    const mlp = JSON.parse(readFileSync(fixture('mlp-batchnorm-dropout.json'), 'utf8')) as {
      features: number[][];
      labels: number[];
    };
    const run = async (seed: number) => {
      const tuner = await createOnnxFineTuner({ model: bytes, seed, learningRate: 0.05 });
      await tuner.fit(mlp.features, mlp.labels, { epochs: 2, batchSize: 4 });
      const weights = Array.from(tuner.parameters().get('fc2.weight') as Float32Array);
      await tuner.release();
      return weights;
    };
    const first = await run(7);
    expect(await run(7)).toEqual(first);
    expect(await run(8)).not.toEqual(first);
  });

  it('keeps frozen initializers fixed and trains the rest', async () => {
    const tuner = await createOnnxFineTuner({
      model: gapCnn,
      frozen: ['conv1.weight', 'bn.weight'],
      learningRate: 0.1,
    });
    expect(tuner.trainable).not.toContain('conv1.weight');
    expect(tuner.trainable).not.toContain('bn.running_mean');
    const before = tuner.parameters();
    await tuner.step({ features: data.features, targets: data.labels });
    const after = tuner.parameters();
    expect(after.get('conv1.weight')).toEqual(before.get('conv1.weight'));
    expect(after.get('bn.weight')).toEqual(before.get('bn.weight'));
    expect(after.get('fc.weight')).not.toEqual(before.get('fc.weight'));
    await tuner.release();
  });

  it('reports curriculum admission per epoch (linear pacing from half: ceil(0.5 * 8) = 4, then 8)', async () => {
    const curriculumSpec = {
      specVersion: 1,
      loss: { kind: 'softmax_cross_entropy' },
      curriculum: { difficulty: 'loss', pacing: { kind: 'linear', start: 0.5, fullAt: 0.5 } },
      adaptive: [{ kind: 'hard_mining', keepFraction: 0.5 }],
    };
    const tuner = await createOnnxFineTuner({ model: gapCnn, spec: curriculumSpec });
    const admitted: number[] = [];
    const { losses } = await tuner.fit(data.features, data.labels, {
      epochs: 2,
      batchSize: 4,
      onProgress: (progress) => admitted.push(progress.admittedSamples),
    });
    // tau = epoch / 2: g(0) = 0.5, g(0.5) = 1 (SPEC "curriculum" pacing, worked by hand).
    expect(admitted).toEqual([4, 8]);
    expect(losses.every(Number.isFinite)).toBe(true);
    await tuner.release();
  });

  it("follows the core training plan: same spec, size and seed give the plan's (clock, batch, admitted) trace", async () => {
    // A 3 -> 3 linear classifier (Gemm with trainable W and b) for the plan's shared identity run, the
    // one createOnnxTrainer, the tfjs and the ml.js trainers are checked against.
    const builder = new OnnxGraphBuilder('linear');
    const x = builder.input('x', 'float', ['N', 3]);
    const weight = builder.constant([0.1, -0.2, 0.3, 0.2, 0.1, -0.1, -0.3, 0.2, 0.1], [3, 3], 'float', 'W');
    const bias = builder.constant([0, 0.1, -0.1], [3], 'float', 'b');
    builder.node('Gemm', [x, weight, bias], {}, { output: 'logits', shape: ['N', 3] });
    builder.output('logits', 'float', ['N', 3]);
    const linear = encodeOnnxModel(builder.build());
    const run = PLAN_IDENTITY_RUN;
    const count = run.labels.length;
    for (const batchSize of [count, 5]) {
      const tuner = await createOnnxFineTuner({ model: linear, spec: run.spec, seed: run.seed, learningRate: 0.1 });
      expect(tuner.trainable).toEqual(['W', 'b']);
      const seen: PlannedBatch[] = [];
      const { losses } = await tuner.fit(run.features, [...run.labels], {
        epochs: run.epochs,
        batchSize,
        difficulty: [...run.difficulty],
        onBatchBegin: (batch) => void seen.push(batch),
      });
      await tuner.release();
      expect(losses.every(Number.isFinite)).toBe(true);
      expect(traceBatches(seen)).toEqual(tracePlannedRun(run, batchSize));
    }
  });

  it("ranks difficulty: loss by the model's own raw loss at the epoch start (the easiest half trains in epoch 0)", async () => {
    const spec = {
      specVersion: 1,
      loss: { kind: 'softmax_cross_entropy' },
      curriculum: { difficulty: 'loss', pacing: { kind: 'linear', start: 0.5, fullAt: 0.5 } },
    };
    const tuner = await createOnnxFineTuner({ model: gapCnn, spec, seed: 2 });
    // Expected: softmax cross-entropy -log softmax(z)_y worked in float64 from the untrained model's
    // logits (inference mode, as the ranking pass runs), ranked ascending; ceil(0.5 * 8) = 4 admitted.
    const logits = await tuner.predict(data.features);
    const rawLoss = logits.map((row, index) => {
      const top = Math.max(...row);
      const logSum = top + Math.log(row.reduce((sum, value) => sum + Math.exp(value - top), 0));
      return logSum - (row[data.labels[index] as number] as number);
    });
    const easiest = rawLoss
      .map((loss, index) => ({ loss, index }))
      .sort((left, right) => left.loss - right.loss || left.index - right.index)
      .slice(0, 4)
      .map((entry) => entry.index)
      .sort((left, right) => left - right);
    const seen: PlannedBatch[] = [];
    await tuner.fit(data.features, data.labels, {
      epochs: 2,
      batchSize: 4,
      onBatchBegin: (batch) => void seen.push(batch),
    });
    await tuner.release();
    const [first] = traceBatches(seen);
    expect(first?.admitted).toEqual(easiest);
    expect(first?.steps).toEqual([0]);
  });

  it('names the op and node of an unsupported model', async () => {
    const model = decodeOnnxModel(gapCnn);
    const nodes = model.nodes.map((node) =>
      node.opType === 'LeakyRelu' ? { ...node, opType: 'Cos', attributes: {} } : node,
    );
    const bytes = encodeOnnxModel({ ...model, nodes });
    await expect(createOnnxFineTuner({ model: bytes })).rejects.toThrow(UnsupportedFeatureError);
    await expect(createOnnxFineTuner({ model: bytes })).rejects.toThrow(/op Cos \(node "\/LeakyRelu"\)/);
  });

  it('refuses bad options and data with typed errors', async () => {
    await expect(createOnnxFineTuner({ model: gapCnn, output: 'nope' })).rejects.toThrow(
      /output: "nope" is not a graph output/,
    );
    await expect(createOnnxFineTuner({ model: gapCnn, trainable: ['missing'] })).rejects.toThrow(InvalidInputError);
    await expect(createOnnxFineTuner({ model: new Uint8Array([1, 2, 3]) })).rejects.toThrow(InvalidInputError);
    await expect(createOnnxFineTuner({ model: gapCnn, learningRate: 0 })).rejects.toThrow(
      /learningRate: must be a finite number > 0/,
    );
    await expect(createOnnxFineTuner({ model: gapCnn, optimizer: { kind: 'rmsprop' } as never })).rejects.toThrow(
      /optimizer: must be/,
    );
    await expect(createOnnxFineTuner({ model: gapCnn, optimizer: { kind: 'adam', beta1: 1 } })).rejects.toThrow(
      /optimizer.beta1: must be < 1/,
    );
    await expect(createOnnxFineTuner({ model: gapCnn, threads: 1.5 })).rejects.toThrow(/threads/);
    const tuner = await createOnnxFineTuner({ model: gapCnn });
    await expect(tuner.step({ features: [[1, 2, 3]], targets: [0] })).rejects.toThrow(
      /features\[0\]: has 3 values, the model's input x takes 192 per row/,
    );
    await expect(tuner.step({ features: [data.features[0] as number[]], targets: [7] })).rejects.toThrow(
      /class index 7/,
    );
    await expect(tuner.fit(data.features, data.labels, { epochs: 0, batchSize: 4 })).rejects.toThrow(/epochs/);
    await tuner.release();
  });

  it('runs overlapping calls in turn: two fits and a step started together equal the same calls awaited one by one', async () => {
    // The independent computation is the same calls on a second tuner, each awaited before the next.
    const options = { model: gapCnn, spec, learningRate: 0.05, seed: 5 };
    const [together, oneByOne] = await Promise.all([createOnnxFineTuner(options), createOnnxFineTuner(options)]);
    const batch = { features: data.features.slice(0, 4), targets: data.labels.slice(0, 4) };
    const concurrent = await Promise.all([
      together.fit(data.features, data.labels, { epochs: 1, batchSize: 4 }),
      together.step(batch),
      together.fit(data.features, data.labels, { epochs: 1, batchSize: 4 }),
    ]);
    const sequential = [
      await oneByOne.fit(data.features, data.labels, { epochs: 1, batchSize: 4 }),
      await oneByOne.step(batch),
      await oneByOne.fit(data.features, data.labels, { epochs: 1, batchSize: 4 }),
    ];
    expect(concurrent).toEqual(sequential);
    expect(together.parameters()).toEqual(oneByOne.parameters());
    // A call that fails does not block the queue: the next one still runs.
    const failed = together.fit([], [], { epochs: 1, batchSize: 4 });
    const after = together.predict(data.features.slice(0, 2));
    await expect(failed).rejects.toBeInstanceOf(InvalidInputError);
    expect(await after).toHaveLength(2);
    await Promise.all([together.release(), oneByOne.release()]);
  });
});
