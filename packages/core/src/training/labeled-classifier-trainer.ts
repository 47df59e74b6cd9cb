import type { ClassifierTrainer, ClassifierTrainingRequest, TrainedClassifier } from '../adapter/classifier-trainer.ts';
import { InvalidInputError } from '../errors/invalid-input-error.ts';
import { decodeLabels, encodeLabels } from '../labels/encode-labels.ts';
import type { ClassLabel } from '../labels/encode-labels.ts';
import type { FeatureMatrixInput } from '../validate/input-validators.ts';

/** A training request whose labels may be strings or arbitrary numbers, with an optional class list. */
export interface LabeledTrainingRequest extends Omit<ClassifierTrainingRequest, 'labels' | 'numClasses'> {
  /** Class indices, or labels of `classes` (strings or numbers). */
  readonly labels: readonly ClassLabel[] | Int32Array;
  /** The classes in index order (default: the sorted distinct labels, scikit-learn's LabelEncoder). */
  readonly classes?: readonly ClassLabel[] | null;
  /** C; default: the length of the class list. */
  readonly numClasses?: number;
}

/** A trained classifier that also answers with labels. */
export interface LabeledClassifier extends TrainedClassifier {
  /** The classes in index order: `classes[predict(x)[i]]` is row i's label. */
  readonly classes: readonly ClassLabel[];
  /** The most likely label per row. */
  predictLabels(features: FeatureMatrixInput): Promise<ClassLabel[]>;
}

/** A classifier trainer that takes labels as users hold them. */
export interface LabeledClassifierTrainer extends ClassifierTrainer {
  train(request: LabeledTrainingRequest | ClassifierTrainingRequest): Promise<LabeledClassifier>;
}

/**
 * Wraps a trainer so it takes string (or any) labels with a class list and maps predictions back
 * (core's encodeLabels / decodeLabels). Integer labels without `classes` keep their meaning: class
 * index i stays i, so C is numClasses (default: the largest label + 1).
 */
export function withClassLabels(trainer: ClassifierTrainer): LabeledClassifierTrainer {
  return {
    id: trainer.id,
    ...(trainer.denseFeatures === undefined ? {} : { denseFeatures: trainer.denseFeatures }),
    async train(request) {
      const givenClasses = 'classes' in request ? request.classes : null;
      // An Int32Array (the CLI's columnar labels) holds class indices by construction.
      const typed = ArrayBuffer.isView(request.labels);
      const indices =
        givenClasses == null &&
        (typed ||
          (request.labels as readonly ClassLabel[]).every(
            (label) => typeof label === 'number' && Number.isInteger(label),
          ));
      let classes: readonly ClassLabel[];
      let codes: readonly number[] | Int32Array;
      if (indices) {
        // A loop, not Math.max(...labels): spreading 125k+ arguments overflows the call stack.
        let largest = -1;
        for (let index = 0; index < request.labels.length; index += 1)
          largest = Math.max(largest, request.labels[index] as number);
        const count = request.numClasses ?? largest + 1;
        classes = Array.from({ length: Math.max(count, 0) }, (_, index) => index);
        codes = request.labels as readonly number[] | Int32Array;
      } else {
        const encoded = encodeLabels(
          request.labels as readonly ClassLabel[],
          givenClasses == null ? {} : { classes: givenClasses },
        );
        classes = encoded.classes;
        codes = Array.from(encoded.codes);
        if (request.numClasses !== undefined && request.numClasses !== classes.length)
          throw new InvalidInputError(
            'numClasses',
            `is ${request.numClasses} but the labels have ${classes.length} classes`,
          );
      }
      const trained = await trainer.train({
        ...request,
        labels: codes,
        numClasses: request.numClasses ?? classes.length,
      });
      return Object.assign(trained, {
        classes,
        async predictLabels(features: FeatureMatrixInput) {
          return decodeLabels(await trained.predict(features), classes);
        },
      });
    },
  };
}
