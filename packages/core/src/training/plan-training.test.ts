import { describe, expect, it } from 'vitest';
import { parseWeightingSpec } from '../spec/parse-weighting-spec.ts';
import { resolveWeighting } from '../resolve/resolve-weighting.ts';
import { countClasses } from '../stats/class-statistics.ts';
import { planTraining } from './plan-training.ts';
import { tracePlan } from './plan-trace.ts';
import type { TrainingPlanOptions } from './plan-training.ts';

const labels = [0, 1, 0, 0, 1, 0, 0, 1, 0, 0];

function planOf(blocks: Record<string, unknown>, options: Partial<TrainingPlanOptions> = {}) {
  const spec = parseWeightingSpec({ specVersion: 1, loss: { kind: 'softmax_cross_entropy' }, ...blocks });
  const resolved = resolveWeighting(spec, { stats: countClasses(labels, 2), numClasses: 2 });
  return planTraining(spec, resolved, { count: 10, epochs: 3, batchSize: 4, seed: 1, ...options });
}

/** Runs every epoch of a plan (ranking by `loss` when asked) and lists its batches. */
function batchesOf(plan: ReturnType<typeof planOf>, loss?: number[]) {
  const batches = [];
  for (let epoch = plan.firstEpoch; epoch < plan.totalEpochs; epoch += 1)
    batches.push(...plan.startEpoch(epoch).admit(loss).batches);
  return batches;
}

