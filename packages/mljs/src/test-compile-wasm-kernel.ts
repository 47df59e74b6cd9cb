import { readFile } from 'node:fs/promises';
import createWabt from 'wabt';

/** Where the kernel's WebAssembly text lives (the source of mljs-wasm-kernel-binary.ts). */
export const WASM_KERNEL_SOURCE = new URL('../wasm/mljs-sigmoid-step.wat', import.meta.url);

/**
 * Assembles wasm/mljs-sigmoid-step.wat with wabt (fixed-width SIMD, saturating conversions, bulk
 * memory). Used by `pnpm build:wasm` to write the shipped bytes and by the test that checks they are
 * current; not part of the published build (wabt is a dev dependency).
 */
export async function compileWasmKernel(): Promise<Uint8Array> {
  const wabt = await createWabt();
  const text = await readFile(WASM_KERNEL_SOURCE, 'utf8');
  const module = wabt.parseWat('mljs-sigmoid-step.wat', text, {
    simd: true,
    sat_float_to_int: true,
    bulk_memory: true,
  });
  try {
    module.validate();
    return Uint8Array.from(module.toBinary({}).buffer);
  } finally {
    module.destroy();
  }
}
