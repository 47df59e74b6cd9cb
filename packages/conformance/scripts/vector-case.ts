/** Shared shape of a generated case and the seeded helpers the case files use. */

/** A case before its expected values are computed. */
export interface VectorCase {
  readonly id: string;
  readonly description: string;
  readonly spec: unknown;
  readonly stats?: Record<string, unknown>;
  readonly inputs: Record<string, unknown>;
  /** Error cases: the code the core/adapters must raise. */
  readonly expectError?: string;
  /** Values worked out independently of the reference; generation fails if the reference disagrees. */
  readonly independent?: {
    readonly loss?: number;
    readonly weights?: number[][];
    readonly classWeights?: number[];
    readonly positiveWeights?: number[];
    readonly negativeWeights?: number[];
    /** Agreement required with the reference (published numbers are rounded to 3 digits). */
    readonly tolerance?: number;
    readonly how: string;
  };
  /** Check the reference gradient against central finite differences during generation (default true). */
  readonly checkGradient?: boolean;
  readonly tolerance?: { relative: number; absolute: number };
}

/** The seeded PRNG (mulberry32), so regenerated vectors are byte-identical. */
export { createSeededRandom as seeded } from '@weightspec/core';

/** Rounds to 4 decimals so vectors stay readable and float32-exact enough. */
const round = (value: number) => Math.round(value * 1e4) / 1e4;

/** rows x columns uniform values in [-scale, scale], rounded to 4 decimals. */
export function randomMatrix(random: () => number, rows: number, columns: number, scale: number): number[][] {
  return Array.from({ length: rows }, () => Array.from({ length: columns }, () => round((random() * 2 - 1) * scale)));
}

/** `count` integer labels in [0, classes). */
export function randomLabels(random: () => number, count: number, classes: number): number[] {
  return Array.from({ length: count }, () => Math.floor(random() * classes));
}
