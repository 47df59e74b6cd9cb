/** The training engines the page offers. */
export type TrainingEngine = 'tfjs' | 'onnx';

/**
 * tfjs backends, tried in this order for `auto`. wasm first: for small dense nets on tabular rows it
 * beats webgl (per-kernel overhead dominates), and webgl without a GPU (SwiftShader, as in headless
 * Chromium) may render in half precision, where the unweighted run was seen to end in NaN scores.
 */
export const TFJS_BACKENDS = Object.freeze(['wasm', 'webgl', 'cpu'] as const);

/** A tfjs backend name, or `auto` for the first of TFJS_BACKENDS that starts. */
export type TfjsBackendChoice = 'auto' | (typeof TFJS_BACKENDS)[number];

/** Which of the two side-by-side runs this is. */
export type TrainingVariant = 'unweighted' | 'weighted';

/** What the page sends a training worker: one run, with its data already split and standardized. */
export interface TrainingRequest {
  readonly engine: TrainingEngine;
  readonly variant: TrainingVariant;
  /** The spec document; the unweighted run gets one with the same loss and nothing else. */
  readonly specDocument: unknown;
  readonly trainFeatures: number[][];
  readonly trainLabels: number[];
  readonly testFeatures: number[][];
  readonly testLabels: number[];
  readonly numClasses: number;
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly hiddenUnits: readonly number[];
  readonly seed: number;
  readonly tfjsBackend: TfjsBackendChoice;
}

/** What a training worker reports, in order: started, epoch (once per epoch), then done or failed. */
export type TrainingEvent =
  | { readonly type: 'started'; readonly runtime: string }
  | { readonly type: 'epoch'; readonly epoch: number; readonly totalEpochs: number; readonly loss: number }
  | {
      readonly type: 'done';
      /** Recall per class on the test rows. */
      readonly recall: readonly number[];
      readonly macroRecall: number;
      readonly accuracy: number;
      readonly seconds: number;
    }
  | { readonly type: 'failed'; readonly code: string; readonly message: string };

/** The spec of the comparison run: the same loss (smoothing included), no weighting at all. */
export function unweightedSpecOf(specDocument: unknown): unknown {
  const loss = (specDocument as { loss?: unknown } | null)?.loss;
  return { specVersion: 1, loss: loss ?? { kind: 'softmax_cross_entropy' } };
}
