export { trainWeightedLogisticRegression } from './mljs-weighted-training.ts';
export type { WeightedLogisticRegressionOptions, LogisticTrainingProgress } from './mljs-weighted-training.ts';
export { WeightedLogisticRegression, appendInterceptColumn } from './mljs-logistic-model.ts';
export type { WeightspecModelExtras } from './mljs-logistic-model.ts';
export { createMljsWeightingAdapter } from './mljs-weighting-adapter.ts';
export { createMljsClassifierTrainer } from './mljs-classifier-trainer.ts';
