import type {
  ClassLabel,
  ClassStatistics,
  FeatureMatrixInput,
  PlannedBatch,
  TrainingProgress,
  WeightingSpecInput,
} from '@weightspec/core';
import type { OnnxRuntimeLike } from './onnx-fine-tuner-types.ts';
import type { OnnxOptimizerSpec } from './onnx-training-step.ts';

/** Options of createOnnxTrainer. */
export interface OnnxTrainerOptions {
  readonly ort?: OnnxRuntimeLike;
  /** D: input features. */
  readonly inputSize: number;
  /** C: classes (default: the length of `classes`). */
  readonly numClasses?: number;
  /**
   * The class list when labels are strings or arbitrary numbers (core's `encodeLabels` order): fit
   * takes such labels and `predictLabels` maps predictions back to them.
   */
  readonly classes?: readonly ClassLabel[] | null;
  /** Hidden layer sizes; [] is linear softmax regression. */
  readonly hiddenUnits?: readonly number[];
  /** The weighting spec (softmax cross-entropy); omitted trains unweighted. */
  readonly spec?: WeightingSpecInput | null;
  readonly optimizer?: OnnxOptimizerSpec;
  readonly learningRate?: number;
  /** Seed of the Glorot initialization and of the shuffles. */
  readonly seed?: number;
  /** Threads ONNX Runtime may use (default 2). */
  readonly threads?: number;
  /**
   * Whether ONNX Runtime's idle pool threads spin waiting for work (default true, the runtime's
   * default); false lets them sleep, for several sessions or other work sharing a few cores.
   */
  readonly threadSpinning?: boolean;
}

/** Options of OnnxTrainer.fit. */
export interface OnnxFitOptions {
  readonly epochs: number;
  readonly batchSize: number;
  readonly sampleWeights?: ArrayLike<number> | null;
  readonly difficulty?: ArrayLike<number> | null;
  readonly stats?: ClassStatistics | null;
  readonly onProgress?: (progress: TrainingProgress) => void;
  /** Before each batch: the plan's batch (clock, sample indices, schedules). */
  readonly onBatchBegin?: (batch: PlannedBatch) => void;
}

/** A trainer for linear/softmax regression and MLPs whose steps are ONNX graphs. */
export interface OnnxTrainer {
  /**
   * Trains on rows x [N][D] with class labels (indices in [0, C), or labels of `classes`); resumable
   * (calling fit again continues). Calls made while one runs wait for it (they never interleave).
   */
  fit(
    features: FeatureMatrixInput,
    labels: readonly ClassLabel[] | Int32Array,
    options: OnnxFitOptions,
  ): Promise<{ losses: number[] }>;
  /** Class probabilities per row. */
  predictProbabilities(features: FeatureMatrixInput): Promise<number[][]>;
  /** The most likely class per row: its label from `classes`, or its index without `classes`. */
  predictLabels(features: FeatureMatrixInput): Promise<ClassLabel[]>;
  /** A standard .onnx file: input `x` [N, D] to output `probabilities` [N, C], parameters as initializers. */
  exportInferenceModel(): Uint8Array;
  /** The training-step graph itself (standard ops only) for the current schedule. */
  exportTrainingStep(): Uint8Array;
  /** A copy of the packed parameters. */
  parameters(): Float32Array;
  /** Releases the ONNX Runtime sessions. */
  release(): Promise<void>;
}
