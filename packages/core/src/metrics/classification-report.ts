import type { ClassLabel } from '../labels/encode-labels.ts';
import { InvalidInputError } from '../errors/invalid-input-error.ts';
import { accuracyOfEncoded, balancedAccuracyOfEncoded } from './accuracy-scores.ts';
import { encodePredictions } from './metric-labels.ts';
import { scoresOfEncoded } from './precision-recall-f1.ts';
import type { ClassScores, PrecisionRecallF1Options } from './precision-recall-f1.ts';
import { formatFixed, formatPythonFloat } from './python-number-format.ts';

/** Options of {@link classificationReport}. */
export interface ClassificationReportOptions<Label extends ClassLabel> extends PrecisionRecallF1Options<Label> {
  /** Display names in `classes` order (scikit-learn `target_names`); default String(label). */
  readonly targetNames?: readonly string[];
}

/** Everything scikit-learn's classification_report shows, plus balanced accuracy, as numbers. */
export interface ClassificationReport<Label extends ClassLabel = ClassLabel> {
  /** The classes, in row order. */
  readonly classes: readonly Label[];
  /** Row names of the text and keys of the JSON, in `classes` order. */
  readonly targetNames: readonly string[];
  /** Per class: precision, recall, F1 and (weighted) support. */
  readonly perClass: readonly ClassScores[];
  /** Weighted accuracy (the micro average of single-label predictions). */
  readonly accuracy: number;
  /** Mean recall over classes present in yTrue (scikit-learn `balanced_accuracy_score`). */
  readonly balancedAccuracy: number;
  /** Unweighted mean over classes (scikit-learn `macro avg`). */
  readonly macroAvg: ClassScores;
  /** Mean over classes weighted by support (scikit-learn `weighted avg`). */
  readonly weightedAvg: ClassScores;
  /** Whether sample weights were given (supports are then weight sums, printed as floats). */
  readonly weighted: boolean;
}

/** One row of {@link ClassificationReportJson}, with scikit-learn's key names. */
export interface ClassificationReportJsonRow {
  readonly precision: number;
  readonly recall: number;
  readonly 'f1-score': number;
  readonly support: number;
}

/** scikit-learn's `classification_report(..., output_dict=True)`: rows by name, `accuracy`, averages. */
export type ClassificationReportJson = Readonly<Record<string, ClassificationReportJsonRow | number>>;

/**
 * Per-class precision, recall, F1 and support, accuracy, balanced accuracy and the macro and weighted
 * averages, with sample weights (scikit-learn `classification_report(y_true, y_pred, labels=,
 * target_names=, sample_weight=, zero_division=)`; scores as in {@link precisionRecallF1}). Print it
 * with {@link formatClassificationReport}, serialize it with {@link classificationReportToJson}.
 */
export function classificationReport<Label extends ClassLabel>(
  yTrue: ArrayLike<Label>,
  yPred: ArrayLike<Label>,
  options: ClassificationReportOptions<Label> = {},
): ClassificationReport<Label> {
  const encoded = encodePredictions(yTrue, yPred, options);
  const scores = scoresOfEncoded(encoded, options.zeroDivision ?? 0);
  const targetNames = options.targetNames ?? encoded.classes.map((label) => String(label));
  if (targetNames.length !== encoded.classes.length)
    throw new InvalidInputError(
      'targetNames',
      `has ${targetNames.length} names but there are ${encoded.classes.length} classes`,
    );
  return {
    classes: encoded.classes,
    targetNames: [...targetNames],
    perClass: scores.perClass,
    accuracy: accuracyOfEncoded(encoded),
    balancedAccuracy: balancedAccuracyOfEncoded(encoded),
    macroAvg: scores.macroAvg,
    weightedAvg: scores.weightedAvg,
    weighted: encoded.weighted,
  };
}

/**
 * The report as scikit-learn prints it (`classification_report` text, `digits` decimals, default 2):
 * right-aligned columns precision / recall / f1-score / support, then accuracy, macro avg and
 * weighted avg. Supports print as integers, or as Python floats when sample weights were given.
 */
export function formatClassificationReport(report: ClassificationReport, options: { digits?: number } = {}): string {
  const digits = options.digits ?? 2;
  const width = Math.max(...report.targetNames.map((name) => name.length), 'weighted avg'.length, digits);
  const cell = (text: string) => ` ${text.padStart(9)}`;
  const support = (value: number) => (report.weighted ? formatPythonFloat(value) : String(value));
  const row = (name: string, scores: ClassScores) =>
    `${name.padStart(width)} ${[scores.precision, scores.recall, scores.f1].map((value) => cell(formatFixed(value, digits))).join('')}${cell(support(scores.support))}\n`;
  let text = `${''.padStart(width)} ${['precision', 'recall', 'f1-score', 'support'].map(cell).join('')}\n\n`;
  report.perClass.forEach((scores, index) => {
    text += row(report.targetNames[index] as string, scores);
  });
  text += '\n';
  const total = report.macroAvg.support;
  text += `${'accuracy'.padStart(width)} ${cell('')}${cell('')}${cell(formatFixed(report.accuracy, digits))}${cell(support(total))}\n`;
  text += row('macro avg', report.macroAvg);
  text += row('weighted avg', report.weightedAvg);
  return text;
}

/** The report as scikit-learn's `output_dict=True` gives it, ready for JSON.stringify. */
export function classificationReportToJson(report: ClassificationReport): ClassificationReportJson {
  const asRow = (scores: ClassScores): ClassificationReportJsonRow => ({
    precision: scores.precision,
    recall: scores.recall,
    'f1-score': scores.f1,
    support: scores.support,
  });
  const json: Record<string, ClassificationReportJsonRow | number> = {};
  report.perClass.forEach((scores, index) => {
    // defineProperty: a class named "__proto__" must become a key, not the object's prototype.
    Object.defineProperty(json, report.targetNames[index] as string, {
      value: asRow(scores),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  });
  json.accuracy = report.accuracy;
  json['macro avg'] = asRow(report.macroAvg);
  json['weighted avg'] = asRow(report.weightedAvg);
  return json;
}
