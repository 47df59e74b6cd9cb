// ml-logistic-regression 2.0 ships no type declarations; this describes the parts weightspec uses.
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
  export default LogisticRegression;
}
