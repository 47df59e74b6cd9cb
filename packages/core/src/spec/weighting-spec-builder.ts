import { parseWeightingSpec } from './parse-weighting-spec.ts';
import type { WeightingSpec } from './parse-weighting-spec.ts';
import type { WeightingSpecV1Input } from './v1/spec-v1-schema.ts';

type InputOf<Key extends keyof WeightingSpecV1Input> = NonNullable<WeightingSpecV1Input[Key]>;
type AdaptiveInput = InputOf<'adaptive'>[number];

/**
 * A typed, immutable builder for TypeScript users: each call returns a new builder, `build()` validates
 * through the same parser as JSON documents.
 *
 * @example weightingSpec({ kind: 'softmax_cross_entropy' }).classWeights({ strategy: 'balanced' }).build()
 */
export class WeightingSpecBuilder {
  readonly #document: WeightingSpecV1Input;

  /** Use `weightingSpec(loss)` to start. */
  constructor(document: WeightingSpecV1Input) {
    this.#document = document;
  }

  #with(patch: Partial<WeightingSpecV1Input>): WeightingSpecBuilder {
    return new WeightingSpecBuilder({ ...this.#document, ...patch });
  }

  /** Sets the `class` block (class weights and their schedule). */
  classWeights(classWeighting: InputOf<'class'>): WeightingSpecBuilder {
    return this.#with({ class: classWeighting });
  }

  /** Sets the `sample` block (per-sample weight normalization). */
  sampleWeights(sample: InputOf<'sample'> = {}): WeightingSpecBuilder {
    return this.#with({ sample });
  }

  /** Sets the `elements` block (per-element weights, mask value, input feature weights). */
  elementWeights(elements: InputOf<'elements'>): WeightingSpecBuilder {
    return this.#with({ elements });
  }

  /** Appends one adaptive rule (focal, hard_mining, self_paced); rules apply in the order added. */
  adaptive(rule: AdaptiveInput): WeightingSpecBuilder {
    return this.#with({ adaptive: [...(this.#document.adaptive ?? []), rule] });
  }

  /** Sets the `curriculum` block. */
  curriculum(curriculum: InputOf<'curriculum'>): WeightingSpecBuilder {
    return this.#with({ curriculum });
  }

  /** Sets the `reduction` block. */
  reduction(reduction: InputOf<'reduction'>): WeightingSpecBuilder {
    return this.#with({ reduction });
  }

  /** The document as written so far, before validation and defaults. */
  toDocument(): WeightingSpecV1Input {
    return structuredClone(this.#document);
  }

  /** Validates and returns the parsed spec; throws InvalidSpecError with JSON paths. */
  build(): WeightingSpec {
    return parseWeightingSpec(this.#document);
  }
}

/** Starts a v1 spec with the given loss. */
export function weightingSpec(loss: InputOf<'loss'>): WeightingSpecBuilder {
  return new WeightingSpecBuilder({ specVersion: 1, loss });
}
