// ml-logistic-regression 2.0 ships no type declarations; this describes the parts weightspec uses.
// The build ships this file in dist/types and references it from the package's declarations, so a
// consumer's own `import LogisticRegression from 'ml-logistic-regression'` type-checks too. The package
// is CommonJS with `module.exports = LogisticRegression`, hence `export =`.
declare module 'ml-logistic-regression' {
  import type { Matrix } from 'ml-matrix';

  interface LogisticRegressionTwoClassesLike {
    numSteps: number;
    learningRate: number;
    weights: Matrix | null;
    testScores(features: Matrix): number[];
    toJSON(): { numSteps: number; learningRate: number; weights: Matrix | null };
  }

  class LogisticRegression {
    constructor(options?: {
      numSteps?: number;
      learningRate?: number;
      classifiers?: unknown[];
      numberClasses?: number;
    });
    numSteps: number;
    learningRate: number;
    numberClasses: number;
    classifiers: LogisticRegressionTwoClassesLike[];
    train(features: Matrix, labels: Matrix): void;
    predict(features: Matrix): number[];
    toJSON(): Record<string, unknown>;
    static load(model: Record<string, unknown>): LogisticRegression;
  }
  export = LogisticRegression;
}
