import { z } from 'zod';

/**
 * The weighting spec, version 1, as one zod schema. It is the single source for the TypeScript types,
 * the runtime validator and the shipped JSON Schema (weightspec.v1.schema.json). Every object is strict:
 * an unknown key is an error. Semantics: SPEC.md in the repository.
 */

const finite = () => z.number().refine(Number.isFinite, 'must be a finite number');
const nonNegative = () => finite().min(0, 'must be >= 0');
const positive = () => finite().gt(0, 'must be > 0');
const positiveInteger = () => z.number().int('must be an integer').min(1, 'must be >= 1');
const unit = () => z.enum(['epoch', 'step']).default('epoch').describe('Which clock counter the schedule reads.');

/** Whether predictions are raw scores (logits) or probabilities. */
export const predictionFromSchema = z
  .enum(['logits', 'probabilities'])
  .default('logits')
  .describe('logits: raw scores; probabilities: each log argument clipped, log(max(p, 1e-7)), log(max(1-p, 1e-7)).');

const labelSmoothingSchema = finite()
  .min(0, 'must be >= 0')
  .lt(1, 'must be < 1')
  .default(0)
  .describe('Label smoothing epsilon in [0,1).');

export const lossSchema = z.discriminatedUnion('kind', [
  z
    .strictObject({
      kind: z.literal('softmax_cross_entropy'),
      from: predictionFromSchema,
      labelSmoothing: labelSmoothingSchema,
    })
    .describe('Softmax cross-entropy on [N,...,C] with integer class targets [N,...].'),
  z
    .strictObject({
      kind: z.literal('sigmoid_cross_entropy'),
      from: predictionFromSchema,
      labelSmoothing: labelSmoothingSchema,
    })
    .describe('Sigmoid (binary / multi-label) cross-entropy; targets in [0,1], same shape as predictions.'),
  z.strictObject({ kind: z.literal('mse') }).describe('Squared error per element.'),
  z.strictObject({ kind: z.literal('mae') }).describe('Absolute error per element.'),
  z
    .strictObject({
      kind: z.literal('huber'),
      delta: positive().default(1).describe('Quadratic-to-linear switch point (Keras Huber delta).'),
    })
    .describe('Huber loss per element.'),
]);

const classIndexKey = /^(0|[1-9][0-9]*)$/;

/** Manual softmax class weights: an array indexed by class, or a map from class index to weight. */
const manualWeightsSchema = z.union([
  z.array(nonNegative()),
  z.record(z.string().regex(classIndexKey, 'class map keys must be class indices "0", "1", ...'), nonNegative()),
]);

export const classScheduleSchema = z.discriminatedUnion('kind', [
  z
    .strictObject({
      kind: z.literal('deferred'),
      start: nonNegative().describe('Epoch/step from which class weights apply fully (LDAM-DRW).'),
      unit: unit(),
    })
    .describe('Class weights off (alpha 0) before `start`, on (alpha 1) from it.'),
  z
    .strictObject({
      kind: z.literal('anneal'),
      from: finite().describe('Exponent alpha at t0.'),
      to: finite().describe('Exponent alpha at t1.'),
      over: z.tuple([nonNegative(), nonNegative()]).describe('[t0, t1]; alpha is linear between, clamped outside.'),
      unit: unit(),
    })
    .describe('Class weights enter as c^alpha(t), alpha moving linearly from `from` to `to`.'),
]);

export const classClipSchema = z
  .strictObject({ min: nonNegative().optional(), max: nonNegative().optional() })
  .describe('Clamp resolved class weights to [min, max] (empty classes stay 0).');

const classCommon = {
  clip: classClipSchema.optional(),
  schedule: classScheduleSchema.optional(),
};

