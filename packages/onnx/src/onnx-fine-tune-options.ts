import { checkFiniteNumber, checkPositiveInteger, describeValue, InvalidInputError } from '@weightspec/core';
import { checkThreadSpinning } from './onnx-session-options.ts';
import type { OnnxOptimizerSpec } from './onnx-training-step.ts';

/**
 * Checks the fine-tuner's numeric options and optimizer (typed errors naming the field): learning rate
 * > 0, threads a positive integer, threadSpinning a boolean, seed an integer; SGD momentum >= 0; Adam betas in [0, 1), epsilon
 * > 0; weight decay >= 0. Returns the optimizer with PyTorch's defaults (Adam 0.9, 0.999, 1e-8).
 */
export function checkFineTuneOptions(options: {
  readonly optimizer?: unknown;
  readonly learningRate?: unknown;
  readonly threads?: unknown;
  readonly threadSpinning?: unknown;
  readonly seed?: unknown;
}): { optimizer: OnnxOptimizerSpec; learningRate: number; threads: number; threadSpinning: boolean; seed: number } {
  const learningRate = checkFiniteNumber('learningRate', options.learningRate ?? 0.001, { min: 0, minExclusive: true });
  const threads = checkPositiveInteger('threads', options.threads ?? 2);
  const threadSpinning = checkThreadSpinning(options.threadSpinning);
  const seed = checkFiniteNumber('seed', options.seed ?? 0, { integer: true });
  const given = (options.optimizer ?? { kind: 'adam' }) as Record<string, unknown>;
  if (typeof given !== 'object' || given === null || (given.kind !== 'sgd' && given.kind !== 'adam'))
    throw new InvalidInputError('optimizer', `must be { kind: 'sgd' | 'adam', ... }, got ${describeValue(given)}`);
  const weightDecay = checkFiniteNumber('optimizer.weightDecay', given.weightDecay ?? 0, { min: 0 });
  if (given.kind === 'sgd')
    return {
      optimizer: {
        kind: 'sgd',
        momentum: checkFiniteNumber('optimizer.momentum', given.momentum ?? 0, { min: 0 }),
        weightDecay,
      },
      learningRate,
      threads,
      threadSpinning,
      seed,
    };
  const beta = (field: 'beta1' | 'beta2', fallback: number) => {
    const value = checkFiniteNumber(`optimizer.${field}`, given[field] ?? fallback, { min: 0 });
    if (value >= 1) throw new InvalidInputError(`optimizer.${field}`, `must be < 1, got ${value}`);
    return value;
  };
  return {
    optimizer: {
      kind: 'adam',
      beta1: beta('beta1', 0.9),
      beta2: beta('beta2', 0.999),
      epsilon: checkFiniteNumber('optimizer.epsilon', given.epsilon ?? 1e-8, { min: 0, minExclusive: true }),
      weightDecay,
    },
    learningRate,
    threads,
    threadSpinning,
    seed,
  };
}
