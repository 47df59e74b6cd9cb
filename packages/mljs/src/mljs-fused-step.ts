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

/** The training problem as the kernels read it. */
export interface FusedProblem {
  readonly rows: number;
  readonly classes: number;
  /** Design columns (features, plus 1 with an intercept). */
  readonly width: number;
  /** rows x width, row-major. */
  readonly design: Float64Array;
  /** Per (class, row), class-major: the error is scaleOfProbability p + scaleOfComplement (1 - p). */
  readonly scaleOfProbability: Float64Array;
  readonly scaleOfComplement: Float64Array;
}

/** One step on `coefficients` (classes x width, row-major), in place. */
export type FusedKernel = (problem: FusedProblem, coefficients: Float64Array, learningRate: number) => void;

/** Widest design a kernel is generated for; wider ones use `fusedStepAnyWidth`. */
export const MAXIMUM_GENERATED_WIDTH = 64;

/** Allocates the per-element scale arrays for a row-major design (rows x width). */
export function createFusedProblem(design: Float64Array, rows: number, width: number, classes: number): FusedProblem {
  return {
    rows,
    classes,
    width,
    design,
    scaleOfProbability: new Float64Array(rows * classes),
    scaleOfComplement: new Float64Array(rows * classes),
  };
}

/**
 * The general kernel: loops over the columns, the gradient of one class in a scratch array. About
 * half the speed of a generated kernel; used for very wide designs and where code generation is
 * not allowed (a browser page whose Content-Security-Policy forbids `new Function`).
 */
export function fusedStepAnyWidth(problem: FusedProblem, coefficients: Float64Array, learningRate: number): void {
  const { rows, classes, width, design, scaleOfProbability, scaleOfComplement } = problem;
  const gradient = new Float64Array(width);
  for (let label = 0; label < classes; label += 1) {
    const offset = label * width;
    gradient.fill(0);
    for (let row = 0, base = 0, element = label * rows; row < rows; row += 1, base += width, element += 1) {
      let score = 0;
      for (let column = 0; column < width; column += 1)
        score += (design[base + column] as number) * (coefficients[offset + column] as number);
      const pNot = 1 / (1 + Math.exp(-score));
      const error =
        (scaleOfProbability[element] as number) * pNot + (scaleOfComplement[element] as number) * (1 - pNot);
      for (let column = 0; column < width; column += 1)
        gradient[column] = (gradient[column] as number) + (design[base + column] as number) * error;
    }
    for (let column = 0; column < width; column += 1)
      coefficients[offset + column] =
        (coefficients[offset + column] as number) + (gradient[column] as number) * learningRate;
  }
}

/**
 * Source of the kernel for exactly `width` columns: the same arithmetic as `fusedStepAnyWidth` with
 * the column loops unrolled. Only integers are spliced into the text, never user data.
 */
export function generatedKernelSource(width: number): string {
  if (!Number.isInteger(width) || width < 1) throw new RangeError(`width must be an integer >= 1, got ${width}`);
  const columns = Array.from({ length: width }, (_, column) => column);
  return [
    'const { rows, classes, design, scaleOfProbability, scaleOfComplement } = problem;',
    'for (let label = 0; label < classes; label += 1) {',
    `  const offset = label * ${width};`,
    `  ${columns.map((column) => `const w${column} = coefficients[offset + ${column}];`).join(' ')}`,
    `  ${columns.map((column) => `let g${column} = 0;`).join(' ')}`,
    `  for (let row = 0, base = 0, element = label * rows; row < rows; row += 1, base += ${width}, element += 1) {`,
    `    ${columns.map((column) => `const x${column} = design[base + ${column}];`).join(' ')}`,
    `    const score = 0${columns.map((column) => ` + x${column} * w${column}`).join('')};`,
    '    const pNot = 1 / (1 + Math.exp(-score));',
    '    const error = scaleOfProbability[element] * pNot + scaleOfComplement[element] * (1 - pNot);',
    `    ${columns.map((column) => `g${column} += x${column} * error;`).join(' ')}`,
    '  }',
    `  ${columns.map((column) => `coefficients[offset + ${column}] = w${column} + g${column} * learningRate;`).join(' ')}`,
    '}',
  ].join('\n');
}

const generatedKernels = new Map<number, FusedKernel | null>();

/**
 * The kernel for a design of `width` columns: generated for that width when it is at most
 * MAXIMUM_GENERATED_WIDTH and the environment allows `new Function`, otherwise `fusedStepAnyWidth`.
 * Generated kernels are cached per width.
 */
export function selectFusedKernel(width: number): FusedKernel {
  if (width > MAXIMUM_GENERATED_WIDTH) return fusedStepAnyWidth;
  if (!generatedKernels.has(width)) {
    let kernel: FusedKernel | null = null;
    try {
      kernel = new Function('problem', 'coefficients', 'learningRate', generatedKernelSource(width)) as FusedKernel;
    } catch {
      // A Content-Security-Policy without 'unsafe-eval' throws here; the loop kernel gives the same result.
      kernel = null;
    }
    generatedKernels.set(width, kernel);
  }
  return generatedKernels.get(width) ?? fusedStepAnyWidth;
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
 * rounded probability, so a confident element has a finite loss.
 */
export function fusedLossParts(problem: FusedProblem, coefficients: Float64Array): FusedLossParts {
  const { rows, classes, width, design, scaleOfProbability, scaleOfComplement } = problem;
  let numerator = 0;
  let weightSum = 0;
  let nonZeroWeights = 0;
  for (let label = 0; label < classes; label += 1) {
    const offset = label * width;
    for (let row = 0, base = 0, element = label * rows; row < rows; row += 1, base += width, element += 1) {
      let score = 0;
      for (let column = 0; column < width; column += 1)
        score += (design[base + column] as number) * (coefficients[offset + column] as number);
      const positivePart = -(scaleOfProbability[element] as number);
      const negativePart = scaleOfComplement[element] as number;
      const weight = positivePart + negativePart;
      // softplus(score) and softplus(-score) share log1p(e^-|score|).
      const shared = Math.log1p(Math.exp(-Math.abs(score)));
      numerator += positivePart * (Math.max(score, 0) + shared) + negativePart * (Math.max(-score, 0) + shared);
      weightSum += weight;
      if (weight !== 0) nonZeroWeights += 1;
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
  /** Takes the problem's current scale arrays (call once they are filled, and whenever they change). */
  loadScales(): void;
  /** One full-batch gradient step. */
  step(learningRate: number): void;
}

/** A stepper running a JavaScript kernel (bit-identical to ml-logistic-regression at unit weights). */
export function createJavaScriptStepper(problem: FusedProblem): FusedStepper {
  const kernel = selectFusedKernel(problem.width);
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
