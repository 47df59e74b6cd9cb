import { createSeededRandom } from '@weightspec/core';
import { createDesignMatrix } from './mljs-design-matrix.ts';
import { createFusedProblem } from './mljs-fused-step.ts';
import type { FusedProblem } from './mljs-fused-step.ts';

/** Shape of a random fused problem for the kernel tests. */
export interface RandomProblemShape {
  readonly rows: number;
  readonly columns: number;
  readonly classes?: number;
  readonly intercept?: boolean;
  /** Store the values as a Float32Array (as the CLI does) instead of a Float64Array. */
  readonly float32?: boolean;
  /** Give random input feature weights instead of a scale of 1. */
  readonly featureWeights?: boolean;
  /** No row weights (null: every row weight is 1, as without sample weights). */
  readonly unitRowWeights?: boolean;
  readonly seed: number;
}

/**
 * A random weighted problem as the trainer builds one: values in [-2, 2), row weights in [0, 2) with
 * every fifth row 0, random labels, element weights in [0.5, 1.5), tables with -a+ y' <= 0 and
 * a- (1 - y') >= 0 (any real numbers of that sign are valid scales).
 */
export function randomFusedProblem(shape: RandomProblemShape): FusedProblem {
  const random = createSeededRandom(shape.seed);
  const { rows, columns } = shape;
  const classes = shape.classes ?? 3;
  const drawn = Array.from({ length: rows * columns }, () => random() * 4 - 2);
  const values = shape.float32 ? Float32Array.from(drawn) : Float64Array.from(drawn);
  const featureWeights = shape.featureWeights ? Array.from({ length: columns }, () => random() * 2) : null;
  const design = createDesignMatrix(values, rows, columns, { intercept: shape.intercept ?? false, featureWeights });
  const rowWeights = shape.unitRowWeights
    ? null
    : Float64Array.from({ length: rows }, (_, row) => (row % 5 === 4 ? 0 : random() * 2));
  const labels = Int32Array.from({ length: rows }, () => Math.floor(random() * classes));
  const elementWeights = Float64Array.from({ length: classes }, () => 0.5 + random());
  const problem = createFusedProblem(design, rowWeights, labels, classes, elementWeights);
  problem.probabilityTable.forEach((_, index) => {
    problem.probabilityTable[index] = -random() * 2;
  });
  problem.complementTable.forEach((_, index) => {
    problem.complementTable[index] = random() * 2;
  });
  return problem;
}

/**
 * The former fused step, kept here as the reference: a materialized float64 design (feature weights
 * multiplied in, a column of 1 for the intercept) and N x K class-major scale arrays, stepped with the
 * loop that was checked bit for bit against ml-logistic-regression.
 */
export function materializedReferenceStep(
  problem: FusedProblem,
  coefficients: Float64Array,
  learningRate: number,
): void {
  const { rows, classes, width, design } = problem;
  const { values, columns, featureScale } = design;
  const dense = new Float64Array(rows * width);
  for (let row = 0; row < rows; row += 1) {
    for (let column = 0; column < columns; column += 1)
      dense[row * width + column] = (values[row * columns + column] as number) * (featureScale[column] as number);
    if (design.intercept) dense[row * width + columns] = 1;
  }
  const scaleOfProbability = new Float64Array(rows * classes);
  const scaleOfComplement = new Float64Array(rows * classes);
  for (let row = 0; row < rows; row += 1)
    for (let label = 0; label < classes; label += 1) {
      const rowWeight = problem.rowWeights ? (problem.rowWeights[row] as number) : 1;
      const rest = rowWeight * (problem.elementWeights[label] as number);
      const entry = (problem.labels[row] as number) * classes + label;
      scaleOfProbability[label * rows + row] = rest * (problem.probabilityTable[entry] as number);
      scaleOfComplement[label * rows + row] = rest * (problem.complementTable[entry] as number);
    }
  const gradient = new Float64Array(width);
  for (let label = 0; label < classes; label += 1) {
    const offset = label * width;
    gradient.fill(0);
    for (let row = 0, base = 0, element = label * rows; row < rows; row += 1, base += width, element += 1) {
      let score = 0;
      for (let column = 0; column < width; column += 1)
        score += (dense[base + column] as number) * (coefficients[offset + column] as number);
      const pNot = 1 / (1 + Math.exp(-score));
      const error =
        (scaleOfProbability[element] as number) * pNot + (scaleOfComplement[element] as number) * (1 - pNot);
      for (let column = 0; column < width; column += 1)
        gradient[column] = (gradient[column] as number) + (dense[base + column] as number) * error;
    }
    for (let column = 0; column < width; column += 1)
      coefficients[offset + column] =
        (coefficients[offset + column] as number) + (gradient[column] as number) * learningRate;
  }
}
