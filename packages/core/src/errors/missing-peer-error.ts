import { WeightspecError } from './weightspec-error.ts';

/** WS_MISSING_PEER: a framework package an adapter needs is not installed. */
export class MissingPeerError extends WeightspecError {
  /** The npm package that is missing, e.g. `onnxruntime-node`. */
  readonly packageName: string;

  /** The message names the package and the command that installs it. */
  constructor(packageName: string, neededBy: string, options?: { cause?: unknown }) {
    super(
      'WS_MISSING_PEER',
      `${neededBy} needs the package "${packageName}", which is not installed. Install it with: npm install ${packageName}`,
      options,
    );
    this.name = 'MissingPeerError';
    this.packageName = packageName;
  }

  /** True for a MissingPeerError from any copy of the package. */
  static override isInstance(error: unknown): error is MissingPeerError {
    return WeightspecError.isInstance(error) && error.code === 'WS_MISSING_PEER';
  }
}
