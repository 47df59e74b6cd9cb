import LogisticRegression from 'ml-logistic-regression';
import { Matrix } from 'ml-matrix';
import { InvalidInputError } from '@weightspec/core';

/** Marker written into toJSON() so `WeightedLogisticRegression.load` restores the intercept column. */
export interface WeightspecModelExtras {
  /** True when the model was trained with an appended constant-1 column (the intercept). */
  readonly intercept: boolean;
  /** Number of raw input features the model takes (before the intercept column). */
  readonly inputFeatures: number;
}

/**
 * A genuine ml-logistic-regression `LogisticRegression` (instanceof holds; `predict`, `toJSON` and
 * `LogisticRegression.load` keep working) that was trained with weightspec weights. Input feature
 * weights are folded into the coefficients, so it predicts on raw inputs. With an intercept, the last
 * coefficient of each one-vs-all classifier multiplies a constant 1 that `predict` appends; the plain
 * `LogisticRegression.load` of its JSON expects that column appended by the caller
 * (`appendInterceptColumn`), `WeightedLogisticRegression.load` appends it itself.
 */
export class WeightedLogisticRegression extends LogisticRegression {
  /** How this model reads its inputs. */
  readonly weightspec: WeightspecModelExtras;

  /** Builds the model from per-class coefficient rows in ml-logistic-regression's orientation. */
  constructor(options: {
    numSteps: number;
    learningRate: number;
    coefficients: Float64Array[];
    extras: WeightspecModelExtras;
  }) {
    super({ numSteps: options.numSteps, learningRate: options.learningRate });
    this.weightspec = Object.freeze({ ...options.extras });
    const loaded = LogisticRegression.load({
      name: 'LogisticRegression',
      numSteps: options.numSteps,
      learningRate: options.learningRate,
      numberClasses: options.coefficients.length,
      classifiers: options.coefficients.map((row) => ({
        numSteps: options.numSteps,
        learningRate: options.learningRate,
        weights: new Matrix([Array.from(row)]),
      })),
    });
    this.numberClasses = loaded.numberClasses;
    this.classifiers = loaded.classifiers;
  }

  /** Most likely class per row of raw features (the intercept column is added here). */
  override predict(features: Matrix | readonly (readonly number[])[]): number[] {
    const matrix = Matrix.checkMatrix(features as number[][]);
    if (matrix.columns !== this.weightspec.inputFeatures)
      throw new InvalidInputError(
        'X',
        `has ${matrix.columns} columns; the model takes ${this.weightspec.inputFeatures} features`,
      );
    return super.predict(this.weightspec.intercept ? appendInterceptColumn(matrix) : matrix);
  }

  /**
   * predict() for a dense row-major matrix (rows x columns raw features, e.g. core's
   * DenseFeatureMatrix values) without building ml-matrix rows: the same scores in ml-matrix's `mmul`
   * order (0 + x0 w0 + ... + 1 w_intercept), the same sigmoid 1 / (1 + e^-s) and the same rule as
   * ml-logistic-regression's predict (the first class with the smallest P(not k) below 100000), so the
   * same classes, with no memory beyond the result and one row of scores.
   */
  predictDense(values: ArrayLike<number>, rows: number, columns: number): number[] {
    if (columns !== this.weightspec.inputFeatures)
      throw new InvalidInputError(
        'X',
        `has ${columns} columns; the model takes ${this.weightspec.inputFeatures} features`,
      );
    if (values.length !== rows * columns)
      throw new InvalidInputError('X.values', `has ${values.length} values, expected ${rows} x ${columns}`);
    const weights = this.classifiers.map((classifier) => (classifier.weights as Matrix).to1DArray());
    const intercept = this.weightspec.intercept;
    const predicted = new Array<number>(rows).fill(0);
    for (let row = 0; row < rows; row += 1) {
      let minimum = 100000;
      for (let label = 0; label < weights.length; label += 1) {
        const beta = weights[label] as number[];
        let score = 0;
        for (let column = 0; column < columns; column += 1)
          score += (values[row * columns + column] as number) * (beta[column] as number);
        if (intercept) score += 1 * (beta[columns] as number);
        const probabilityNot = 1 / (1 + Math.exp(-score));
        if (probabilityNot < minimum) {
          minimum = probabilityNot;
          predicted[row] = label;
        }
      }
    }
    return predicted;
  }

  /** ml-logistic-regression's JSON plus a `weightspec` entry describing the intercept. */
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), weightspec: this.weightspec };
  }

  /** Restores a model saved with toJSON(), including the intercept handling. */
  static override load(model: Record<string, unknown>): WeightedLogisticRegression {
    const plain = LogisticRegression.load(model);
    const extras = model.weightspec as WeightspecModelExtras | undefined;
    const coefficients = plain.classifiers.map((classifier) =>
      Float64Array.from((classifier.weights as Matrix).to1DArray()),
    );
    const inputFeatures = extras?.inputFeatures ?? coefficients[0]?.length ?? 0;
    return new WeightedLogisticRegression({
      numSteps: plain.numSteps,
      learningRate: plain.learningRate,
      coefficients,
      extras: { intercept: extras?.intercept ?? false, inputFeatures },
    });
  }
}

/** Returns X with a constant-1 column appended (what the intercept coefficient multiplies). */
export function appendInterceptColumn(features: Matrix): Matrix {
  return features.clone().addColumn(features.columns, new Array<number>(features.rows).fill(1));
}
