import { readDesignRow } from './mljs-design-matrix.ts';
import type { DesignMatrix } from './mljs-design-matrix.ts';

/**
 * The fast path of trainWeightedLogisticRegression: one full-batch gradient step for weights that do
 * not depend on the loss (class, sample and element weights; no focal, no selection, no progress).
 *
 * Every kernel keeps ml-logistic-regression's summation order, so unit weights reproduce ml.js bit
 * for bit: a score is ((0 + x0 w0) + x1 w1) + ... as in ml-matrix's `mmul`, a gradient entry sums its
 * rows in ascending order from 0, and the update is w + g * lr. The speed comes from what ml.js does
 * not do: no allocation per step, one pass over the rows per class instead of five matrix operations,
 * and, for up to `MAXIMUM_GENERATED_WIDTH` columns, a kernel generated for the exact width that keeps
 * coefficients and gradient in locals (no inner loop, no array traffic per column).
 */

/**
 * The training problem as the kernels read it. The scales of element (row n, class k) factor into
 * O(N) per-row data and two small tables, so no N x K array exists:
 *   rest = rowWeights[n] * elementWeights[k]
 *   scaleOfProbability = rest * probabilityTable[y_n * classes + k]   (-a+ y', a+ folded in)
 *   scaleOfComplement  = rest * complementTable[y_n * classes + k]    (a- (1 - y'))
 * and the error is scaleOfProbability p + scaleOfComplement (1 - p). Class weights (per label of a
 * sigmoid spec, c_y of a softmax spec) and smoothed targets depend only on (y_n, k), so a static plan
 * always factors this way.
 */
export interface FusedProblem {
  readonly rows: number;
  readonly classes: number;
  /** Design columns (features, plus 1 with an intercept). */
  readonly width: number;
  readonly design: DesignMatrix;
  /** Per row: sample weight times the spec's scale; null when every row weight is 1 (no sample weights). */
  readonly rowWeights: Float64Array | null;
  /** Per row: its class index in [0, classes). */
  readonly labels: Int32Array;
  /** Per one-vs-all class: the spec's element weight (1 without). */
  readonly elementWeights: Float64Array;
  /** classes x classes, [label][class]; filled by the trainer (and refilled when a schedule moves). */
  readonly probabilityTable: Float64Array;
  readonly complementTable: Float64Array;
}

/** One step on `coefficients` (classes x width, row-major), in place. */
export type FusedKernel = (problem: FusedProblem, coefficients: Float64Array, learningRate: number) => void;

/** Widest design a kernel is generated for; wider ones use `fusedStepAnyWidth`. */
export const MAXIMUM_GENERATED_WIDTH = 64;

/** A problem over `design` with zero tables (the caller fills them) and unit element weights by default. */
export function createFusedProblem(
  design: DesignMatrix,
  rowWeights: Float64Array | null,
  labels: Int32Array,
  classes: number,
  elementWeights: Float64Array = new Float64Array(classes).fill(1),
): FusedProblem {
  return {
    rows: design.rows,
    classes,
    width: design.width,
    design,
    rowWeights,
    labels,
    elementWeights,
    probabilityTable: new Float64Array(classes * classes),
    complementTable: new Float64Array(classes * classes),
  };
}

/**
 * The general kernel: loops over the columns, the gradient of one class in a scratch array. About
 * half the speed of a generated kernel; used for very wide designs and where code generation is
 * not allowed (a browser page whose Content-Security-Policy forbids `new Function`).
 */
