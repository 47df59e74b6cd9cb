import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createReferenceAdapter } from '@weightspec/core';
import type { WeightingAdapter } from '@weightspec/core';
import type { ConformanceVector } from '../vector/conformance-vector.ts';
import { loadVectorsSync } from '../vector/load-vectors.ts';
import { formatConformanceTable } from './format-conformance-report.ts';
import { runConformance } from './run-conformance.ts';

/** A vector written the way a user would export one from PyTorch: values computed there, by hand here. */
const pytorchStyleVector = {
  id: 'user/pytorch-cross-entropy-weight',
  description: 'torch.nn.CrossEntropyLoss(weight=[1, 2]) on logits [[0, 0], [0, 0]] with targets [0, 1].',
  // Mean with class weights divides by the sum of weights: (1*log 2 + 2*log 2) / 3 = log 2.
  source: 'hand-worked like torch: weighted mean of log 2',
  spec: { specVersion: 1, loss: { kind: 'softmax_cross_entropy' }, class: { strategy: 'manual', weights: [1, 2] } },
  inputs: {
    predictions: [
      [0, 0],
      [0, 0],
    ],
    targets: [0, 1],
  },
  expected: {
    loss: Math.LN2,
    weights: [[1], [2]],
    gradient: [
      [-1 / 6, 1 / 6],
      [1 / 3, -1 / 3],
    ],
  },
};

const temporaryDirectories: string[] = [];
afterAll(() => {
  for (const directory of temporaryDirectories) rmSync(directory, { recursive: true, force: true });
});

function writeVectors(files: Record<string, unknown>): string {
  const directory = mkdtempSync(join(tmpdir(), 'weightspec-vectors-'));
  temporaryDirectories.push(directory);
  for (const [name, content] of Object.entries(files)) {
    const path = join(directory, name);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  }
  return directory;
}

