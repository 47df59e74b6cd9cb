import { WeightspecError } from './weightspec-error.ts';

/** WS_ZERO_DENOMINATOR: a reduction's denominator is zero and the spec says `zeroDenominator: error`. */
export class ZeroDenominatorError extends WeightspecError {
  /** The reduction whose denominator vanished, e.g. `weighted_mean`. */
  readonly reduction: string;

  /** `detail` says which denominator was zero (empty batch, all weights zero, ...). */
  constructor(reduction: string, detail: string) {
    super('WS_ZERO_DENOMINATOR', `${reduction} reduction has a zero denominator: ${detail}`);
    this.name = 'ZeroDenominatorError';
    this.reduction = reduction;
  }

  /** True for a ZeroDenominatorError from any copy of the package. */
  static override isInstance(error: unknown): error is ZeroDenominatorError {
    return WeightspecError.isInstance(error) && error.code === 'WS_ZERO_DENOMINATOR';
  }
}
