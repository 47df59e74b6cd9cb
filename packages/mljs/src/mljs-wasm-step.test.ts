import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSeededRandom } from '@weightspec/core';
import { createJavaScriptStepper, fusedStepAnyWidth } from './mljs-fused-step.ts';
import { WASM_KERNEL_BASE64 } from './mljs-wasm-kernel-binary.ts';
import { createWebAssemblyStepper, instantiateKernel, setWebAssemblyMemoryLimit } from './mljs-wasm-step.ts';
import { compileWasmKernel } from './test-compile-wasm-kernel.ts';
import { randomFusedProblem } from './test-fused-problem.ts';

// Distance in units in the last place between two finite doubles of the same sign.
function ulpDistance(left: number, right: number): number {
  const view = new DataView(new ArrayBuffer(16));
  view.setFloat64(0, left);
  view.setFloat64(8, right);
  return Number(view.getBigInt64(0) - view.getBigInt64(8));
}

describe('WebAssembly SIMD kernel', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('ships the bytes that wasm/mljs-sigmoid-step.wat assembles to (run `pnpm build:wasm` after editing it)', async () => {
    expect(Buffer.from(await compileWasmKernel()).toString('base64')).toBe(WASM_KERNEL_BASE64);
  });

  it('computes e^x within 2 ulp of Math.exp over [-708, 709], +inf above 709.78, and keeps NaN', () => {
    const kernel = instantiateKernel();
    expect(kernel).not.toBeNull();
    if (!kernel) return;
    const out = new Float64Array(kernel.memory.buffer, 0, 2);
    const random = createSeededRandom(7);
    let worst = 0;
    for (let index = 0; index < 20000; index += 1) {
      // Half the points in the range sigmoid scores live in, half over the whole clamped range.
      const first = index % 2 === 0 ? random() * 60 - 30 : random() * 1417 - 708;
      const second = -first / 3;
      kernel.expPair(first, second, 0);
      worst = Math.max(
        worst,
        Math.abs(ulpDistance(out[0] as number, Math.exp(first))),
        Math.abs(ulpDistance(out[1] as number, Math.exp(second))),
      );
    }
    expect(worst).toBeLessThanOrEqual(2);
    kernel.expPair(0, 1, 0);
    expect([...out]).toEqual([1, Math.exp(1)]);
    kernel.expPair(709.8, Number.POSITIVE_INFINITY, 0);
    expect([...out]).toEqual([Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY]);
    // Below the clamp e^x stays a tiny positive number: 1 / (1 + e^x) is exactly 1, as with Math.exp.
    kernel.expPair(-1000, Number.NEGATIVE_INFINITY, 0);
    expect(1 / (1 + (out[0] as number))).toBe(1);
    expect(1 / (1 + (out[1] as number))).toBe(1);
    kernel.expPair(Number.NaN, 0, 0);
    expect(out[0]).toBeNaN();
  });

  // Reference: the JavaScript loop kernel, itself checked bit for bit against ml.js and against the
  // materialized float64 design (mljs-fused-step.test.ts). Odd row counts exercise the zero row that
  // pads the last pair; float32 values exercise the f32 design and f64x2.promote_low_f32x4.
  // Unit row weights (no O(N) weight array) with an odd count check that the padding row's error is 0
  // (its intercept x is 1); 257 classes store labels as i32 instead of bytes.
  for (const [rows, columns, intercept, float32, featureWeights, unitRowWeights, classes] of [
    [31, 1, false, false, false, false, 3],
    [30, 4, false, true, false, false, 3],
    [31, 4, true, true, true, false, 3],
    [31, 4, true, true, false, true, 3],
    [17, 8, true, false, true, true, 5],
    [40, 10, false, true, true, false, 3],
    [1, 0, true, true, false, true, 2],
    [9, 2, true, true, false, false, 257],
  ] as const)
    it(`matches the JavaScript loop kernel to 1e-12 relative (${rows} rows, ${columns} columns, ${classes} classes, intercept ${intercept}, float32 ${float32}, unit rows ${unitRowWeights})`, () => {
      const problem = randomFusedProblem({
        rows,
        columns,
        intercept,
        float32,
        featureWeights,
        unitRowWeights,
        classes,
        seed: rows * 100 + columns,
      });
      // A label that does not fit a byte, so storing 257-class labels as u8 would be caught.
      if (classes > 256) problem.labels[2] = 256;
      const simd = createWebAssemblyStepper(problem);
      expect(simd?.kernel).toBe('webassembly-simd');
      if (!simd) return;
      const reference = new Float64Array(problem.classes * problem.width);
      simd.loadScales();
      for (let step = 0; step < 40; step += 1) {
        simd.step(0.05);
        fusedStepAnyWidth(problem, reference, 0.05);
      }
      expect(reference.some((value) => Math.abs(value) > 0.01)).toBe(true);
      reference.forEach((value, index) => {
        expect(Math.abs((simd.coefficients[index] as number) - value)).toBeLessThanOrEqual(1e-12 * Math.abs(value));
      });
    });

  it('reloads the scale tables when a schedule changes them', () => {
    const problem = randomFusedProblem({ rows: 11, columns: 3, intercept: true, float32: true, seed: 9 });
    const simd = createWebAssemblyStepper(problem);
    if (!simd) throw new Error('WebAssembly SIMD is expected in the test environment');
    const reference = new Float64Array(problem.classes * problem.width);
    simd.loadScales();
    simd.step(0.1);
    fusedStepAnyWidth(problem, reference, 0.1);
    problem.probabilityTable.forEach((value, index) => {
      problem.probabilityTable[index] = value * 3;
    });
    simd.loadScales();
    simd.step(0.1);
    fusedStepAnyWidth(problem, reference, 0.1);
    reference.forEach((value, index) => {
      expect(Math.abs((simd.coefficients[index] as number) - value)).toBeLessThanOrEqual(1e-12 * Math.abs(value));
    });
  });

  it('gives way to JavaScript where the problem exceeds the memory limit', () => {
    const problem = randomFusedProblem({ rows: 64, columns: 4, intercept: true, float32: true, seed: 11 });
    try {
      setWebAssemblyMemoryLimit(1024);
      expect(createWebAssemblyStepper(problem)).toBeNull();
    } finally {
      setWebAssemblyMemoryLimit(null);
    }
    expect(createWebAssemblyStepper(problem)?.kernel).toBe('webassembly-simd');
  });

  it('gives way to JavaScript where WebAssembly is missing', async () => {
    vi.resetModules();
    vi.stubGlobal('WebAssembly', undefined);
    const fresh = await import('./mljs-wasm-step.ts');
    const problem = randomFusedProblem({ rows: 2, columns: 2, classes: 2, seed: 1 });
    expect(fresh.createWebAssemblyStepper(problem)).toBeNull();
    expect(createJavaScriptStepper(problem).kernel).toBe('javascript-generated');
  });
});
