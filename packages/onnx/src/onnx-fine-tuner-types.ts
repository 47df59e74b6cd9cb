import type { ClassStatistics, PlannedBatch, TrainingProgress } from '@weightspec/core';
import type { OnnxOptimizerSpec } from './onnx-training-step.ts';

/**
 * A tensor as onnxruntime-node and onnxruntime-web create it. The runtime types are this package's own
 * structural ones, not imports from onnxruntime-node: a browser project that installs only
 * onnxruntime-web type-checks the published .d.ts (skipLibCheck false) without onnxruntime-node.
 */
export interface OnnxRuntimeTensor {
  /** The elements: a typed array for numeric tensors (Float32Array for float32), string[] for strings. */
  readonly data: ArrayLike<number | bigint | string | boolean>;
  readonly dims: readonly number[];
}

/** A session as onnxruntime-node and onnxruntime-web expose it (`InferenceSession`). */
export interface OnnxRuntimeSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** Runs the graph and returns every output. */
  run(feeds: Record<string, OnnxRuntimeTensor>): Promise<Record<string, OnnxRuntimeTensor>>;
  /** Runs the graph for the outputs named in `fetches` only. */
  run(feeds: Record<string, OnnxRuntimeTensor>, fetches: readonly string[]): Promise<Record<string, OnnxRuntimeTensor>>;
  release(): Promise<void>;
}

/**
 * Session options: the thread counts this package sets (onnxruntime-web ignores them), and any other
 * option of the runtime's `InferenceSession.SessionOptions` passed through as given.
 */
export interface OnnxRuntimeSessionOptions {
  readonly intraOpNumThreads?: number;
  readonly interOpNumThreads?: number;
  readonly [option: string]: unknown;
}

/**
 * The part of the `onnxruntime-node` / `onnxruntime-web` namespace this package uses (sessions from
 * model bytes; float32, float64, int32 and int64 tensors). Either module is assignable to it as imported:
 * `createOnnxFineTuner({ ort })` with `import * as ort from 'onnxruntime-web'`.
 */
export interface OnnxRuntimeLike {
  readonly InferenceSession: {
    create(model: Uint8Array, options?: OnnxRuntimeSessionOptions): Promise<OnnxRuntimeSession>;
  };
  readonly Tensor: {
    new (type: 'float32', data: Float32Array, dims: readonly number[]): OnnxRuntimeTensor;
    new (type: 'float64', data: Float64Array, dims: readonly number[]): OnnxRuntimeTensor;
    new (type: 'int32', data: Int32Array, dims: readonly number[]): OnnxRuntimeTensor;
    new (type: 'int64', data: BigInt64Array, dims: readonly number[]): OnnxRuntimeTensor;
  };
}

/** Options of createOnnxFineTuner. */
export interface OnnxFineTunerOptions {
  /** The bytes of a `.onnx` model (weights inside the file). */
  readonly model: Uint8Array;
  /** The graph output the loss is attached to (default: the first output). */
  readonly output?: string;
  /** Initializers to train: 'all' (default: float initializers but BatchNorm running statistics and scalars) or names. */
  readonly trainable?: 'all' | readonly string[];
  /** Initializers kept fixed (removed from `trainable`). */
  readonly frozen?: readonly string[];
  /** The weighting spec; `loss.from` says whether the output holds logits or probabilities. Omitted: unweighted softmax CE on logits. */
  readonly spec?: unknown;
  readonly optimizer?: OnnxOptimizerSpec;
  /** Step size (default 0.001). */
  readonly learningRate?: number;
  /** Seed of the shuffles and dropout masks. */
  readonly seed?: number;
  /** onnxruntime-node or onnxruntime-web; omitted, onnxruntime-node is loaded (Node only). */
  readonly ort?: OnnxRuntimeLike;
  /** Threads ONNX Runtime may use (default 2; onnxruntime-web ignores it). */
  readonly threads?: number;
  /**
   * Whether ONNX Runtime's idle pool threads spin waiting for work (default true, the runtime's
   * default); false lets them sleep, for several sessions or other work sharing a few cores.
   */
  readonly threadSpinning?: boolean;
}

