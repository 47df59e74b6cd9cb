export { encodeOnnxModel, OnnxDataType } from './onnx-model-proto.ts';
export type {
  OnnxModel,
  OnnxNode,
  OnnxTensor,
  OnnxValueInfo,
  OnnxAttribute,
  OnnxDataTypeName,
} from './onnx-model-proto.ts';
export { OnnxGraphBuilder, attribute, broadcastShapes } from './onnx-graph-builder.ts';
export type { OnnxShape } from './onnx-graph-builder.ts';
export { addGradients, unbroadcast, BACKWARD_RULES } from './onnx-autodiff.ts';
export { buildWeightedLossGraph, appendWeightedLoss } from './onnx-weighted-loss-graph.ts';
export type { WeightedLossGraph } from './onnx-weighted-loss-graph.ts';
export { buildTrainingStepGraph, buildForwardGraph, packLayers, appendMlp } from './onnx-training-step.ts';
export type { OnnxOptimizerSpec, PackedLayer } from './onnx-training-step.ts';
export { createOnnxTrainer } from './onnx-trainer.ts';
export type { OnnxTrainer, OnnxTrainerOptions, OnnxFitOptions } from './onnx-trainer.ts';
export { createOnnxWeightingAdapter } from './onnx-weighting-adapter.ts';
export type { OnnxWeightingAdapterOptions } from './onnx-weighting-adapter.ts';
export { createOnnxClassifierTrainer } from './onnx-classifier-trainer.ts';
export { loadOnnxRuntime } from './onnx-runtime-loader.ts';
export type { OnnxRuntimeModule } from './onnx-runtime-loader.ts';
export { runtimeSessionOptions } from './onnx-session-options.ts';
export { decodeOnnxModel, checkSupportedOps, SUPPORTED_OPSETS, SUPPORTED_IR_VERSIONS } from './onnx-model-decoder.ts';
export { createOnnxFineTuner } from './onnx-fine-tuner.ts';
export { FINE_TUNE_OPS } from './onnx-fine-tune-selection.ts';
export type {
  OnnxFineTuner,
  OnnxFineTunerOptions,
  OnnxFineTuneFitOptions,
  FineTuneBatch,
  OnnxRuntimeLike,
  OnnxRuntimeSession,
  OnnxRuntimeTensor,
} from './onnx-fine-tuner-types.ts';
export { MODEL_BACKWARD_RULES } from './onnx-backward-rules.ts';
export type { ModelBackwardRule } from './onnx-backward-rules.ts';
export { lowerModelGraph } from './onnx-fine-tune-graph.ts';
export type { LoweredGraph, LowerOptions, DropoutMaskInput } from './onnx-fine-tune-graph.ts';
