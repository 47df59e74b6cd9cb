import { describe, expect, it } from 'vitest';
import protobuf from 'protobufjs';
import {
  HAND_PICKED_SIX_ROWS,
  PLAN_IDENTITY_RUN,
  copyHandPickedProblem,
  prepareWeightingComputation,
  referenceWeightedLoss,
  traceBatches,
  tracePlannedRun,
} from '@weightspec/core';
import type { PlannedBatch, WeightingSpecInput } from '@weightspec/core';
import { loadOnnxRuntime } from './onnx-runtime-loader.ts';
import type { OnnxRuntimeLike } from './onnx-fine-tuner-types.ts';
import { createOnnxTrainer } from './onnx-trainer.ts';

const ort = await loadOnnxRuntime();
const { features, labels } = copyHandPickedProblem(HAND_PICKED_SIX_ROWS);

/** d loss / d logits from the core's float64 reference for a linear model theta = [W (3x3), b (3)]. */
function referenceGradient(spec: unknown, theta: Float32Array, sampleWeights?: number[]) {
  const logits = features.map((row) =>
    [0, 1, 2].map((k) =>
      row.reduce((sum, value, d) => sum + value * (theta[d * 3 + k] as number), theta[9 + k] as number),
    ),
  );
  const computation = prepareWeightingComputation(spec, { predictions: logits, targets: labels, sampleWeights });
  const g = referenceWeightedLoss(computation.spec, computation.scheduled, computation.batch).gradient as Float64Array;
  // d/dW[d][k] = sum_i x_id g_ik; d/db[k] = sum_i g_ik.
  return Array.from({ length: 12 }, (_, index) =>
    index < 9
      ? features.reduce(
          (sum, row, i) => sum + (row[Math.floor(index / 3)] as number) * (g[i * 3 + (index % 3)] as number),
          0,
        )
      : features.reduce((sum, _row, i) => sum + (g[i * 3 + (index - 9)] as number), 0),
  );
}