export function fusedStepAnyWidth(problem: FusedProblem, coefficients: Float64Array, learningRate: number): void {
  const { rows, classes, width, design, rowWeights, labels, elementWeights, probabilityTable, complementTable } =
    problem;
  const gradient = new Float64Array(width);
  const x = new Float64Array(width);
  for (let label = 0; label < classes; label += 1) {
    const offset = label * width;
    const elementWeight = elementWeights[label] as number;
    gradient.fill(0);
    for (let row = 0; row < rows; row += 1) {
      readDesignRow(design, row, x);
      let score = 0;
      for (let column = 0; column < width; column += 1)
        score += (x[column] as number) * (coefficients[offset + column] as number);
      const pNot = 1 / (1 + Math.exp(-score));
      const rest = (rowWeights === null ? 1 : (rowWeights[row] as number)) * elementWeight;
      const at = (labels[row] as number) * classes + label;
      const error =
        rest * (probabilityTable[at] as number) * pNot + rest * (complementTable[at] as number) * (1 - pNot);
      for (let column = 0; column < width; column += 1)
        gradient[column] = (gradient[column] as number) + (x[column] as number) * error;
    }
    for (let column = 0; column < width; column += 1)
      coefficients[offset + column] =
        (coefficients[offset + column] as number) + (gradient[column] as number) * learningRate;
  }
}

/**
 * Source of the kernel for exactly `columns` feature columns (plus the intercept's 1 when `intercept`):
 * the same arithmetic as `fusedStepAnyWidth` with the column loops unrolled. Only integers are spliced
 * into the text, never user data.
 */
export function generatedKernelSource(columns: number, intercept = false): string {
  if (!Number.isInteger(columns) || columns < 0 || columns + (intercept ? 1 : 0) < 1)
    throw new RangeError(`columns must be an integer >= ${intercept ? 0 : 1}, got ${columns}`);
  const width = columns + (intercept ? 1 : 0);
  const indices = Array.from({ length: width }, (_, column) => column);
  const features = indices.slice(0, columns);
  return [
    'const { rows, classes, design, rowWeights, labels, elementWeights, probabilityTable, complementTable } = problem;',
    'const { values, featureScale } = design;',
    'const unitRows = rowWeights === null;',
    `${features.map((column) => `const f${column} = featureScale[${column}];`).join(' ')}`,
    'for (let label = 0; label < classes; label += 1) {',
    `  const offset = label * ${width};`,
    '  const elementWeight = elementWeights[label];',
    `  ${indices.map((column) => `const w${column} = coefficients[offset + ${column}];`).join(' ')}`,
    `  ${indices.map((column) => `let g${column} = 0;`).join(' ')}`,
    `  for (let row = 0, base = 0; row < rows; row += 1, base += ${columns}) {`,
    `    ${features.map((column) => `const x${column} = values[base + ${column}] * f${column};`).join(' ')}`,
    intercept ? `    const x${columns} = 1;` : '',
    `    const score = 0${indices.map((column) => ` + x${column} * w${column}`).join('')};`,
    '    const pNot = 1 / (1 + Math.exp(-score));',
    '    const rest = (unitRows ? 1 : rowWeights[row]) * elementWeight;',
    '    const at = labels[row] * classes + label;',
    '    const error = rest * probabilityTable[at] * pNot + rest * complementTable[at] * (1 - pNot);',
    `    ${indices.map((column) => `g${column} += x${column} * error;`).join(' ')}`,
    '  }',
    `  ${indices.map((column) => `coefficients[offset + ${column}] = w${column} + g${column} * learningRate;`).join(' ')}`,
    '}',
  ]
    .filter((line) => line !== '')
    .join('\n');
}

const generatedKernels = new Map<string, FusedKernel | null>();

/**
 * The kernel for a design of `columns` feature columns and an optional intercept: generated for that
 * shape when the width is at most MAXIMUM_GENERATED_WIDTH and the environment allows `new Function`,
 * otherwise `fusedStepAnyWidth`. Generated kernels are cached per shape.
 */
export function selectFusedKernel(columns: number, intercept = false): FusedKernel {
  if (columns + (intercept ? 1 : 0) > MAXIMUM_GENERATED_WIDTH) return fusedStepAnyWidth;
  const key = `${columns}:${intercept}`;
  if (!generatedKernels.has(key)) {
    let kernel: FusedKernel | null = null;
    try {
      kernel = new Function(
        'problem',
        'coefficients',
        'learningRate',
        generatedKernelSource(columns, intercept),
      ) as FusedKernel;
    } catch {
      // A Content-Security-Policy without 'unsafe-eval' throws here; the loop kernel gives the same result.
      kernel = null;
    }
    generatedKernels.set(key, kernel);
  }
  return generatedKernels.get(key) ?? fusedStepAnyWidth;
}

