import { InvalidInputError, classificationReport, isDenseFeatureMatrix } from '@weightspec/core';
import type {
  ClassificationReport,
  ClassifierTrainer,
  ClassifierTrainingRequest,
  FeatureMatrixInput,
  TrainedClassifier,
} from '@weightspec/core';
import type { CliIo } from './cli-io.ts';
import { createProgressDisplay, epochProgressHandler } from './progress-display.ts';

/** A trained model and its scores on the test rows. */
export interface EvaluatedClassifier {
  readonly classifier: TrainedClassifier;
  /** Core's weighted-metrics report (scikit-learn's definitions) over the classes 0..C-1. */
  readonly report: ClassificationReport<number>;
  /** Mean training loss of the last epoch (null when the trainer reported no progress). */
  readonly finalLoss: number | null;
}

/** Features as rows of numbers (for trainers written for the rows-only contract). */
function featureRows(features: FeatureMatrixInput): readonly (readonly number[])[] {
  if (!isDenseFeatureMatrix(features)) return features;
  const { values, rows, columns } = features;
  return Array.from({ length: rows }, (_, row) => Array.from(values.subarray(row * columns, (row + 1) * columns)));
}

/** A typed per-row array as a plain one; plain arrays and null as they are. */
const plain = <T>(values: T): T | number[] =>
  ArrayBuffer.isView(values) ? Array.from(values as unknown as ArrayLike<number>) : values;

/**
 * The request as `trainer` takes it: dense features and typed arrays for trainers that declare
 * `denseFeatures`, rows and plain arrays for the others (third-party adapters written before it).
 */
function requestFor(
  trainer: ClassifierTrainer,
  request: Omit<ClassifierTrainingRequest, 'onProgress'>,
): Omit<ClassifierTrainingRequest, 'onProgress'> {
  if (trainer.denseFeatures) return request;
  return {
    ...request,
    features: featureRows(request.features),
    labels: plain(request.labels) as number[],
    sampleWeights: plain(request.sampleWeights) as number[] | null | undefined,
    difficulty: plain(request.difficulty) as number[] | null | undefined,
  };
}

/**
 * Trains with `trainer`, showing a per-epoch progress bar (with the epoch's loss) on stderr under
 * `label`, then scores the test rows. A predicted class outside [0, C) is an InvalidInputError (an
 * adapter bug must not turn into NaN scores).
 */
export async function trainAndEvaluate(
  trainer: ClassifierTrainer,
  request: Omit<ClassifierTrainingRequest, 'onProgress'>,
  test: { readonly features: FeatureMatrixInput; readonly labels: ArrayLike<number> },
  io: CliIo,
  label: string,
): Promise<EvaluatedClassifier> {
  const display = createProgressDisplay(io, label, true);
  const showEpoch = epochProgressHandler(display);
  let finalLoss: number | null = null;
  let classifier: TrainedClassifier;
  try {
    classifier = await trainer.train({
      ...requestFor(trainer, request),
      onProgress: (progress) => {
        finalLoss = progress.loss;
        showEpoch(progress);
      },
    });
  } finally {
    display.finish();
  }
  const predicted = await classifier.predict(trainer.denseFeatures ? test.features : featureRows(test.features));
  if (predicted.length !== test.labels.length)
    throw new InvalidInputError(
      `${trainer.id} predictions`,
      `got ${predicted.length} predictions for ${test.labels.length} rows`,
    );
  predicted.forEach((value, index) => {
    if (!Number.isInteger(value) || value < 0 || value >= request.numClasses)
      throw new InvalidInputError(
        `${trainer.id} predictions[${index}]`,
        `class ${value} is not an integer in [0, ${request.numClasses})`,
      );
  });
  const classes = Array.from({ length: request.numClasses }, (_, index) => index);
  return { classifier, report: classificationReport(test.labels, predicted, { classes }), finalLoss };
}
