import { describe, expect, it } from 'vitest';
import { argMaxRows, evaluateRun } from './training-evaluation.ts';
import { unweightedSpecOf } from './training-messages.ts';
import { parseHiddenUnits } from '../page/training-panel.ts';

describe('training evaluation', () => {
  it('takes the first largest score on ties (numpy.argmax) and rejects NaN scores by row', () => {
    expect(
      argMaxRows([
        [0.1, 0.7, 0.2],
        [0.5, 0.5, 0],
        [-3, -1, -2],
      ]),
    ).toEqual([1, 0, 1]);
    expect(() =>
      argMaxRows([
        [0.1, 0.9],
        [Number.NaN, 0.1],
      ]),
    ).toThrow(/predictions\[1\]\[0\]/);
  });

  it('scores recall per class on the test rows', () => {
    // Truth 0,0,1,1,2 against 0,1,1,1,0: recall 1/2, 2/2, 0/1; macro (0.5 + 1 + 0) / 3; accuracy 3/5.
    const done = evaluateRun({ testLabels: [0, 0, 1, 1, 2], numClasses: 3 }, [0, 1, 1, 1, 0], 1.5);
    expect(done.recall).toEqual([0.5, 1, 0]);
    expect(done.macroRecall).toBeCloseTo(0.5, 12);
    expect(done.accuracy).toBeCloseTo(0.6, 12);
    expect(done.seconds).toBe(1.5);
  });

  it('compares against a spec with the same loss and no weighting', () => {
    const loss = { kind: 'softmax_cross_entropy', labelSmoothing: 0.1 };
    expect(unweightedSpecOf({ specVersion: 1, loss, class: { strategy: 'balanced' } })).toEqual({
      specVersion: 1,
      loss,
    });
  });

  it('reads hidden layer sizes, 0 or nothing meaning a linear model', () => {
    expect(parseHiddenUnits(' 16, 8 ')).toEqual([16, 8]);
    expect(parseHiddenUnits('0')).toEqual([]);
    expect(parseHiddenUnits('')).toEqual([]);
    expect(() => parseHiddenUnits('16,x')).toThrow(/hiddenUnits/);
  });
});