export const classWeightingSchema = z.discriminatedUnion('strategy', [
  z
    .strictObject({
      strategy: z.literal('manual'),
      weights: manualWeightsSchema.optional().describe('Softmax: [C] weights or {"<class>": weight}.'),
      default: nonNegative().default(1).describe('Weight of classes the map form leaves out.'),
      positive: z.array(nonNegative()).optional().describe('Sigmoid: positive-term weight a+ per label [K].'),
      negative: z
        .array(nonNegative())
        .optional()
        .describe('Sigmoid: negative-term weight a- per label [K] (default 1).'),
      ...classCommon,
    })
    .describe('Weights written by hand.'),
  z.strictObject({ strategy: z.literal('balanced'), ...classCommon }).describe('n / (C n_c) (scikit-learn).'),
  z
    .strictObject({
      strategy: z.literal('inverse_frequency'),
      power: nonNegative().default(1).describe('Exponent p in n_c^-p.'),
      ...classCommon,
    })
    .describe('n_c^-p scaled so the mean sample weight is 1.'),
  z
    .strictObject({ strategy: z.literal('median_frequency'), ...classCommon })
    .describe('median(f) / f_c (Eigen & Fergus).'),
  z
    .strictObject({
      strategy: z.literal('effective_number'),
      beta: finite().min(0, 'must be >= 0').lt(1, 'must be < 1').describe('beta in [0,1) (Cui et al. 2019).'),
      ...classCommon,
    })
    .describe('(1-beta)/(1-beta^n_c) scaled to sum to C.'),
  z.strictObject({ strategy: z.literal('max_ratio'), ...classCommon }).describe('max(n) / n_c.'),
  z
    .strictObject({ strategy: z.literal('positive_ratio'), ...classCommon })
    .describe('Sigmoid only: a+ = n_k- / n_k+, a- = 1 (PyTorch pos_weight).'),
]);

export const sampleWeightingSchema = z.strictObject({
  normalize: z
    .enum(['none', 'mean_one'])
    .default('none')
    .describe('mean_one divides per-sample weights by their mean over the data given.'),
});

/**
 * Flattens per-element weights given flat [E] or on the element axes [d1..dk] (SPEC "Dense outputs") to
 * row-major [E], checking without recursion (deep nesting cannot overflow the stack) that every leaf is a
 * finite number >= 0 and that the nesting is rectangular.
 */
function flattenElementWeights(value: unknown[], context: z.RefinementCtx): number[] {
  const flat: number[] = [];
  const sizes: number[] = [];
  let leafDepth = -1;
  const stack: { node: unknown; depth: number; path: number[] }[] = [{ node: value, depth: 0, path: [] }];
  const fail = (path: number[], message: string): number[] => {
    context.addIssue({ code: 'custom', path, message });
    return [];
  };
  while (stack.length > 0) {
    const { node, depth, path } = stack.pop() as { node: unknown; depth: number; path: number[] };
    if (Array.isArray(node)) {
      sizes[depth] ??= node.length;
      if (sizes[depth] !== node.length || (leafDepth >= 0 && depth >= leafDepth))
        return fail(path, `ragged: expected ${sizes[depth]} entries at depth ${depth}, as the first row`);
      for (let index = node.length - 1; index >= 0; index -= 1)
        stack.push({ node: node[index], depth: depth + 1, path: [...path, index] });
    } else if (typeof node === 'number' && Number.isFinite(node) && node >= 0) {
      if (leafDepth < 0) leafDepth = depth;
      if (depth !== leafDepth) return fail(path, 'ragged: numbers and arrays mixed at one depth');
      flat.push(node);
    } else return fail(path, 'must be a finite number >= 0');
  }
  return flat;
}

export const elementWeightingSchema = z.strictObject({
  weights: z
    .array(z.union([nonNegative(), z.array(z.unknown())]))
    .transform(flattenElementWeights)
    .optional()
    .describe('Per-element weights [E] or [d1..dk] (dense outputs, row-major), broadcast over samples.'),
  maskValue: finite().optional().describe('Elements whose target equals this get weight 0 (Keras Masking).'),
  inputs: z
    .strictObject({
      weights: z.array(nonNegative()).describe('Per-input-feature scale [D], applied in training and inference.'),
    })
    .optional(),
});

export const focalRuleSchema = z
  .strictObject({
    kind: z.literal('focal'),
    gamma: nonNegative().default(2).describe('Focusing exponent gamma >= 0 (Lin et al. 2017).'),
    alpha: z
      .union([z.null(), nonNegative(), z.array(nonNegative())])
      .default(null)
      .describe('null: 1; number: sigmoid alpha_t or all-class softmax alpha; [C]: per-class softmax alpha.'),
  })
  .describe('Focal modulator phi; the gradient flows through it.');

export const hardMiningRuleSchema = z
  .strictObject({
    kind: z.literal('hard_mining'),
    keepFraction: finite().gt(0, 'must be > 0').max(1, 'must be <= 1').describe('Fraction of elements kept.'),
    minKeep: positiveInteger().default(1).describe('Keep at least this many elements.'),
  })
  .describe('Keep the k largest raw per-element losses (OHEM).');

