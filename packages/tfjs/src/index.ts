export { loadTfjs, useTfjsBackend } from './tfjs-peer.ts';
export type { Tfjs, TfjsBackendName } from './tfjs-peer.ts';
export { tfjsWeightedLoss } from './tfjs-weighted-loss.ts';
export type { TfjsWeightedLoss, TfjsWeightingExtras } from './tfjs-weighted-loss.ts';
export { tfjsElementTerms, detached } from './tfjs-element-losses.ts';
export type { TfjsElementTerms } from './tfjs-element-losses.ts';
export { createTfjsWeightedLoss } from './tfjs-weighted-loss-function.ts';
export type {
  TfjsWeightedLossFunction,
  TfjsCompileLossFunction,
  TfjsWeightedLossOptions,
} from './tfjs-weighted-loss-function.ts';
export { fitWeighted } from './tfjs-weighted-fit.ts';
export type {
  FitWeightedOptions,
  WeightedFitCallbacks,
  WeightedEpochLogs,
  WeightedHistory,
} from './tfjs-weighted-fit.ts';
export { createTfjsWeightingAdapter } from './tfjs-weighting-adapter.ts';
export type { TfjsWeightingAdapterOptions } from './tfjs-weighting-adapter.ts';
export { createTfjsClassifierTrainer } from './tfjs-classifier-trainer.ts';
export type { TfjsClassifierTrainerOptions } from './tfjs-classifier-trainer.ts';
