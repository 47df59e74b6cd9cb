/**
 * mulberry32: a small, fast, seeded PRNG returning floats in [0, 1). Every seeded shuffle, split and
 * initialization in weightspec uses it, so the same seed gives the same run on every machine.
 */
export function createSeededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher-Yates shuffle of `values` in place, drawing from `random`; returns `values`. */
export function shuffleInPlace<T extends { length: number; [index: number]: unknown }>(
  values: T,
  random: () => number,
): T {
  for (let index = values.length - 1; index > 0; index -= 1) {
    const swap = Math.floor(random() * (index + 1));
    const kept = values[index];
    values[index] = values[swap];
    values[swap] = kept;
  }
  return values;
}