export const selfPacedRuleSchema = z
  .strictObject({
    kind: z.literal('self_paced'),
    threshold: positive().describe('lambda0 > 0, the initial loss threshold.'),
    growth: finite().min(1, 'must be >= 1').default(1).describe('mu >= 1, multiplies lambda every `every` ticks.'),
    every: positiveInteger().default(1),
    unit: unit(),
    mode: z.enum(['hard', 'linear']).default('hard').describe('hard: 1[l<lambda]; linear: max(0, 1-l/lambda).'),
  })
  .describe('Self-paced learning (Kumar et al. 2010).');

export const adaptiveRuleSchema = z.discriminatedUnion('kind', [
  focalRuleSchema,
  hardMiningRuleSchema,
  selfPacedRuleSchema,
]);

const fraction = () => finite().gt(0, 'must be > 0').max(1, 'must be <= 1');

const pacingBase = {
  start: fraction().describe('b: fraction admitted at t=0.'),
  fullAt: fraction().default(1).describe('a: progress at which everything is admitted.'),
};
const curvature = () => positive().default(10).describe('Curvature c.');

export const pacingSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('linear'), ...pacingBase }).describe('h(x) = x'),
  z.strictObject({ kind: z.literal('quadratic'), ...pacingBase }).describe('h(x) = x^2'),
  z.strictObject({ kind: z.literal('root'), ...pacingBase }).describe('h(x) = sqrt(x)'),
  z
    .strictObject({ kind: z.literal('exponential'), ...pacingBase, c: curvature() })
    .describe('h(x) = (e^{cx}-1)/(e^c-1)'),
  z
    .strictObject({ kind: z.literal('logarithmic'), ...pacingBase, c: curvature() })
    .describe('h(x) = 1 + ln(x + e^-c)/c'),
  z
    .strictObject({
      kind: z.literal('step'),
      ...pacingBase,
      levels: positiveInteger().default(4).describe('Number of steps in floor(x*levels)/levels.'),
    })
    .describe('h(x) = floor(x*levels)/levels'),
  z
    .strictObject({
      kind: z.literal('fixed_exponential'),
      start: fraction(),
      increase: finite().min(1, 'must be >= 1').describe('Factor applied every `every` ticks.'),
      every: positiveInteger(),
    })
    .describe('g = min(start * increase^floor(t/every), 1) (Hacohen & Weinshall 2019).'),
]);

export const curriculumSchema = z.strictObject({
  difficulty: z
    .enum(['provided', 'loss'])
    .describe("provided: per-sample difficulty comes with the data; loss: the model's per-sample loss."),
  pacing: pacingSchema,
  mode: z.enum(['select', 'soft']).default('select'),
  softness: positive().default(0.1).describe('soft mode: width of the linear fall-off past the pacing quantile.'),
  unit: unit(),
});

export const reductionSchema = z.strictObject({
  kind: z.enum(['sum', 'mean', 'weighted_mean', 'nonzero_mean']).default('weighted_mean'),
  zeroDenominator: z.enum(['zero', 'nan', 'error']).default('zero'),
});