describe('createOnnxTrainer', () => {
  const spec = {
    specVersion: 1,
    loss: { kind: 'softmax_cross_entropy' },
    class: { strategy: 'balanced' },
    sample: {},
    adaptive: [{ kind: 'focal', gamma: 2 }],
  } satisfies WeightingSpecInput;
  const sampleWeights = [1, 2, 0.5, 1, 3, 0.25];

  it('one SGD step (momentum, weight decay) follows the float64 reference gradient', async () => {
    const trainer = await createOnnxTrainer({
      ort,
      inputSize: 3,
      numClasses: 3,
      spec,
      optimizer: { kind: 'sgd', momentum: 0.9, weightDecay: 0.01 },
      learningRate: 0.1,
      seed: 3,
    });
    const before = trainer.parameters();
    await trainer.fit(features, labels, { epochs: 1, batchSize: 6, sampleWeights });
    const gradient = referenceGradient(spec, before, sampleWeights);
    // First PyTorch SGD step: buf = g + wd * theta, theta' = theta - lr * buf.
    trainer.parameters().forEach((value, index) => {
      expect(value).toBeCloseTo(
        (before[index] as number) - 0.1 * ((gradient[index] as number) + 0.01 * (before[index] as number)),
        5,
      );
    });
    await trainer.release();
  });

  it('hard mining keeps the batch elements with the largest raw loss: one SGD step follows the reference gradient', async () => {
    // The reference ranks the same raw losses by sample index; the trainer ranks inside its shuffled
    // batch. The losses at the random start are distinct, so both keep the same 3 samples.
    const miningSpec = {
      specVersion: 1,
      loss: { kind: 'softmax_cross_entropy' },
      adaptive: [{ kind: 'hard_mining', keepFraction: 0.5 }],
    } satisfies WeightingSpecInput;
    const trainer = await createOnnxTrainer({
      ort,
      inputSize: 3,
      numClasses: 3,
      spec: miningSpec,
      optimizer: { kind: 'sgd' },
      learningRate: 0.1,
      seed: 6,
    });
    const before = trainer.parameters();
    await trainer.fit(features, labels, { epochs: 1, batchSize: 6 });
    const gradient = referenceGradient(miningSpec, before);
    const unmined = referenceGradient({ specVersion: 1, loss: { kind: 'softmax_cross_entropy' } }, before);
    expect(gradient.some((value, index) => Math.abs(value - (unmined[index] as number)) > 1e-3)).toBe(true);
    trainer.parameters().forEach((value, index) => {
      expect(value).toBeCloseTo((before[index] as number) - 0.1 * (gradient[index] as number), 5);
    });
    await trainer.release();
  });

  it('one Adam step from zero moments moves each parameter by lr * g / (|g| + eps) (PyTorch formula)', async () => {
    const trainer = await createOnnxTrainer({
      ort,
      inputSize: 3,
      numClasses: 3,
      spec,
      optimizer: { kind: 'adam' },
      learningRate: 0.05,
      seed: 4,
    });
    const before = trainer.parameters();
    await trainer.fit(features, labels, { epochs: 1, batchSize: 6, sampleWeights });
    const gradient = referenceGradient(spec, before, sampleWeights);
    // m^ = g and v^ = g^2 after one step, so the update is lr * g / (|g| + 1e-8).
    trainer.parameters().forEach((value, index) => {
      const g = gradient[index] as number;
      expect(value).toBeCloseTo((before[index] as number) - (0.05 * g) / (Math.abs(g) + 1e-8), 4);
    });
    await trainer.release();
  });

  it('exports a standard inference model (opset 17, IR 8, symbolic batch) that reproduces predictions', async () => {
    const trainer = await createOnnxTrainer({ ort, inputSize: 3, numClasses: 3, hiddenUnits: [8, 4], spec, seed: 5 });
    const { losses } = await trainer.fit(features, labels, { epochs: 30, batchSize: 3, sampleWeights });
    expect(losses.at(-1) as number).toBeLessThan(losses[0] as number);
    const bytes = trainer.exportInferenceModel();
    const session = await ort.InferenceSession.create(bytes);
    const output = await session.run({ x: new ort.Tensor('float32', Float32Array.from(features.flat()), [6, 3]) });
    const expected = (await trainer.predictProbabilities(features)).flat();
    Array.from(output.probabilities?.data as Float32Array).forEach((value, index) => {
      expect(value).toBeCloseTo(expected[index] as number, 6);
    });
    // Decode with protobufjs from a hand-written subset of onnx.proto (independent of our encoder).
    const root = protobuf.parse(`syntax = "proto3";
      message OperatorSetIdProto { string domain = 1; int64 version = 2; }
      message Dimension { int64 dim_value = 1; string dim_param = 2; }
      message TensorShapeProto { repeated Dimension dim = 1; }
      message TensorTypeProto { int32 elem_type = 1; TensorShapeProto shape = 2; }
      message TypeProto { TensorTypeProto tensor_type = 1; }
      message ValueInfoProto { string name = 1; TypeProto type = 2; }
      message NodeProto { repeated string input = 1; repeated string output = 2; string name = 3; string op_type = 4; }
      message TensorProto { repeated int64 dims = 1; int32 data_type = 2; string name = 8; bytes raw_data = 9; }
      message GraphProto { repeated NodeProto node = 1; string name = 2; repeated TensorProto initializer = 5; repeated ValueInfoProto input = 11; repeated ValueInfoProto output = 12; }
      message ModelProto { int64 ir_version = 1; string producer_name = 2; GraphProto graph = 7; repeated OperatorSetIdProto opset_import = 8; }`).root;
    const model = root
      .lookupType('ModelProto')
      .toObject(root.lookupType('ModelProto').decode(bytes), { longs: Number }) as {
      irVersion: number;
      opsetImport: { version: number }[];
      graph: {
        input: { name: string; type: { tensorType: { shape: { dim: { dimParam?: string; dimValue?: number }[] } } } }[];
        initializer: { name: string; dims: number[] }[];
      };
    };
    expect(model.irVersion).toBe(8);
    expect(model.opsetImport[0]?.version).toBe(17);
    expect(model.graph.input[0]?.name).toBe('x');
    expect(model.graph.input[0]?.type.tensorType.shape.dim.map((dim) => dim.dimParam ?? dim.dimValue)).toEqual([
      'N',
      3,
    ]);
    // 3*8+8 + 8*4+4 + 4*3+3 packed parameters.
    expect(model.graph.initializer.find((tensor) => tensor.name === 'parameters')?.dims).toEqual([83]);
    await session.release();
    await trainer.release();
  });

  it('exports its training step as a graph of standard ONNX ops', async () => {
    const trainer = await createOnnxTrainer({
      ort,
      inputSize: 3,
      numClasses: 3,
      hiddenUnits: [4],
      spec: { specVersion: 1, loss: { kind: 'softmax_cross_entropy' } },
      seed: 6,
    });
    const step = await ort.InferenceSession.create(trainer.exportTrainingStep());
    expect([...step.inputNames].sort()).toEqual([
      'keep',
      'learning_rate',
      'm',
      'rest',
      'step',
      'targets',
      'theta',
      'v',
      'x',
    ]);
    expect([...step.outputNames].sort()).toEqual(['loss', 'm_next', 'raw_loss', 'theta_next', 'v_next']);
    await step.release();
    await trainer.release();
  });

  it('rejects what it cannot train with typed errors', async () => {
    await expect(
      createOnnxTrainer({ ort, inputSize: 3, numClasses: 3, spec: { specVersion: 1, loss: { kind: 'mse' } } }),
    ).rejects.toMatchObject({ code: 'WS_UNSUPPORTED_FEATURE' });
    const trainer = await createOnnxTrainer({ ort, inputSize: 3, numClasses: 3 });
    await expect(trainer.fit([[1, 2]], [0], { epochs: 1, batchSize: 1 })).rejects.toMatchObject({
      code: 'WS_INVALID_INPUT',
    });
    await expect(trainer.fit(features, labels, { epochs: 0, batchSize: 1 })).rejects.toMatchObject({
      code: 'WS_INVALID_INPUT',
    });
  });

  it("follows the core training plan: same spec, size and seed give the plan's (clock, batch, admitted) trace", async () => {
    const run = PLAN_IDENTITY_RUN;
    const count = run.labels.length;
    for (const batchSize of [count, 5]) {
      const trainer = await createOnnxTrainer({ ort, inputSize: 3, numClasses: 3, spec: run.spec, seed: run.seed });
      const seen: PlannedBatch[] = [];
      const rows = run.features.map((row) => [...row]);
      await trainer.fit(rows, [...run.labels], {
        epochs: run.epochs,
        batchSize,
        difficulty: [...run.difficulty],
        onBatchBegin: (batch) => void seen.push(batch),
      });
      await trainer.release();
      expect(traceBatches(seen)).toEqual(tracePlannedRun(run, batchSize));
    }
  });

  it('types the spec: a typo such as "balance" fails to compile, and to parse at run time', async () => {
    await expect(
      createOnnxTrainer({
        ort,
        inputSize: 3,
        numClasses: 3,
        // @ts-expect-error "balance" is not a class strategy (editors suggest "balanced")
        spec: { specVersion: 1, loss: { kind: 'softmax_cross_entropy' }, class: { strategy: 'balance' } },
      }),
    ).rejects.toMatchObject({
      code: 'WS_INVALID_SPEC',
    });
  });
  it('predicts many rows in chunks with one session per parameter state, as a float64 softmax of x W + b', async () => {
    let created = 0;
    const counting: OnnxRuntimeLike = {
      Tensor: ort.Tensor as unknown as OnnxRuntimeLike['Tensor'],
      InferenceSession: {
        create: (model, options) => {
          created += 1;
          return ort.InferenceSession.create(model, options as never) as never;
        },
      },
    };
    const trainer = await createOnnxTrainer({ ort: counting, inputSize: 3, numClasses: 3, spec, seed: 9 });
    await trainer.fit(features, labels, { epochs: 2, batchSize: 3, sampleWeights });
    // 20000 rows: more than two 8192-row chunks.
    let state = 3;
    const rows = Array.from({ length: 20000 }, () =>
      [0, 1, 2].map(() => {
        state = (state * 1103515245 + 12345) % 2147483648;
        return (state / 2147483648) * 8 - 4;
      }),
    );
    const before = created;
    const first = await trainer.predictProbabilities(rows);
    const second = await trainer.predictProbabilities(rows.slice(0, 5));
    expect(created - before).toBe(1);
    expect(second).toEqual(first.slice(0, 5));
    // Independent: the linear model's softmax(x W + b) in float64 from the trained parameters.
    const theta = trainer.parameters();
    const expectedRow = (row: number[]) => {
      const logits = [0, 1, 2].map((k) =>
        row.reduce((sum, value, d) => sum + value * (theta[d * 3 + k] as number), theta[9 + k] as number),
      );
      const top = Math.max(...logits);
      const exp = logits.map((logit) => Math.exp(logit - top));
      const total = exp.reduce((sum, value) => sum + value, 0);
      return exp.map((value) => value / total);
    };
    for (const index of [0, 1, 8191, 8192, 16383, 16384, 19999])
      (first[index] as number[]).forEach((value, k) => {
        expect(value).toBeCloseTo(expectedRow(rows[index] as number[])[k] as number, 5);
      });
    // A step changes the parameters: the next prediction makes one new session and follows them.
    await trainer.fit(features, labels, { epochs: 1, batchSize: 6 });
    const after = await trainer.predictProbabilities(rows.slice(0, 1));
    expect(created - before).toBe(2);
    expect(after[0]).not.toEqual(first[0]);
    await trainer.release();
  });
});
