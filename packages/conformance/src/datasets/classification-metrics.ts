/** Per-class precision, recall and F1, plus summary scores, for integer predictions. */
export interface ClassificationReport {
  readonly perClass: readonly {
    readonly precision: number;
    readonly recall: number;
    readonly f1: number;
    readonly support: number;
  }[];
  readonly accuracy: number;
  /** Mean recall over classes with support (scikit-learn balanced_accuracy_score). */
  readonly balancedAccuracy: number;
  /** Same as balancedAccuracy; named for readers who look for macro recall. */
  readonly macroRecall: number;
  readonly macroF1: number;
}

/** Computes a classification report; classes without support are left out of the macro averages. */
export function classificationReport(
  truth: ArrayLike<number>,
  predicted: ArrayLike<number>,
  numClasses: number,
): ClassificationReport {
  const truePositive = new Array<number>(numClasses).fill(0);
  const predictedCount = new Array<number>(numClasses).fill(0);
  const support = new Array<number>(numClasses).fill(0);
  let correct = 0;
  for (let index = 0; index < truth.length; index += 1) {
    const actual = truth[index] as number;
    const guess = predicted[index] as number;
    support[actual] = (support[actual] as number) + 1;
    predictedCount[guess] = (predictedCount[guess] as number) + 1;
    if (actual === guess) {
      truePositive[actual] = (truePositive[actual] as number) + 1;
      correct += 1;
    }
  }
  const perClass = support.map((count, label) => {
    const precision =
      (predictedCount[label] as number) === 0 ? 0 : (truePositive[label] as number) / (predictedCount[label] as number);
    const recall = count === 0 ? 0 : (truePositive[label] as number) / count;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { precision, recall, f1, support: count };
  });
  const present = perClass.filter((entry) => entry.support > 0);
  const macroRecall = present.reduce((sum, entry) => sum + entry.recall, 0) / Math.max(present.length, 1);
  const macroF1 = present.reduce((sum, entry) => sum + entry.f1, 0) / Math.max(present.length, 1);
  return {
    perClass,
    accuracy: truth.length === 0 ? 0 : correct / truth.length,
    balancedAccuracy: macroRecall,
    macroRecall,
    macroF1,
  };
}