describe('runConformance', () => {
  it('accepts vectors from another tool and passes the reference on them', async () => {
    // Gradient by hand: d/dz of w_i (logsumexp - z_y) / 3 is w_i (softmax - onehot) / 3.
    const directory = writeVectors({ 'torch/cross-entropy.json': pytorchStyleVector });
    const report = await runConformance({ adapters: [createReferenceAdapter()], vectorDirectories: [directory] });
    expect(report.failed).toBe(0);
    expect(report.passed).toBe(1);
  });

  it('fails an adapter whose numbers are wrong, and says which quantity', async () => {
    const reference = createReferenceAdapter();
    const offByOnePercent: WeightingAdapter = {
      ...reference,
      id: 'wrong',
      async computeWeightedLoss(computation) {
        const result = await reference.computeWeightedLoss(computation);
        return { ...result, loss: result.loss * 1.01 };
      },
    };
    const directory = writeVectors({ 'case.json': pytorchStyleVector });
    const report = await runConformance({ adapters: [offByOnePercent], vectorDirectories: [directory] });
    expect(report.failed).toBe(1);
    expect(report.results[0]?.reason).toMatch(/^loss\[0\]: got/);
    expect(report.results[0]?.maxRelativeError).toBeCloseTo(0.01, 6);
  });

  it('skips only what an adapter declares unsupported, with its reason', async () => {
    const reference = createReferenceAdapter();
    const noClassWeights: WeightingAdapter = {
      ...reference,
      id: 'limited',
      capabilities: { unsupported: { 'class.weights': 'not in this framework' } },
    };
    const directory = writeVectors({ 'case.json': pytorchStyleVector });
    const report = await runConformance({ adapters: [noClassWeights], vectorDirectories: [directory] });
    expect(report.skipped).toBe(1);
    expect(report.results[0]?.reason).toBe('class.weights: not in this framework');
  });

  it('reports an undeclared WS_UNSUPPORTED_FEATURE as a failure, not a skip', async () => {
    const reference = createReferenceAdapter();
    const { UnsupportedFeatureError } = await import('@weightspec/core');
    const refusing: WeightingAdapter = {
      ...reference,
      id: 'refusing',
      async computeWeightedLoss() {
        throw new UnsupportedFeatureError('refusing', 'class.weights', 'no');
      },
    };
    const report = await runConformance({
      adapters: [refusing],
      vectors: loadVectorsSync([writeVectors({ 'a.json': pytorchStyleVector })]).vectors,
    });
    expect(report.failed).toBe(1);
    expect(report.results[0]?.reason).toMatch(/undeclared unsupported feature/);
  });

  it('explains a malformed vector with its file and JSON path, and counts it as a failure', async () => {
    const broken = { ...pytorchStyleVector, inputs: { predictions: [[0, 'x']], targets: [0] } };
    const directory = writeVectors({
      'broken.json': broken,
      'not-json.json': '{ nope',
      'fine.json': { ...pytorchStyleVector, id: 'fine' },
    });
    const report = await runConformance({ adapters: [createReferenceAdapter()], vectorDirectories: [directory] });
    const messages = report.problems.map((problem) => problem.message).join('\n');
    expect(messages).toContain('broken.json: $.inputs.predictions[0][1]: expected a number');
    expect(messages).toContain('not-json.json: $: not valid JSON');
    expect(report.failed).toBe(2);
    expect(report.passed).toBe(1);
    expect(formatConformanceTable(report)).toContain('Malformed vector files:');
  });

  it('prints a table with one row per vector and a summary line', async () => {
    const directory = writeVectors({ 'case.json': pytorchStyleVector });
    const report = await runConformance({ adapters: [createReferenceAdapter()], vectorDirectories: [directory] });
    const table = formatConformanceTable(report);
    expect(table.split('\n')[0]).toMatch(/^vector\s+reference$/);
    expect(table).toMatch(/user\/pytorch-cross-entropy-weight\s+pass /);
    expect(table.trim().split('\n').at(-1)).toBe('1 passed, 0 failed, 0 skipped (1 vectors x 1 adapters)');
    expect(JSON.parse(JSON.stringify(report)).passed).toBe(1);
  });

  it('treats a vector with an Infinity expected value or tolerance as malformed (it could never fail)', async () => {
    // In a file, JSON has no Infinity literal and 1e999 overflows: the strict reader rejects it at its path.
    const text = JSON.stringify(pytorchStyleVector);
    const directory = writeVectors({
      'infinite-loss.json': text.replace(/"expected":\{"loss":[^,]+,/, '"expected":{"loss":1e999,'),
    });
    const fromFile = await runConformance({ adapters: [createReferenceAdapter()], vectorDirectories: [directory] });
    expect(fromFile.problems.map((problem) => problem.message).join('\n')).toMatch(
      /\$\.expected\.loss: not valid JSON .*1e999/,
    );
    expect(fromFile.passed).toBe(0);
    // Vectors handed over as objects can hold Infinity itself: the vector check rejects each one.
    const inMemory = [
      { ...pytorchStyleVector, id: 'loss', expected: { loss: Number.POSITIVE_INFINITY } },
      { ...pytorchStyleVector, id: 'class-weight', expected: { classWeights: [1, Number.POSITIVE_INFINITY] } },
      { ...pytorchStyleVector, id: 'tolerance', tolerance: { relative: Number.POSITIVE_INFINITY, absolute: 0 } },
    ];
    const report = await runConformance({
      adapters: [createReferenceAdapter()],
      vectors: inMemory as unknown as ConformanceVector[],
    });
    const messages = report.problems.map((problem) => problem.message).join('\n');
    expect(messages).toContain('$.expected.loss: must be a finite number or "NaN"');
    expect(messages).toContain('$.expected.classWeights[1]: expected values must be finite');
    expect(messages).toContain('$.tolerance.relative: must be a finite number >= 0');
    expect(report.passed).toBe(0);
    expect(report.failed).toBe(3);
  });

  it('rejects an adapter object that is not one ({}) with a typed error naming what is missing', async () => {
    await expect(runConformance({ adapters: [{} as WeightingAdapter], vectors: [] })).rejects.toThrow(
      expect.objectContaining({ code: 'WS_INVALID_INPUT', message: expect.stringContaining('computeWeightedLoss') }),
    );
  });

  it('reports an adapter that throws a plain Error or returns {} as a failure without a stack', async () => {
    const directory = writeVectors({ 'case.json': pytorchStyleVector });
    const throwing: WeightingAdapter = {
      ...createReferenceAdapter(),
      id: 'throwing',
      async computeWeightedLoss() {
        throw new TypeError('boom');
      },
    };
    const empty: WeightingAdapter = {
      ...createReferenceAdapter(),
      id: 'empty',
      async computeWeightedLoss() {
        return {} as never;
      },
    };
    const report = await runConformance({ adapters: [throwing, empty], vectorDirectories: [directory] });
    expect(report.failed).toBe(2);
    expect(report.results[0]?.reason).toBe(
      'the adapter threw an untyped error (adapters must throw WeightspecErrors): TypeError: boom',
    );
    expect(report.results[1]?.reason).toMatch(/malformed result: loss must be a number/);
  });
});
