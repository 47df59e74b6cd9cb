import type { WeightingSpec } from '../spec/parse-weighting-spec.ts';
import type { FeatureMatrixInput } from '../validate/input-validators.ts';

/** Per-row numbers (sample weights, difficulty) as a plain array or a typed array, length N. */
export type PerRowValues = readonly number[] | Float32Array | Float64Array;

/** Progress of a training run, reported once per epoch. */
export interface TrainingProgress {
  /** 0-based epoch just finished. */
  readonly epoch: number;
  readonly totalEpochs: number;
  /** Mean weighted training loss over the epoch. */
  readonly loss: number;
  /** Samples the curriculum admitted this epoch (all samples without a curriculum). */
  readonly admittedSamples: number;
  /** Sum of the effective per-sample weights this epoch. */
  readonly effectiveWeight: number;
}

/** A tabular classification training job, the same for every adapter so the CLI can switch between them. */
export interface ClassifierTrainingRequest {
  /**
   * Features [N][D]: rows of numbers, or a dense row-major matrix ({ values, rows, columns }, checked by
   * core's checkDenseFeatureMatrix) that trainers consume without building per-row arrays.
   */
  readonly features: FeatureMatrixInput;
  /** Class index per row. */
  readonly labels: readonly number[] | Int32Array;
  readonly numClasses: number;
  /** The weighting spec; null trains unweighted (plain softmax cross-entropy, mean). */
  readonly spec: WeightingSpec | null;
  /** Per-sample weights for `sample` weighting, length N. */
  readonly sampleWeights?: PerRowValues | null;
  /** Per-sample difficulty for `curriculum.difficulty: provided`, length N. */
  readonly difficulty?: PerRowValues | null;
  readonly epochs: number;
  readonly batchSize: number;
  readonly seed: number;
  readonly learningRate?: number;
  /** Hidden layer sizes for adapters that train MLPs; [] means linear softmax regression. */
  readonly hiddenUnits?: readonly number[];
  /** Called after every epoch. */
  readonly onProgress?: (progress: TrainingProgress) => void;
}

/** A model an adapter trained: predicts class indices and saves itself. */
export interface TrainedClassifier {
  /** Most likely class per row; features as rows or as a dense matrix, like the training request's. */
  predict(features: FeatureMatrixInput): Promise<number[]>;
  /** Writes the model in the framework's own format into `directory` (created if missing); returns the files written. */
  save(directory: string): Promise<string[]>;
  /** Frees framework memory. */
  dispose?(): void;
}

/** The training side of an adapter, as the CLI and benchmarks use it. */
export interface ClassifierTrainer {
  /** Adapter id, e.g. `tfjs`, `mljs`, `onnx`. */
  readonly id: string;
  /**
   * True when train() and the trained classifier's predict() accept a dense feature matrix (and typed
   * per-row arrays). Callers give rows of numbers to trainers without it, so adapters written for the
   * rows-only contract keep working (at the memory cost of per-row arrays).
   */
  readonly denseFeatures?: boolean;
  /** Trains a classifier honouring the request's spec; throws WeightspecErrors on bad input. */
  train(request: ClassifierTrainingRequest): Promise<TrainedClassifier>;
}
