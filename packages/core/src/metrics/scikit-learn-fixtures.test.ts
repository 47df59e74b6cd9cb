import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { computeClassWeights } from '../weights/compute-class-weights.ts';
import { computeSampleWeights } from '../weights/compute-sample-weights.ts';
import { accuracyScore, balancedAccuracyScore } from './accuracy-scores.ts';
import { classificationReport, formatClassificationReport } from './classification-report.ts';
import { confusionMatrix } from './confusion-matrix.ts';
import { logLoss } from './log-loss.ts';
import { precisionRecallF1 } from './precision-recall-f1.ts';

interface Fixture {
  yTrue: string[];
  yPred: string[];
  sampleWeight: number[];
  probabilities: number[][];
  confusionMatrix: number[][];
  precision: number[];
  recall: number[];
  f1: number[];
  support: number[];
  macro: number[];
  weighted: number[];
  accuracy: number;
  balancedAccuracy: number;
  logLoss: number;
  report: string;
  balancedClassWeights: number[];
  multiOutputSampleWeights: number[];
}

// Computed by scikit-learn itself on random string-labelled weighted cases:
// /usr/bin/python3 packages/core/scripts/generate-scikit-learn-metric-fixtures.py (scikit-learn 1.2.1).
const fixtures = JSON.parse(
  readFileSync(new URL('../../fixtures/scikit-learn-metric-fixtures.json', import.meta.url), 'utf8'),
) as { scikitLearn: string; cases: Fixture[] };

const close = (actual: ArrayLike<number>, expected: readonly number[]) => {
  expect(actual.length).toBe(expected.length);
  expected.forEach((value, index) => {
    expect(actual[index]).toBeCloseTo(value, 12);
  });
};

describe(`weighted metrics equal scikit-learn ${fixtures.scikitLearn} on its own output`, () => {
  fixtures.cases.forEach((fixture, caseIndex) => {
    it(`case ${caseIndex}: ${fixture.yTrue.length} samples`, () => {
      const options = { sampleWeight: fixture.sampleWeight };
      close(confusionMatrix(fixture.yTrue, fixture.yPred, options).matrix.flat(), fixture.confusionMatrix.flat());
      const scores = precisionRecallF1(fixture.yTrue, fixture.yPred, options);
      close(
        scores.perClass.map((entry) => entry.precision),
        fixture.precision,
      );
      close(
        scores.perClass.map((entry) => entry.recall),
        fixture.recall,
      );
      close(
        scores.perClass.map((entry) => entry.f1),
        fixture.f1,
      );
      close(
        scores.perClass.map((entry) => entry.support),
        fixture.support,
      );
      close([scores.macroAvg.precision, scores.macroAvg.recall, scores.macroAvg.f1], fixture.macro);
      close([scores.weightedAvg.precision, scores.weightedAvg.recall, scores.weightedAvg.f1], fixture.weighted);
      expect(accuracyScore(fixture.yTrue, fixture.yPred, options)).toBeCloseTo(fixture.accuracy, 12);
      expect(balancedAccuracyScore(fixture.yTrue, fixture.yPred, options)).toBeCloseTo(fixture.balancedAccuracy, 12);
      expect(logLoss(fixture.yTrue, fixture.probabilities, options)).toBeCloseTo(fixture.logLoss, 12);
      const report = classificationReport(fixture.yTrue, fixture.yPred, options);
      expect(formatClassificationReport(report, { digits: 3 })).toBe(fixture.report);
      close(computeClassWeights(fixture.yTrue, 'balanced').weights, fixture.balancedClassWeights);
      const pairs = fixture.yTrue.map((label, index) => [label, fixture.yPred[index] as string]);
      close(computeSampleWeights(pairs, 'balanced'), fixture.multiOutputSampleWeights);
    });
  });
});
