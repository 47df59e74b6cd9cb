import { describeValue, InvalidInputError } from '@weightspec/core';

/**
 * The session options every session of this package gets: `threads` intra-op threads, one inter-op
 * thread, and, with `threadSpinning: false`, idle pool threads that sleep instead of spinning
 * (ONNX Runtime's `session.intra_op.allow_spinning` / `inter_op.allow_spinning` set to "0"). Spinning
 * (the runtime's default) saves a wake-up per operator; turning it off gives the cores back between
 * calls, which matters when several sessions or other work share a few cores.
 */
export function runtimeSessionOptions(threads: number, threadSpinning: boolean) {
  return {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    ...(threadSpinning
      ? {}
      : { extra: { session: { 'intra_op.allow_spinning': '0', 'inter_op.allow_spinning': '0' } } }),
  };
}

/** Checks the `threadSpinning` option: a boolean, true (ONNX Runtime's default) when omitted. */
export function checkThreadSpinning(value: unknown): boolean {
  if (value === undefined) return true;
  if (typeof value !== 'boolean')
    throw new InvalidInputError('threadSpinning', `must be true or false, got ${describeValue(value)}`);
  return value;
}
