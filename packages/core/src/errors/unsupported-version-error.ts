import { WeightspecError } from './weightspec-error.ts';

/** WS_UNSUPPORTED_VERSION: the document's `specVersion` is not one this package reads. */
export class UnsupportedVersionError extends WeightspecError {
  /** The version the document declared. */
  readonly specVersion: unknown;

  /** `supported` lists the versions this build can read. */
  constructor(specVersion: unknown, supported: readonly number[]) {
    super(
      'WS_UNSUPPORTED_VERSION',
      `specVersion ${JSON.stringify(specVersion)} is not supported; this build reads ${supported.join(', ')}`,
    );
    this.name = 'UnsupportedVersionError';
    this.specVersion = specVersion;
  }

  /** True for an UnsupportedVersionError from any copy of the package. */
  static override isInstance(error: unknown): error is UnsupportedVersionError {
    return WeightspecError.isInstance(error) && error.code === 'WS_UNSUPPORTED_VERSION';
  }
}
