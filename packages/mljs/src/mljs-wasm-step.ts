import type { FusedProblem, FusedStepper } from './mljs-fused-step.ts';
import { WASM_KERNEL_BASE64 } from './mljs-wasm-kernel-binary.ts';

/** The part of the WebAssembly API used here (typed locally: the project's lib has no DOM types). */
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: unknown };
}
interface KernelMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

/** The kernel's exports (wasm/mljs-sigmoid-step.wat documents the memory layout). */
export interface KernelExports {
  readonly memory: KernelMemory;
  step(
    rows: number,
    classes: number,
    columns: number,
    intercept: number,
    float32: number,
    design: number,
    rowWeights: number,
    unitRows: number,
    labels: number,
    narrowLabels: number,
    elementWeights: number,
    tableP: number,
    tableC: number,
    coefficients: number,
    gradient: number,
    learningRate: number,
  ): void;
  expPair(first: number, second: number, out: number): void;
}

/** Largest memory a stepper asks for; bigger problems run in JavaScript. */
const MAXIMUM_MEMORY_BYTES = 2 ** 31;
const PAGE_BYTES = 65536;

let compiled: object | null | undefined;

const webAssembly = (): WebAssemblyApi | undefined => (globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly;

/**
 * The compiled kernel, or null where WebAssembly, its SIMD instructions or its compilation are not
 * available (an old engine, a Content-Security-Policy without 'wasm-unsafe-eval'). Compiled once,
 * synchronously: the module is about 1 KB, under every engine's limit for synchronous compilation.
 */
function compiledKernel(): object | null {
  if (compiled !== undefined) return compiled;
  compiled = null;
  try {
    const api = webAssembly();
    if (api && typeof atob === 'function') {
      const bytes = Uint8Array.from(atob(WASM_KERNEL_BASE64), (character) => character.charCodeAt(0));
      compiled = new api.Module(bytes);
    }
  } catch {
    compiled = null;
  }
  return compiled;
}

/** Instantiates the kernel with its own memory; null where WebAssembly cannot run. */
export function instantiateKernel(): KernelExports | null {
  const module = compiledKernel();
  const api = webAssembly();
  if (!module || !api) return null;
  try {
    return new api.Instance(module, {}).exports as KernelExports;
  } catch {
    return null;
  }
}

/** Largest memory a stepper may ask for (tests lower it to reach the JavaScript fallback). */
let maximumMemoryBytes = MAXIMUM_MEMORY_BYTES;

/** Test hook: sets the memory limit of createWebAssemblyStepper (null restores 2 GiB). */
export function setWebAssemblyMemoryLimit(bytes: number | null): void {
  maximumMemoryBytes = bytes ?? MAXIMUM_MEMORY_BYTES;
}

/** Byte offsets of the kernel's regions, each on a multiple of 16 bytes. */
function layoutMemory(problem: FusedProblem, float32: boolean, narrowLabels: boolean) {
  const { rows, classes, width } = problem;
  const { columns } = problem.design;
  const paddedRows = Math.ceil(rows / 2) * 2;
  const align = (bytes: number) => Math.ceil(bytes / 16) * 16;
  const sizes = [
    paddedRows * columns * (float32 ? 4 : 8), // design
    problem.rowWeights ? paddedRows * 8 : 0, // rowWeights (none when every row weight is 1)
    paddedRows * (narrowLabels ? 1 : 4), // labels
    classes * 8, // elementWeights
    classes * classes * 8, // tableP
    classes * classes * 8, // tableC
    classes * width * 8, // coefficients
    width * 8, // gradient
  ];
  const offsets: number[] = [];
  let total = 0;
  for (const size of sizes) {
    offsets.push(total);
    total += align(size);
  }
  const [design, rowWeights, labels, elementWeights, tableP, tableC, coefficients, gradient] = offsets as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  return {
    paddedRows,
    bytes: total,
    at: { design, rowWeights, labels, elementWeights, tableP, tableC, coefficients, gradient },
  };
}

/**
 * A stepper running the WebAssembly SIMD kernel: about 1.4-1.6x the speed of the JavaScript kernels
 * on seattle-weather (apps/bench). Same arithmetic except e^x (a polynomial within 2 ulp of Math.exp),
 * so it matches ml-logistic-regression to rounding (1e-15 relative measured, 1e-9 tested), not bit for
 * bit. Its memory holds the feature values once, in pairs of rows, as f32 when the caller's values are
 * a Float32Array without input feature weights (half the bytes of f64, exact) and f64 otherwise (with
 * the feature weights multiplied in), plus O(rows) row weights (none without sample weights) and
 * labels: the intercept and the N x K scales exist only in the arithmetic. Null where
 * WebAssembly SIMD is unavailable or the problem needs more than 2 GiB.
 */
export function createWebAssemblyStepper(problem: FusedProblem): FusedStepper | null {
  const { rows, classes, width, design } = problem;
  const { columns } = design;
  // Float32 values are stored as f32 (exact when widened); with input feature weights the products
  // value * weight are not float32 numbers, so they are stored in f64, as is float64 input.
  const scaled = design.featureScale.some((scale) => scale !== 1);
  const float32 = design.values instanceof Float32Array && !scaled;
  // Labels as bytes up to 256 classes: a quarter of the memory of i32.
  const narrowLabels = classes <= 256;
  const layout = layoutMemory(problem, float32, narrowLabels);
  if (layout.bytes > maximumMemoryBytes) return null;
  const kernel = instantiateKernel();
  if (!kernel) return null;
  const pages = Math.ceil(layout.bytes / PAGE_BYTES);
  const currentPages = kernel.memory.buffer.byteLength / PAGE_BYTES;
  if (pages > currentPages) kernel.memory.grow(pages - currentPages);
  const { at, paddedRows } = layout;
  const memory = kernel.memory.buffer;
  // Row pairs: rows 2q and 2q + 1 of column c side by side; the padding row stays 0.
  const pairValues = float32
    ? new Float32Array(memory, at.design, paddedRows * columns)
    : new Float64Array(memory, at.design, paddedRows * columns);
  const { values, featureScale } = design;
  for (let row = 0; row < rows; row += 1) {
    const pairBase = (row >> 1) * columns * 2 + (row & 1);
    for (let column = 0; column < columns; column += 1)
      pairValues[pairBase + column * 2] = scaled
        ? (values[row * columns + column] as number) * (featureScale[column] as number)
        : (values[row * columns + column] as number);
  }
  // The padding row of an odd count keeps label 0 and a zero design row; the kernel sets its error to 0.
  if (problem.rowWeights) new Float64Array(memory, at.rowWeights, paddedRows).set(problem.rowWeights);
  (narrowLabels ? new Uint8Array(memory, at.labels, paddedRows) : new Int32Array(memory, at.labels, paddedRows)).set(
    problem.labels,
  );
  new Float64Array(memory, at.elementWeights, classes).set(problem.elementWeights);
  const tableP = new Float64Array(memory, at.tableP, classes * classes);
  const tableC = new Float64Array(memory, at.tableC, classes * classes);
  const coefficients = new Float64Array(memory, at.coefficients, classes * width);
  return {
    kernel: 'webassembly-simd',
    coefficients,
    loadScales() {
      tableP.set(problem.probabilityTable);
      tableC.set(problem.complementTable);
    },
    step(learningRate) {
      kernel.step(
        rows,
        classes,
        columns,
        design.intercept ? 1 : 0,
        float32 ? 1 : 0,
        at.design,
        at.rowWeights,
        problem.rowWeights ? 0 : 1,
        at.labels,
        narrowLabels ? 1 : 0,
        at.elementWeights,
        at.tableP,
        at.tableC,
        at.coefficients,
        at.gradient,
        learningRate,
      );
    },
  };
}
