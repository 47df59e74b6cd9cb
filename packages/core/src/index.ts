// Errors (SPEC "Bad input gets a typed error").
export {
  WeightspecError,
  hasErrorCode,
  WEIGHTSPEC_ERROR_CODES,
  InvalidSpecError,
  formatJsonPath,
  UnsupportedVersionError,
  InvalidInputError,
  UnsupportedFeatureError,
  ZeroDenominatorError,
  MissingPeerError,
} from './errors/index.ts';
export type { WeightspecErrorCode, SpecIssue } from './errors/index.ts';

// The spec document.
export { parseWeightingSpec, safeParseWeightingSpec, SUPPORTED_SPEC_VERSIONS } from './spec/parse-weighting-spec.ts';
export type { WeightingSpec } from './spec/parse-weighting-spec.ts';
export { serializeWeightingSpec } from './spec/serialize-weighting-spec.ts';
export { WeightingSpecBuilder, weightingSpec } from './spec/weighting-spec-builder.ts';
export { weightingSpecV1JsonSchema } from './spec/weighting-spec-json-schema.ts';
export { weightingSpecV1Schema } from './spec/v1/spec-v1-schema.ts';
export type {
  WeightingSpecV1,
  WeightingSpecV1Input,
  LossSpec,
  LossKind,
  ClassWeightingSpec,
  ClassScheduleSpec,
  AdaptiveRuleSpec,
  FocalRuleSpec,
  HardMiningRuleSpec,
  SelfPacedRuleSpec,
  CurriculumSpec,
  PacingSpec,
  ReductionSpec,
  ElementWeightingSpec,
} from './spec/v1/spec-v1-schema.ts';

// Strict readers for documents and data files (duplicate keys, depth, decimal numbers).
export { readStrictJson, MAX_JSON_DEPTH } from './json/strict-json-reader.ts';
export type {
  StrictJsonOptions,
  StrictJsonResult,
  StrictJsonFailure,
  SourcePosition,
} from './json/strict-json-reader.ts';
export { parseDecimalNumber } from './json/decimal-number.ts';

// Data.
export { prepareWeightingBatch } from './batch/weighting-batch.ts';
export type { Clock, WeightingInputs, WeightingBatch } from './batch/weighting-batch.ts';
export { flattenTensor } from './batch/nested-array.ts';
export type { NestedNumberArray, DenseTensor, TensorLike } from './batch/nested-array.ts';

// Statistics and resolution.
export {
  countClasses,
  countLabels,
  mergeClassStatistics,
  normalizeClassStatistics,
  classStatisticsFromBatch,
  sampleWeightStatistics,
  mergeSampleWeightStatistics,
} from './stats/class-statistics.ts';
export type { ClassStatistics, SampleWeightStatistics } from './stats/class-statistics.ts';
export { resolveWeighting } from './resolve/resolve-weighting.ts';
export type { ResolvedWeighting, ResolveOptions } from './resolve/resolve-weighting.ts';
export { resolveSoftmaxClassWeights, resolveSigmoidClassWeights } from './resolve/resolve-class-weights.ts';
export {
  resolveSchedules,
  classWeightExponent,
  curriculumFraction,
  pacingShape,
  selfPacedThreshold,
  hardMiningKeepCount,
  curriculumAdmitCount,
  curriculumFactorsByRank,
  clockTicks,
} from './resolve/resolve-schedules.ts';
export type { ScheduledWeighting, ClockState } from './resolve/resolve-schedules.ts';
export { prepareWeightingComputation } from './prepare-weighting.ts';

// Reference math (float64 oracle).
export { referenceWeightedLoss, perSampleLoss } from './reference/reference-weighted-loss.ts';
export type { ReferenceWeightedLoss } from './reference/reference-weighted-loss.ts';
export { referenceElementLosses, PROBABILITY_EPSILON } from './reference/reference-element-losses.ts';
export type { ElementLosses } from './reference/reference-element-losses.ts';
export {
  referenceHardMiningWeights,
  referenceSelfPacedWeights,
  referenceCurriculumWeights,
  rankByDifficulty,
} from './reference/reference-selection.ts';

// Adapter contract.
export { WEIGHTING_FEATURES, requiredFeatures } from './adapter/weighting-features.ts';
export type { WeightingFeature } from './adapter/weighting-features.ts';
export type {
  AdapterCapabilities,
  WeightingAdapter,
  WeightingComputation,
  WeightingResult,
} from './adapter/weighting-adapter.ts';
export { createReferenceAdapter } from './adapter/reference-adapter.ts';
export type {
  ClassifierTrainer,
  ClassifierTrainingRequest,
  TrainedClassifier,
  TrainingProgress,
} from './adapter/classifier-trainer.ts';
export { composeSampleWeights } from './compose/compose-sample-weights.ts';
export type { ComposeSampleWeightsOptions } from './compose/compose-sample-weights.ts';
export { createSeededRandom, shuffleInPlace } from './random/seeded-random.ts';
export { markLargest } from './selection/mark-largest.ts';