export const weightingSpecV1Schema = z
  .strictObject({
    specVersion: z.literal(1),
    loss: lossSchema,
    class: classWeightingSchema.optional(),
    sample: sampleWeightingSchema.optional(),
    elements: elementWeightingSchema.optional(),
    adaptive: z.array(adaptiveRuleSchema).optional(),
    curriculum: curriculumSchema.optional(),
    reduction: reductionSchema.optional(),
  })
  .superRefine((spec, context) => {
    const isSoftmax = spec.loss.kind === 'softmax_cross_entropy';
    const isSigmoid = spec.loss.kind === 'sigmoid_cross_entropy';
    const classWeighting = spec.class;
    if (classWeighting) {
      if (!isSoftmax && !isSigmoid) {
        context.addIssue({
          code: 'custom',
          path: ['class'],
          message: `class weights need a classification loss, not ${spec.loss.kind}`,
        });
      } else if (classWeighting.strategy === 'manual') {
        if (isSoftmax) {
          if (classWeighting.weights === undefined)
            context.addIssue({
              code: 'custom',
              path: ['class', 'weights'],
              message: 'manual softmax class weights need `weights`',
            });
          for (const key of ['positive', 'negative'] as const)
            if (classWeighting[key] !== undefined)
              context.addIssue({
                code: 'custom',
                path: ['class', key],
                message: `\`${key}\` is for sigmoid cross-entropy; use \`weights\``,
              });
        } else {
          if (classWeighting.positive === undefined)
            context.addIssue({
              code: 'custom',
              path: ['class', 'positive'],
              message: 'manual sigmoid class weights need `positive` [K]',
            });
          if (classWeighting.weights !== undefined)
            context.addIssue({
              code: 'custom',
              path: ['class', 'weights'],
              message: '`weights` is for softmax cross-entropy; use `positive` / `negative`',
            });
          if (
            classWeighting.negative &&
            classWeighting.positive &&
            classWeighting.negative.length !== classWeighting.positive.length
          )
            context.addIssue({
              code: 'custom',
              path: ['class', 'negative'],
              message: '`negative` must have as many entries as `positive`',
            });
        }
      } else if (isSigmoid && !['balanced', 'positive_ratio'].includes(classWeighting.strategy)) {
        context.addIssue({
          code: 'custom',
          path: ['class', 'strategy'],
          message: `sigmoid cross-entropy supports manual, balanced and positive_ratio, not ${classWeighting.strategy}`,
        });
      } else if (isSoftmax && classWeighting.strategy === 'positive_ratio') {
        context.addIssue({
          code: 'custom',
          path: ['class', 'strategy'],
          message: 'positive_ratio is for sigmoid cross-entropy',
        });
      }
      const clip = classWeighting.clip;
      if (clip?.min !== undefined && clip.max !== undefined && clip.min > clip.max)
        context.addIssue({ code: 'custom', path: ['class', 'clip'], message: 'clip.min must be <= clip.max' });
      const schedule = classWeighting.schedule;
      if (schedule?.kind === 'anneal' && schedule.over[0] > schedule.over[1])
        context.addIssue({
          code: 'custom',
          path: ['class', 'schedule', 'over'],
          message: 'over must be [t0, t1] with t0 <= t1',
        });
    }
    (spec.adaptive ?? []).forEach((rule, index) => {
      if (rule.kind !== 'focal') return;
      if (!isSoftmax && !isSigmoid)
        context.addIssue({
          code: 'custom',
          path: ['adaptive', index],
          message: `focal needs a classification loss, not ${spec.loss.kind}`,
        });
      if (Array.isArray(rule.alpha) && !isSoftmax)
        context.addIssue({
          code: 'custom',
          path: ['adaptive', index, 'alpha'],
          message: 'per-class alpha [C] is for softmax; sigmoid takes one number',
        });
      if (isSigmoid && typeof rule.alpha === 'number' && rule.alpha > 1)
        context.addIssue({
          code: 'custom',
          path: ['adaptive', index, 'alpha'],
          message: 'sigmoid alpha must be in [0,1]',
        });
    });
    const focalCount = (spec.adaptive ?? []).filter((rule) => rule.kind === 'focal').length;
    if (focalCount > 1) context.addIssue({ code: 'custom', path: ['adaptive'], message: 'at most one focal rule' });
  });

/** A parsed, validated v1 spec with every default filled in. */
export type WeightingSpecV1 = z.output<typeof weightingSpecV1Schema>;
/** A v1 spec as a user may write it (defaults optional). */
export type WeightingSpecV1Input = z.input<typeof weightingSpecV1Schema>;
/** The `loss` block, parsed. */
export type LossSpec = WeightingSpecV1['loss'];
/** The kind of loss. */
export type LossKind = LossSpec['kind'];
/** The `class` block, parsed. */
export type ClassWeightingSpec = NonNullable<WeightingSpecV1['class']>;
/** A class-weight schedule. */
export type ClassScheduleSpec = NonNullable<ClassWeightingSpec['schedule']>;
/** One adaptive rule, parsed. */
export type AdaptiveRuleSpec = NonNullable<WeightingSpecV1['adaptive']>[number];
/** The focal rule. */
export type FocalRuleSpec = Extract<AdaptiveRuleSpec, { kind: 'focal' }>;
/** The hard-mining rule. */
export type HardMiningRuleSpec = Extract<AdaptiveRuleSpec, { kind: 'hard_mining' }>;
/** The self-paced rule. */
export type SelfPacedRuleSpec = Extract<AdaptiveRuleSpec, { kind: 'self_paced' }>;
/** The `curriculum` block, parsed. */
export type CurriculumSpec = NonNullable<WeightingSpecV1['curriculum']>;
/** A pacing function. */
export type PacingSpec = CurriculumSpec['pacing'];
/** The `reduction` block, parsed. */
export type ReductionSpec = NonNullable<WeightingSpecV1['reduction']>;
/** The `elements` block, parsed. */
export type ElementWeightingSpec = NonNullable<WeightingSpecV1['elements']>;
