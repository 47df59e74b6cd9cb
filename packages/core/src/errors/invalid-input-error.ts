import { WeightspecError } from './weightspec-error.ts';

/**
 * WS_INVALID_INPUT: data handed to weightspec is unusable (shape, length, non-finite value, negative
 * weight, class index out of range or not an integer, probability outside [0,1]).
 */
export class InvalidInputError extends WeightspecError {
  /** Which input is wrong, e.g. `targets[3]` or `sampleWeights`. */
  readonly field: string;

  /** `field` names the input and, where known, the index of the bad value. */
  constructor(field: string, message: string, options?: { cause?: unknown }) {
    super('WS_INVALID_INPUT', `${field}: ${message}`, options);
    this.name = 'InvalidInputError';
    this.field = field;
  }

  /** True for an InvalidInputError from any copy of the package. */
  static override isInstance(error: unknown): error is InvalidInputError {
    return WeightspecError.isInstance(error) && error.code === 'WS_INVALID_INPUT';
  }
}
