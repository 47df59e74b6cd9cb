import { describe, expect, it } from 'vitest';
import { PLAN_IDENTITY_RUN, traceBatches, tracePlannedRun } from '@weightspec/core';
import type { PlannedBatch } from '@weightspec/core';
import { trainWeightedLogisticRegression } from './mljs-weighted-training.ts';

const run = PLAN_IDENTITY_RUN;
const rows = run.features.map((row) => [...row]);

describe('trainWeightedLogisticRegression follows core training plan', () => {
  it('each full-batch step is one epoch of the plan: the same (clock, batch, admitted) trace as tfjs and onnx', () => {
    const seen: PlannedBatch[] = [];
    trainWeightedLogisticRegression(rows, [...run.labels], {
      spec: run.spec,
      numSteps: run.epochs,
      learningRate: 0.05,
      difficulty: [...run.difficulty],
      onBatchBegin: (batch) => void seen.push(batch),
    });
    // tfjs and onnx check their batches against the same trace at batchSize = N.
    expect(traceBatches(seen)).toEqual(tracePlannedRun(run, run.labels.length));
  });

  it('a deferred class schedule with start 80 switches on at epoch 80 = step 80, on the fast and general paths', () => {
    const spec = {
      specVersion: 1,
      loss: { kind: 'sigmoid_cross_entropy' },
      class: { strategy: 'balanced', schedule: { kind: 'deferred', start: 80 } },
    } as const;
    for (const extra of [{}, { adaptive: [{ kind: 'focal', gamma: 1 }] }] as const) {
      const seen: PlannedBatch[] = [];
      trainWeightedLogisticRegression(rows, [...run.labels], {
        spec: { ...spec, ...extra },
        numSteps: 100,
        learningRate: 0.01,
        onBatchBegin: (batch) => void seen.push(batch),
      });
      expect(seen.map((batch) => [batch.clock.epoch, batch.clock.step])).toEqual(
        Array.from({ length: 100 }, (_, step) => [step, step]),
      );
      // SPEC pinned rule 1: alpha = 0 before the start (every weight 1), 1 from epoch 80 on.
      expect(seen.map((batch) => batch.scheduled.classWeightExponent)).toEqual(
        Array.from({ length: 100 }, (_, step) => (step >= 80 ? 1 : 0)),
      );
    }
  });

  it('the fast path trains exactly as the general path while the deferred schedule is off and after it starts', () => {
    // Focal with gamma 0 and alpha null is the identity modulator, so it only forces the general path.
    const spec = {
      specVersion: 1,
      loss: { kind: 'sigmoid_cross_entropy' },
      class: { strategy: 'balanced', schedule: { kind: 'deferred', start: 3 } },
    } as const;
    const options = { numSteps: 6, learningRate: 0.05, intercept: true, bitExact: true };
    const fast = trainWeightedLogisticRegression(rows, [...run.labels], { ...options, spec });
    const general = trainWeightedLogisticRegression(rows, [...run.labels], {
      ...options,
      spec: { ...spec, adaptive: [{ kind: 'focal', gamma: 0 }] } as const,
    });
    const coefficients = (model: typeof fast) =>
      model.classifiers.flatMap((c) => (c.weights as { to1DArray(): number[] }).to1DArray());
    coefficients(general).forEach((value, index) => {
      expect(value).toBeCloseTo(coefficients(fast)[index] as number, 12);
    });
  });

  it('types the spec: a typo such as "balance" fails to compile, and to parse at run time', () => {
    expect(() =>
      trainWeightedLogisticRegression(rows, [...run.labels], {
        // @ts-expect-error "balance" is not a class strategy (editors suggest "balanced")
        spec: { specVersion: 1, loss: { kind: 'sigmoid_cross_entropy' }, class: { strategy: 'balance' } },
      }),
    ).toThrow(expect.objectContaining({ code: 'WS_INVALID_SPEC' }));
  });
});