/** One batch for a single step or a gradient: rows of flat samples and their targets. */
export interface FineTuneBatch {
  /** One flat sample per row (e.g. 784 values for a [1, 28, 28] image). */
  readonly features: readonly ArrayLike<number>[];
  /** Class labels (softmax CE) or target rows of the output's width (sigmoid CE, regression). */
  readonly targets: readonly number[] | readonly (readonly number[])[];
  readonly sampleWeights?: readonly number[] | null;
  /** Per-element weights given with the data: E values per sample (SPEC "elements"; E = 1 for [N, C] softmax). */
  readonly elementWeights?: readonly (readonly number[])[] | null;
  /** Dropout masks (0 or 1 / (1 - ratio) per element, one per Dropout, in graph order); default: seeded. */
  readonly dropoutMasks?: readonly Float32Array[];
  /** Class counts for data-derived class weights; default: counted in this batch. */
  readonly stats?: ClassStatistics | null;
}

/** Options of OnnxFineTuner.fit (the run is planned by core's planTraining, as every trainer's is). */
export interface OnnxFineTuneFitOptions {
  readonly epochs: number;
  readonly batchSize: number;
  readonly sampleWeights?: readonly number[] | null;
  /** Per-element weights given with the data, E values per sample (see FineTuneBatch). */
  readonly elementWeights?: readonly (readonly number[])[] | null;
  /** Per-sample difficulty for `curriculum.difficulty: provided` (one per row). */
  readonly difficulty?: readonly number[] | null;
  /** Class counts for data-derived class weights; default: counted in the targets. */
  readonly stats?: ClassStatistics | null;
  /** After each epoch: its mean loss, admitted samples and effective weight. */
  readonly onProgress?: (progress: TrainingProgress) => void;
  /** Before each batch: the plan's batch (clock, sample indices, schedules). */
  readonly onBatchBegin?: (batch: PlannedBatch) => void;
}

/**
 * A fine-tuner of an imported ONNX model (see createOnnxFineTuner).
 * Its calls run in turn, in the order made: a `fit` or `step` started while another call runs waits for
 * it, so overlapping calls never lose each other's updates.
 */
export interface OnnxFineTuner {
  /** Initializer names being trained. */
  readonly trainable: readonly string[];
  /** Trains for `epochs` epochs (resumable: fit again continues the clock); returns the mean loss per epoch. */
  fit(
    features: readonly ArrayLike<number>[],
    targets: FineTuneBatch['targets'],
    options: OnnxFineTuneFitOptions,
  ): Promise<{ losses: number[] }>;
  /** One optimizer step on one batch; returns the batch's weighted loss before the step. */
  step(batch: FineTuneBatch): Promise<number>;
  /** The loss and d loss / d each trainable initializer on one batch (training mode), without a step. */
  gradients(batch: FineTuneBatch): Promise<{ loss: number; gradients: Map<string, Float32Array> }>;
  /** The weighted loss over a data set in inference mode (and accuracy for softmax CE). */
  evaluate(
    features: readonly ArrayLike<number>[],
    targets: FineTuneBatch['targets'],
    options?: { sampleWeights?: readonly number[] | null; stats?: ClassStatistics | null },
  ): Promise<{ loss: number; accuracy: number | null }>;
  /** The chosen output per row, in inference mode. */
  predict(features: readonly ArrayLike<number>[]): Promise<number[][]>;
  /** The original model with the fine-tuned initializers and running statistics, in inference mode. */
  exportModel(): Uint8Array;
  /** Copies of the current trainable initializers and running statistics. */
  parameters(): Map<string, Float32Array>;
  /** Releases every ONNX Runtime session. */
  release(): Promise<void>;
}
