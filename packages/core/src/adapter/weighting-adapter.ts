import type { WeightingBatch } from '../batch/weighting-batch.ts';
import type { ScheduledWeighting } from '../resolve/resolve-schedules.ts';
import type { WeightingSpec } from '../spec/parse-weighting-spec.ts';
import type { WeightingFeature } from './weighting-features.ts';

/**
 * What an adapter can do. Everything not listed in `unsupported` is claimed supported, and the
 * conformance suite holds the adapter to it; each unsupported feature carries the reason users see.
 */
export interface AdapterCapabilities {
  readonly unsupported: Readonly<Partial<Record<WeightingFeature, string>>>;
}

/**
 * One computation an adapter performs: the parsed spec, the numbers resolved from it at this clock
 * (class weights, sample-weight scale, self-paced thresholds, curriculum fraction) and a validated batch.
 */
export interface WeightingComputation {
  readonly spec: WeightingSpec;
  readonly scheduled: ScheduledWeighting;
  readonly batch: WeightingBatch;
  /** False when the caller does not need the gradient (saves work). */
  readonly wantGradient: boolean;
}

/** What an adapter returns, computed with its own framework's tensors and ops. */
export interface WeightingResult {
  /** The reduced weighted loss. */
  readonly loss: number;
  /** Final weights w_ij, row-major [N,E] (length N*E). */
  readonly weights: ArrayLike<number>;
  /** d loss / d predictions, flat in the predictions' shape; omitted when not requested or not supported. */
  readonly gradient?: ArrayLike<number> | null;
}

/**
 * The adapter contract. An adapter computes weights, weighted loss and gradient with its own framework
 * (tfjs tensors, ml-matrix, ONNX graphs); calling the core's reference math to produce the answer
 * defeats the conformance suite and is not allowed. Scalars from `scheduled` may be used as given.
 * Errors are WeightspecErrors (adapters map native errors into the taxonomy).
 */
export interface WeightingAdapter {
  /** Short stable id, e.g. `tfjs-cpu`. */
  readonly id: string;
  /** Spec versions the adapter implements. */
  readonly specVersions: readonly number[];
  readonly capabilities: AdapterCapabilities;
  /**
   * Tolerance floor for frameworks that compute in float32: the runner uses the larger of this and each
   * vector's own tolerance. Omit for float64 adapters.
   */
  readonly minimumTolerance?: { readonly relative: number; readonly absolute: number };
  /** Computes one batch. */
  computeWeightedLoss(computation: WeightingComputation): Promise<WeightingResult>;
  /** Releases framework resources (sessions, backends); optional. */
  dispose?(): Promise<void>;
}
