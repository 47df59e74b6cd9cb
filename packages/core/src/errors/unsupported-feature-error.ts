import { WeightspecError } from './weightspec-error.ts';

/** WS_UNSUPPORTED_FEATURE: an adapter cannot do something the spec asks for. */
export class UnsupportedFeatureError extends WeightspecError {
  /** The adapter that refused, e.g. `mljs`. */
  readonly adapterId: string;
  /** The feature it lacks, e.g. `loss.huber`. */
  readonly feature: string;

  /** `reason` says why the adapter cannot do it and, where there is one, what to use instead. */
  constructor(adapterId: string, feature: string, reason: string) {
    super('WS_UNSUPPORTED_FEATURE', `adapter "${adapterId}" does not support ${feature}: ${reason}`);
    this.name = 'UnsupportedFeatureError';
    this.adapterId = adapterId;
    this.feature = feature;
  }

  /** True for an UnsupportedFeatureError from any copy of the package. */
  static override isInstance(error: unknown): error is UnsupportedFeatureError {
    return WeightspecError.isInstance(error) && error.code === 'WS_UNSUPPORTED_FEATURE';
  }
}
