import { InvalidInputError } from '@weightspec/core';
import { classificationReport } from '@weightspec/conformance/datasets';
import type { TrainingEvent, TrainingRequest } from './training-messages.ts';

/**
 * The index of each row's largest score (first one on ties, as numpy.argmax). A non-finite score is an
 * InvalidInputError naming the row: a diverged model or a failing backend must not read as class 0.
 */
export function argMaxRows(rows: readonly (readonly number[])[]): number[] {
  return rows.map((row, rowIndex) => {
    const bad = row.findIndex((score) => !Number.isFinite(score));
    if (bad >= 0)
      throw new InvalidInputError(
        `predictions[${rowIndex}][${bad}]`,
        `is ${row[bad]}: the model diverged or the backend failed; try another backend or a lower learning rate`,
      );
    let best = 0;
    for (let index = 1; index < row.length; index += 1)
      if ((row[index] as number) > (row[best] as number)) best = index;
    return best;
  });
}

/** The `done` event of a run: per-class recall, macro recall and accuracy on the test rows. */
export function evaluateRun(
  request: Pick<TrainingRequest, 'testLabels' | 'numClasses'>,
  predicted: readonly number[],
  seconds: number,
): Extract<TrainingEvent, { type: 'done' }> {
  const report = classificationReport(request.testLabels, predicted, request.numClasses);
  return {
    type: 'done',
    recall: report.perClass.map((entry) => entry.recall),
    macroRecall: report.macroRecall,
    accuracy: report.accuracy,
    seconds,
  };
}
