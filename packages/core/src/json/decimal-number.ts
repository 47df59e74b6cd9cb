/**
 * Decimal number text as data files write it (SPEC "Numbers in data files are decimal"): an optional
 * sign, digits with an optional fraction (`1`, `-2.5`, `.5`, `3.`) and an optional exponent. `Number()`
 * would also take `0x10`, `0b1`, `0o7`, `Infinity` and the empty string (as 0), so data readers use this.
 */
const decimalPattern = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * The value of a decimal number text, or null when the text is not one (surrounding spaces are not
 * allowed: trim first). The result may be ±Infinity for `1e999`; callers check finiteness.
 */
export function parseDecimalNumber(text: string): number | null {
  return decimalPattern.test(text) ? Number(text) : null;
}