describe('planTraining', () => {
  it('counts steps as SPEC clock says: ceil(10/4) = 3 per epoch, step = 3 epoch + batch', () => {
    const plan = planOf({});
    expect([plan.stepsPerEpoch, plan.totalEpochs, plan.totalSteps]).toEqual([3, 3, 9]);
    const clocks = batchesOf(plan).map((batch) => batch.clock);
    expect(clocks.map((clock) => [clock.epoch, clock.step])).toEqual([
      [0, 0],
      [0, 1],
      [0, 2],
      [1, 3],
      [1, 4],
      [1, 5],
      [2, 6],
      [2, 7],
      [2, 8],
    ]);
    expect(clocks.every((clock) => clock.totalEpochs === 3 && clock.totalSteps === 9)).toBe(true);
  });

  it('shuffles each epoch into a permutation cut in batches of 4, 4, 2; the same seed gives the same order', () => {
    const plan = planOf({});
    const again = planOf({});
    for (let epoch = 0; epoch < 3; epoch += 1) {
      const planned = plan.startEpoch(epoch).admit();
      expect([...planned.order].sort((left, right) => left - right)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expect(planned.batches.map((batch) => batch.indices.length)).toEqual([4, 4, 2]);
      expect(planned.batches.flatMap((batch) => [...batch.indices])).toEqual([...planned.order]);
      expect([...again.startEpoch(epoch).admit().order]).toEqual([...planned.order]);
    }
    const orders = [0, 1, 2].map((epoch) => [...plan.startEpoch(epoch).admit().order].join());
    expect(new Set(orders).size).toBe(3);
    expect([...planOf({}, { seed: 2 }).startEpoch(0).admit().order]).not.toEqual([...plan.startEpoch(0).admit().order]);
  });

  it('a resumed plan (firstEpoch 2) orders epoch 2 as the one long run does', () => {
    const long = planOf({}, { epochs: 3 });
    const resumed = planOf({}, { epochs: 1, firstEpoch: 2 });
    expect(resumed.totalEpochs).toBe(3);
    expect([...resumed.startEpoch(2).admit().order]).toEqual([...long.startEpoch(2).admit().order]);
    expect(() => resumed.startEpoch(1)).toThrow(/epoch/);
  });

  it('one full batch (batchSize >= count, as ml.js trains) is one step per epoch, in index order, and static', () => {
    const plan = planOf({}, { batchSize: 10, epochs: 2 });
    expect(plan.isStatic).toBe(true);
    const batches = batchesOf(plan);
    expect(batches.map((batch) => [batch.clock.epoch, batch.clock.step, [...batch.indices].join()])).toEqual([
      [0, 0, '0,1,2,3,4,5,6,7,8,9'],
      [1, 1, '0,1,2,3,4,5,6,7,8,9'],
    ]);
    expect(planOf({}, { shuffle: false }).isStatic).toBe(true);
    expect(planOf({}).isStatic).toBe(false);
  });

  it('a deferred class schedule with start 80 switches on at epoch 80 whatever the batch size', () => {
    const classBlock = { class: { strategy: 'balanced', schedule: { kind: 'deferred', start: 80 } } };
    for (const batchSize of [10, 3]) {
      const plan = planOf(classBlock, { batchSize, epochs: 100 });
      const exponents = Array.from({ length: 100 }, (_, epoch) =>
        plan
          .startEpoch(epoch)
          .admit()
          .batches.map((batch) => batch.scheduled.classWeightExponent),
      );
      // alpha = 0 before epoch 80 (SPEC pinned rule 1), 1 from then on, in every batch of the epoch.
      exponents.forEach((perBatch, epoch) => {
        expect(perBatch).toEqual(perBatch.map(() => (epoch >= 80 ? 1 : 0)));
      });
    }
  });

  it('a schedule in step units moves from batch to batch inside an epoch', () => {
    const plan = planOf({ class: { strategy: 'balanced', schedule: { kind: 'deferred', start: 4, unit: 'step' } } });
    expect(batchesOf(plan).map((batch) => batch.scheduled.classWeightExponent)).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 1]);
  });

  it('a select curriculum admits the ceil(g M) easiest by provided difficulty; left-out steps still tick', () => {
    // Linear pacing from 0.5 over 2 epochs: g = 0.5 at epoch 0 (5 of 10), 0.75 at epoch 1 (ceil 7.5 = 8).
    const difficulty = [9, 1, 8, 2, 7, 3, 6, 4, 5, 0];
    const plan = planOf(
      { curriculum: { difficulty: 'provided', pacing: { kind: 'linear', start: 0.5 } } },
      { epochs: 2, difficulty },
    );
    const first = plan.startEpoch(0).admit();
    expect([...first.order].sort((left, right) => left - right)).toEqual([1, 3, 5, 7, 9]);
    expect([first.admittedSamples, first.effectiveWeight]).toEqual([5, 5]);
    expect(first.batches.map((batch) => batch.clock.step)).toEqual([0, 1]);
    const second = plan.startEpoch(1).admit();
    expect([...second.order].sort((left, right) => left - right)).toEqual([1, 3, 5, 6, 7, 8, 9, 4].sort());
    // Epoch 1 starts at step 3 = stepsPerEpoch, although epoch 0 ran only two batches.
    expect(second.batches.map((batch) => batch.clock.step)).toEqual([3, 4]);
  });

  it('a loss curriculum asks for the ranking loss and admits the lowest losses', () => {
    const plan = planOf({ curriculum: { difficulty: 'loss', pacing: { kind: 'linear', start: 0.3 } } });
    expect(plan.needsRanking).toBe(true);
    const start = plan.startEpoch(0);
    expect(start.needsRanking).toBe(true);
    expect(() => start.admit()).toThrow(expect.objectContaining({ code: 'WS_INVALID_INPUT' }));
    expect(() => start.admit([1, 2, Number.NaN, 4, 5, 6, 7, 8, 9, 10])).toThrow(/rankingLoss\[2\]/);
    const loss = [0.5, 0.1, 0.9, 0.2, 0.8, 0.7, 0.3, 0.6, 0.4, 1];
    // g = 0.3 at epoch 0: the 3 lowest losses are rows 1 (0.1), 3 (0.2) and 6 (0.3).
    expect([...start.admit(loss).order].sort()).toEqual([1, 3, 6]);
  });

  it('a soft curriculum weights by quantile and admits every sample with weight > 0', () => {
    const plan = planOf(
      { curriculum: { difficulty: 'provided', pacing: { kind: 'linear', start: 0.5 }, mode: 'soft', softness: 0.25 } },
      { difficulty: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] },
    );
    const planned = plan.startEpoch(0).admit();
    // q = (rank+1)/10; weight 1 up to q = 0.5, then 1 - (q - 0.5)/0.25: 0.6 at q 0.6, 0.2 at q 0.7, 0 after.
    const weights = Array.from(planned.curriculumWeights as Float64Array);
    expect(weights.slice(0, 5)).toEqual([1, 1, 1, 1, 1]);
    expect(weights[5]).toBeCloseTo(0.6, 12);
    expect(weights[6]).toBeCloseTo(0.2, 12);
    expect(weights.slice(7)).toEqual([0, 0, 0]);
    expect(planned.admittedSamples).toBe(7);
    expect(planned.effectiveWeight).toBeCloseTo(5.8, 12);
  });

  it('loss factors: hard mining keeps the k largest (ties to the lower index), self-paced thresholds at lambda(t)', () => {
    const plan = planOf({
      adaptive: [
        { kind: 'hard_mining', keepFraction: 0.5 },
        { kind: 'self_paced', threshold: 0.85, mode: 'linear' },
      ],
    });
    expect(plan.needsBatchLoss).toBe(true);
    const batch = plan.startEpoch(0).admit().batches[0];
    if (!batch) throw new Error('no batch');
    // k = ceil(0.5 * 4) = 2 of [0.3, 0.6, 0.1, 0.6]: rows 1 and 3; linear 1 - l/0.85 on those.
    const factors = Array.from(plan.lossFactors(batch, [0.3, 0.6, 0.1, 0.6]));
    expect(factors[0]).toBe(0);
    expect(factors[2]).toBe(0);
    expect(factors[1]).toBeCloseTo(1 - 0.6 / 0.85, 12);
    expect(factors[3]).toBeCloseTo(1 - 0.6 / 0.85, 12);
  });

  it('rejects sizes that would never end or never start with typed errors', () => {
    for (const options of [{ batchSize: 0 }, { batchSize: -2 }, { batchSize: Number.NaN }, { count: 0 }, { epochs: 0 }])
      expect(() => planOf({}, options)).toThrow(expect.objectContaining({ code: 'WS_INVALID_INPUT' }));
    expect(() => planOf({ curriculum: { difficulty: 'provided', pacing: { kind: 'linear', start: 0.5 } } })).toThrow(
      /difficulty/,
    );
    expect(() =>
      planOf(
        { curriculum: { difficulty: 'provided', pacing: { kind: 'linear', start: 0.5 } } },
        { difficulty: [1, 2, 3] },
      ),
    ).toThrow(/difficulty/);
  });

  it('traces a plan as plain per-epoch arrays: steps, batches and the admitted samples ascending', () => {
    const plan = planOf(
      { curriculum: { difficulty: 'provided', pacing: { kind: 'linear', start: 0.5 } } },
      { epochs: 2, difficulty: [9, 1, 8, 2, 7, 3, 6, 4, 5, 0] },
    );
    const trace = tracePlan(plan);
    expect(trace.map((epoch) => [epoch.epoch, epoch.steps, epoch.admitted])).toEqual([
      [0, [0, 1], [1, 3, 5, 7, 9]],
      [1, [3, 4], [1, 3, 4, 5, 6, 7, 8, 9]],
    ]);
    expect(trace[0]?.batches.flat()).toEqual([...plan.startEpoch(0).admit().order]);
  });
});
