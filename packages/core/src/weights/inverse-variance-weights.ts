import { InvalidInputError } from '../errors/invalid-input-error.ts';
import { checkNumberArray, describeValue } from '../validate/input-validators.ts';

/**
 * Inverse-variance weights w_i = 1 / sigma_i^2 for measurements with known standard deviations sigma_i
 * (the weights of the minimum-variance unbiased weighted mean and of weighted least squares; Aitken
 * 1935; `curve_fit(sigma=)` in SciPy uses the same). sigma must be > 0: a zero or negative sigma is
 * WS_INVALID_INPUT naming its index, and so is a sigma so small that 1/sigma^2 overflows.
 */
export function inverseVarianceWeights(sigma: ArrayLike<number>): Float64Array {
  const values = checkNumberArray('sigma', sigma);
  return values.map((value, index) => {
    if (!(value > 0))
      throw new InvalidInputError(`sigma[${index}]`, `must be a standard deviation > 0, got ${describeValue(value)}`);
    const weight = 1 / (value * value);
    if (!Number.isFinite(weight))
      throw new InvalidInputError(`sigma[${index}]`, `is too small: 1/sigma^2 overflows (sigma = ${value})`);
    return weight;
  });
}
