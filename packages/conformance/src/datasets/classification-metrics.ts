import { classificationReport as coreClassificationReport } from '@weightspec/core';
import type { ClassificationReport as CoreClassificationReport } from '@weightspec/core';

/** Core's weighted-metrics report with the two summary names the dataset tests read. */
export interface ClassificationReport extends CoreClassificationReport<number> {
  /** Mean recall over classes with support: the same number as balancedAccuracy. */
  readonly macroRecall: number;
  /** Macro-averaged F1 (`macroAvg.f1`). */
  readonly macroF1: number;
}

/**
 * Scores integer predictions over the classes 0..numClasses-1 with core's `classificationReport`
 * (scikit-learn's definitions; macro averages over all numClasses classes, as scikit-learn does when
 * `labels` is given). The computation lives in core; this keeps the dataset tests' call shape.
 */
export function classificationReport(
  truth: ArrayLike<number>,
  predicted: ArrayLike<number>,
  numClasses: number,
): ClassificationReport {
  const classes = Array.from({ length: numClasses }, (_, index) => index);
  const report = coreClassificationReport(truth, predicted, { classes });
  return { ...report, macroRecall: report.balancedAccuracy, macroF1: report.macroAvg.f1 };
}
