import { InvalidInputError } from '../errors/invalid-input-error.ts';

/** Inputs of composeSampleWeights; every per-sample array has length N. */
export interface ComposeSampleWeightsOptions {
  /** Class index per sample (softmax targets) as Int32Array, so every label is an integer by type. */
  readonly labels: Int32Array;
  /** Class weights at the current clock, [C]; omitted means 1. */
  readonly classWeights?: Float64Array | null;
  /** Per-sample weights s_i; omitted means 1. */
  readonly sampleWeights?: Float64Array | null;
  /** Factor on sample weights (ResolvedWeighting.sampleWeightScale). */
  readonly sampleWeightScale?: number;
  /** Per-sample curriculum weights; omitted means 1. */
  readonly curriculumWeights?: Float64Array | null;
  /** Reused output buffer of length N, to avoid allocating per epoch. */
  readonly output?: Float64Array;
}

const ones = (count: number) => new Float64Array(count).fill(1);

/**
 * Per-sample weights w_i = c_{y_i} * s_i * scale * v_i in one pass over typed arrays: the hot path
 * trainers use each epoch for tabular data (E = 1). A label outside [0, C) is an InvalidInputError,
 * never a silent NaN; the range check is folded into the loop as integer bit arithmetic.
 */
export function composeSampleWeights(options: ComposeSampleWeightsOptions): Float64Array {
  const { labels } = options;
  const count = labels.length;
  const scale = options.sampleWeightScale ?? 1;
  const output = options.output ?? new Float64Array(count);
  if (output.length !== count)
    throw new InvalidInputError('output', `buffer has length ${output.length}, expected ${count}`);
  for (const [name, values] of [
    ['sampleWeights', options.sampleWeights],
    ['curriculumWeights', options.curriculumWeights],
  ] as const)
    if (values && values.length !== count)
      throw new InvalidInputError(name, `length ${values.length} does not match ${count} labels`);
  const classWeights = options.classWeights ?? Float64Array.of(1);
  const sampleWeights = options.sampleWeights ?? ones(count);
  const curriculumWeights = options.curriculumWeights ?? ones(count);
  const lastClass = options.classWeights ? classWeights.length - 1 : 0;
  const labelOf = options.classWeights ? labels : new Int32Array(count);
  // `outOfRange` turns negative when any label is < 0 or > lastClass (sign bit of either difference).
  let outOfRange = 0;
  for (let index = 0; index < count; index += 1) {
    const label = labelOf[index] as number;
    outOfRange |= label | (lastClass - label);
    output[index] =
      scale * (classWeights[label] as number) * (sampleWeights[index] as number) * (curriculumWeights[index] as number);
  }
  if (outOfRange < 0) {
    const index = labels.findIndex((label) => label < 0 || label > lastClass);
    throw new InvalidInputError(
      `labels[${index}]`,
      `class ${labels[index]} has no class weight (C = ${lastClass + 1})`,
    );
  }
  return output;
}
