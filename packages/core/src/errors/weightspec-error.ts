/** Every error code weightspec raises; stable across releases (see SPEC "Bad input gets a typed error"). */
export type WeightspecErrorCode =
  | 'WS_INVALID_SPEC'
  | 'WS_UNSUPPORTED_VERSION'
  | 'WS_INVALID_INPUT'
  | 'WS_UNSUPPORTED_FEATURE'
  | 'WS_ZERO_DENOMINATOR'
  | 'WS_MISSING_PEER';

/** All codes, in the order SPEC lists them. */
export const WEIGHTSPEC_ERROR_CODES: readonly WeightspecErrorCode[] = Object.freeze([
  'WS_INVALID_SPEC',
  'WS_UNSUPPORTED_VERSION',
  'WS_INVALID_INPUT',
  'WS_UNSUPPORTED_FEATURE',
  'WS_ZERO_DENOMINATOR',
  'WS_MISSING_PEER',
]);

const weightspecErrorMarker = Symbol.for('@weightspec/core.error');

/**
 * Base of every error weightspec throws. `code` is stable; `isInstance` works across copies of the
 * package (a `Symbol.for` marker, not `instanceof`), so adapters bundled separately still match.
 */
export class WeightspecError extends Error {
  /** The stable error code. */
  readonly code: WeightspecErrorCode;
  // biome-ignore lint/correctness/noUnusedPrivateClassMembers: read by isInstance() through the Symbol.for key, across copies of core.
  private readonly [weightspecErrorMarker] = true;

  /** Creates an error with a stable `code`; `cause` keeps the native error an adapter mapped. */
  constructor(code: WeightspecErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = 'WeightspecError';
  }

  /** True when `error` is any weightspec error, from any copy of this package. */
  static isInstance(error: unknown): error is WeightspecError {
    return (
      typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[weightspecErrorMarker] === true
    );
  }
}

/** True when `error` is a weightspec error with the given code. */
export function hasErrorCode(error: unknown, code: WeightspecErrorCode): error is WeightspecError {
  return WeightspecError.isInstance(error) && error.code === code;
}
