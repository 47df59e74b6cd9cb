import { loadOnnxRuntime } from '@weightspec/onnx';
import { describe, expect, it } from 'vitest';
import { runOnnxTraining } from './onnx-training-run.ts';
import type { TrainingEvent, TrainingRequest } from './training-messages.ts';

// The worker's ONNX path, run in Node with onnxruntime-node in place of onnxruntime-web (same API).
// Two clusters 8 units apart on each axis: any linear model that trains at all separates them.
const cluster = (center: number, count: number) =>
  Array.from({ length: count }, (_, index) => [center + ((index % 5) - 2) * 0.2, center - ((index % 3) - 1) * 0.2]);

const request: TrainingRequest = {
  engine: 'onnx',
  variant: 'weighted',
  specDocument: { specVersion: 1, loss: { kind: 'softmax_cross_entropy' }, class: { strategy: 'balanced' } },
  trainFeatures: [...cluster(-4, 40), ...cluster(4, 8)],
  trainLabels: [...new Array(40).fill(0), ...new Array(8).fill(1)],
  testFeatures: [...cluster(-4, 5), ...cluster(4, 5)],
  testLabels: [0, 0, 0, 0, 0, 1, 1, 1, 1, 1],
  numClasses: 2,
  epochs: 12,
  batchSize: 16,
  learningRate: 0.1,
  hiddenUnits: [],
  seed: 3,
  tfjsBackend: 'auto',
};

describe('runOnnxTraining', () => {
  it('reports started, one loss per epoch, then recall on the test rows', async () => {
    const events: TrainingEvent[] = [];
    await runOnnxTraining(request, await loadOnnxRuntime(), 'onnxruntime-node', (event) => events.push(event));
    expect(events[0]).toEqual({ type: 'started', runtime: 'onnxruntime-node' });
    const epochs = events.filter((event) => event.type === 'epoch');
    expect(epochs.map((event) => event.epoch)).toEqual(Array.from({ length: 12 }, (_, epoch) => epoch));
    for (const event of epochs) expect(Number.isFinite(event.loss) && event.loss > 0).toBe(true);
    const last = events[events.length - 1];
    expect(last?.type).toBe('done');
    if (last?.type === 'done') {
      expect(last.recall).toEqual([1, 1]);
      expect(last.accuracy).toBe(1);
    }
  });

  it('reports a spec the ONNX path cannot train as a typed error', async () => {
    const regression = { ...request, specDocument: { specVersion: 1, loss: { kind: 'mse' } } };
    await expect(runOnnxTraining(regression, await loadOnnxRuntime(), 'node', () => {})).rejects.toMatchObject({
      code: 'WS_UNSUPPORTED_FEATURE',
    });
  });
});
