/**
 * Small training problems with values chosen by hand, shared by the trainers' tests (tfjs, mljs, onnx)
 * and by examples: every adapter checks its first steps against the float64 reference on the same rows.
 */

/** Six rows, three features, classes 0, 1 and 2 all present (class 0 three times). */
export const HAND_PICKED_SIX_ROWS = Object.freeze({
  features: Object.freeze([
    Object.freeze([0.5, 1.2, -0.3]),
    Object.freeze([1.5, -0.4, 0.8]),
    Object.freeze([-1.1, 0.3, 0.9]),
    Object.freeze([0.2, -1.3, 1.4]),
    Object.freeze([1.8, 0.6, -1.2]),
    Object.freeze([-0.7, -0.9, 0.1]),
  ]),
  labels: Object.freeze([0, 1, 2, 1, 0, 0]),
  /** A 3x3 starting kernel (inputs x classes) for linear models without bias. */
  kernel: Object.freeze([
    Object.freeze([0.1, -0.2, 0.3]),
    Object.freeze([0.4, 0.05, -0.1]),
    Object.freeze([-0.3, 0.2, 0.15]),
  ]),
});

/** The six rows with a seventh, and class 2 twice: a 3-class problem whose classes are not all equal in size. */
export const HAND_PICKED_SEVEN_ROWS = Object.freeze({
  features: Object.freeze([...HAND_PICKED_SIX_ROWS.features, Object.freeze([0.9, 1.1, 0.6])]),
  labels: Object.freeze([0, 1, 2, 1, 0, 2, 0]),
});

/** Plain mutable copies of a problem's rows and labels, for APIs that take number[][]. */
export function copyHandPickedProblem(problem: {
  readonly features: readonly (readonly number[])[];
  readonly labels: readonly number[];
}): { features: number[][]; labels: number[] } {
  return { features: problem.features.map((row) => [...row]), labels: [...problem.labels] };
}

/**
 * One run every trainer makes in its plan-identity test: 12 rows, a deferred class schedule and a
 * curriculum on provided difficulty (so the admitted set does not depend on any model), 3 epochs,
 * seed 7. Trainers report their batches and must give the same trace as `tracePlan` of this run.
 */
export const PLAN_IDENTITY_RUN = Object.freeze({
  spec: Object.freeze({
    specVersion: 1,
    loss: Object.freeze({ kind: 'softmax_cross_entropy' }),
    class: Object.freeze({ strategy: 'balanced', schedule: Object.freeze({ kind: 'deferred', start: 1 }) }),
    curriculum: Object.freeze({ difficulty: 'provided', pacing: Object.freeze({ kind: 'linear', start: 0.5 }) }),
  }),
  features: Object.freeze(
    Array.from({ length: 12 }, (_, row) => Object.freeze([((row * 5) % 7) / 3 - 1, ((row * 3) % 5) / 2 - 1, row / 12])),
  ),
  labels: Object.freeze(Array.from({ length: 12 }, (_, row) => row % 3)),
  difficulty: Object.freeze([5, 11, 0, 7, 3, 9, 1, 10, 2, 8, 4, 6]),
  epochs: 3,
  seed: 7,
});
