import type { WeightingSpec } from '../spec/parse-weighting-spec.ts';
import type { WeightingSpecV1Input } from '../spec/v1/spec-v1-schema.ts';

/** `T` with every property and array readonly, so `as const` documents are accepted as they are. */
export type DeepReadonly<T> = T extends (infer Element)[]
  ? readonly DeepReadonly<Element>[]
  : T extends object
    ? { readonly [Key in keyof T]: DeepReadonly<T[Key]> }
    : T;

/**
 * What the trainers take as a spec: a v1 document as a user writes it (defaults optional, literals
 * checked, so editors autocomplete and `strategy: "balance"` fails to compile), readonly or not, or a
 * spec `parseWeightingSpec` already returned. Every trainer still parses it at run time.
 */
export type WeightingSpecInput = DeepReadonly<WeightingSpecV1Input> | WeightingSpec;