// Shared input validators (every adapter and command checks its boundary with these).
export {
  FLOAT32_MAX,
  describeValue,
  checkOptionsObject,
  checkCallbacks,
  checkFiniteNumber,
  checkPositiveInteger,
  checkNumberArray,
  checkFeatureRows,
  checkDenseFeatureMatrix,
  checkFeatureMatrix,
  isDenseFeatureMatrix,
  checkClassLabels,
} from './validate/input-validators.ts';
export type {
  NumberRange,
  NumberArrayCheck,
  DenseFeatureMatrix,
  FeatureMatrixInput,
} from './validate/input-validators.ts';

// Labels as users hold them (strings or numbers) and class indices.
export { encodeLabels, decodeLabels } from './labels/encode-labels.ts';
export type { ClassLabel, EncodedLabels } from './labels/encode-labels.ts';

// Weighted classification metrics (scikit-learn's, with sample_weight everywhere).
export { confusionMatrix } from './metrics/confusion-matrix.ts';
export type { ConfusionMatrix, ConfusionMatrixOptions } from './metrics/confusion-matrix.ts';
export type { MetricOptions } from './metrics/metric-labels.ts';
export { precisionRecallF1 } from './metrics/precision-recall-f1.ts';
export type {
  ClassScores,
  PrecisionRecallF1,
  PrecisionRecallF1Options,
  ZeroDivision,
} from './metrics/precision-recall-f1.ts';
export { accuracyScore, balancedAccuracyScore } from './metrics/accuracy-scores.ts';
export type { BalancedAccuracyOptions } from './metrics/accuracy-scores.ts';
export { logLoss } from './metrics/log-loss.ts';
export type { LogLossOptions } from './metrics/log-loss.ts';
export {
  classificationReport,
  formatClassificationReport,
  classificationReportToJson,
} from './metrics/classification-report.ts';
export type {
  ClassificationReport,
  ClassificationReportOptions,
  ClassificationReportJson,
  ClassificationReportJsonRow,
} from './metrics/classification-report.ts';

// One-line class and sample weights from labels (scikit-learn's compute_class_weight / compute_sample_weight).
export { computeClassWeights } from './weights/compute-class-weights.ts';
export type {
  ClassWeightStrategy,
  ClassWeightStrategyName,
  ComputeClassWeightsOptions,
  ComputedClassWeights,
} from './weights/compute-class-weights.ts';
export { computeSampleWeights } from './weights/compute-sample-weights.ts';
export type { ComputeSampleWeightsOptions } from './weights/compute-sample-weights.ts';

// Sampling: the other way to realize weights (PyTorch WeightedRandomSampler, balanced batches, downsampling).
export { weightedSampler } from './sampling/weighted-sampler.ts';
export type { WeightedSamplerOptions } from './sampling/weighted-sampler.ts';
export { classBalancedBatches } from './sampling/class-balanced-batches.ts';
export type { ClassBalancedBatchOptions } from './sampling/class-balanced-batches.ts';
export { downsampleAndUpweight } from './sampling/downsample-and-upweight.ts';
export type { DownsampleOptions, DownsampledRows } from './sampling/downsample-and-upweight.ts';

// Weight generators for the use cases users bring (recency, measurement error, imbalanced regression, segmentation).
export { recencyWeights, parseDuration } from './weights/recency-weights.ts';
export type { RecencyWeightOptions } from './weights/recency-weights.ts';
export { inverseVarianceWeights } from './weights/inverse-variance-weights.ts';
export { labelDistributionSmoothingWeights, ldsKernelWindow } from './weights/label-distribution-smoothing.ts';
export type {
  LabelDistributionSmoothing,
  LabelDistributionSmoothingOptions,
} from './weights/label-distribution-smoothing.ts';
export { unetWeightMap } from './weights/unet-weight-map.ts';
export type { UnetWeightMapOptions } from './weights/unet-weight-map.ts';

// Float32 adapters: range check, weights rescaled in float64 before the cast (SPEC pinned rule 11).
export { checkFloat32Range } from './batch/weighting-batch.ts';
export { checkFloat32Result, scaleWeightsForFloat32 } from './adapter/float32-weight-scaling.ts';
export type { Float32WeightScaling } from './adapter/float32-weight-scaling.ts';

// The training policy every trainer follows (clock, schedules, curriculum, shuffles, batches).
export { planTraining } from './training/plan-training.ts';
export type {
  TrainingPlan,
  TrainingPlanOptions,
  EpochStart,
  EpochPlan,
  PlannedBatch,
} from './training/plan-training.ts';
export { traceBatches, tracePlan, tracePlannedRun } from './training/plan-trace.ts';
export type { EpochTrace, PlannedRun } from './training/plan-trace.ts';
export {
  HAND_PICKED_SIX_ROWS,
  HAND_PICKED_SEVEN_ROWS,
  PLAN_IDENTITY_RUN,
  copyHandPickedProblem,
} from './training/hand-picked-problems.ts';
export type { DeepReadonly, WeightingSpecInput } from './training/weighting-spec-input.ts';
export { withClassLabels } from './training/labeled-classifier-trainer.ts';
export type {
  LabeledTrainingRequest,
  LabeledClassifier,
  LabeledClassifierTrainer,
} from './training/labeled-classifier-trainer.ts';