/** Sums behind the weighted loss at the current coefficients, for progress reports. */
export interface FusedLossParts {
  /** S = sum of w l over all one-vs-all elements. */
  readonly numerator: number;
  /** sum of w. */
  readonly weightSum: number;
  /** #{w != 0}. */
  readonly nonZeroWeights: number;
}

/**
 * The weighted loss of the coefficients as they are (before the next step). The scales hold
 * -w y' (a+ folded in) and w (1 - y') (a- folded in), so an element's weight is their difference and
 * its loss -scaleOfProbability softplus(score) + scaleOfComplement softplus(-score): the standard
 * logit is -score, and softplus(score) = -log P(class k). Computed from the score, never from a
 * rounded probability, so a confident element has a finite loss. Without coefficients only the
 * weights are summed (numerator 0): what a zero-denominator check needs.
 */
export function fusedLossParts(problem: FusedProblem, coefficients: Float64Array | null): FusedLossParts {
  const { rows, classes, width, design, rowWeights, labels, elementWeights, probabilityTable, complementTable } =
    problem;
  const { values, columns, featureScale, intercept } = design;
  let numerator = 0;
  let weightSum = 0;
  let nonZeroWeights = 0;
  for (let label = 0; label < classes; label += 1) {
    const offset = label * width;
    const elementWeight = elementWeights[label] as number;
    for (let row = 0; row < rows; row += 1) {
      const rest = (rowWeights === null ? 1 : (rowWeights[row] as number)) * elementWeight;
      const at = (labels[row] as number) * classes + label;
      const positivePart = -(rest * (probabilityTable[at] as number));
      const negativePart = rest * (complementTable[at] as number);
      const weight = positivePart + negativePart;
      weightSum += weight;
      if (weight !== 0) nonZeroWeights += 1;
      if (!coefficients) continue;
      // x = value * featureScale (readDesignRow's entries, read in place): the same products and sums.
      let score = 0;
      for (let column = 0, at = row * columns; column < columns; column += 1, at += 1)
        score += (values[at] as number) * (featureScale[column] as number) * (coefficients[offset + column] as number);
      if (intercept) score += 1 * (coefficients[offset + columns] as number);
      // softplus(score) and softplus(-score) share log1p(e^-|score|).
      const shared = Math.log1p(Math.exp(-Math.abs(score)));
      numerator += positivePart * (Math.max(score, 0) + shared) + negativePart * (Math.max(-score, 0) + shared);
    }
  }
  return { numerator, weightSum, nonZeroWeights };
}

/** Runs the fast path's steps on a problem; the trainer gets one from `createFusedStepper`. */
export interface FusedStepper {
  /** Which kernel runs: WebAssembly SIMD, a JavaScript kernel generated for the width, or the loop. */
  readonly kernel: 'webassembly-simd' | 'javascript-generated' | 'javascript-loop';
  /** Coefficients (classes x width, row-major, ml.js orientation), updated in place by `step`. */
  readonly coefficients: Float64Array;
  /** Takes the problem's current scale tables (call once they are filled, and whenever they change). */
  loadScales(): void;
  /** One full-batch gradient step. */
  step(learningRate: number): void;
}

/** A stepper running a JavaScript kernel (bit-identical to ml-logistic-regression at unit weights). */
export function createJavaScriptStepper(problem: FusedProblem): FusedStepper {
  const kernel = selectFusedKernel(problem.design.columns, problem.design.intercept);
  const coefficients = new Float64Array(problem.classes * problem.width);
  return {
    kernel: kernel === fusedStepAnyWidth ? 'javascript-loop' : 'javascript-generated',
    coefficients,
    loadScales() {},
    step(learningRate) {
      kernel(problem, coefficients, learningRate);
    },
  };
}
