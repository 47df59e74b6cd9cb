import {
  UnsupportedFeatureError,
  countClasses,
  normalizeClassStatistics,
  parseWeightingSpec,
  resolveWeighting,
  sampleWeightStatistics,
} from '@weightspec/core';
import type { ClassStatistics, ResolvedWeighting, WeightingSpec } from '@weightspec/core';

/**
 * How a spec maps onto one-vs-all logistic regression: element (i, k) is sample i's binary problem
 * "is it class k". A sigmoid-CE spec applies as written to those K elements; a softmax-CE spec's class
 * weights become per-sample weights c_{y_i} on all K problems, and its label smoothing the targets
 * (1-e) onehot + e/C. Spreading class weights as row weights is what scikit-learn's one-vs-rest does
 * with a dict of class weights; with class_weight='balanced' it balances each binary problem on its
 * own, which is the sigmoid-CE `balanced` spec (a+ = n/(2 n_k+), a- = n/(2 n_k-)), not softmax's.
 */
export interface OneVsAllWeighting {
  readonly spec: WeightingSpec | null;
  readonly rows: number;
  readonly classes: number;
  readonly labels: Int32Array;
  /**
   * Smoothed targets y' (standard orientation: 1 for "is class k") per (label y, class k), classes x
   * classes: element (i, k)'s target is targetTable[y_i * classes + k] (a table, not N x K values).
   */
  readonly targetTable: Float64Array;
  /** Per-row weights s_i * scale; null without sample weights (every row weight is 1, no O(N) array). */
  readonly rowWeights: Float64Array | null;
  readonly difficulty: Float64Array | null;
  /** The spec resolved on this training set (a plain sigmoid spec's when there is no spec). */
  readonly resolved: ResolvedWeighting;
}

/** What no spec means: plain one-vs-all sigmoid cross-entropy, every weight 1 (ml.js itself). */
export const UNWEIGHTED_SPEC: WeightingSpec = parseWeightingSpec({
  specVersion: 1,
  loss: { kind: 'sigmoid_cross_entropy' },
});

/** Features of a spec the one-vs-all trainer cannot honour, with the reason users see. */
export function checkTrainerSupport(spec: WeightingSpec): void {
  if (spec.loss.kind !== 'softmax_cross_entropy' && spec.loss.kind !== 'sigmoid_cross_entropy')
    throw new UnsupportedFeatureError(
      'mljs',
      `loss.${spec.loss.kind}`,
      'ml-logistic-regression is a classifier; use a classification loss',
    );
  if (spec.elements?.maskValue !== undefined)
    throw new UnsupportedFeatureError(
      'mljs',
      'elements.mask_value',
      'tabular one-vs-all training has no padded elements to mask',
    );
  for (const rule of spec.adaptive ?? [])
    if (rule.kind === 'focal' && Array.isArray(rule.alpha))
      throw new UnsupportedFeatureError(
        'mljs',
        'adaptive.focal',
        'one-vs-all trains sigmoid classifiers; give focal alpha as one number',
      );
}

/** Resolves a spec for one-vs-all training on integer labels. */
export function prepareOneVsAllWeighting(options: {
  spec: WeightingSpec | null;
  labels: ArrayLike<number>;
  classes: number;
  sampleWeights: Float64Array | null;
  difficulty: Float64Array | null;
  stats?: ClassStatistics | unknown;
}): OneVsAllWeighting {
  const { spec, classes } = options;
  const rows = options.labels.length;
  // Validated labels arrive as a fresh Int32Array (validateTrainingData): kept, not copied again.
  const labels = options.labels instanceof Int32Array ? options.labels : Int32Array.from(options.labels);
  const targetTable = new Float64Array(classes * classes);
  const isSoftmax = spec?.loss.kind === 'softmax_cross_entropy';
  const smoothing = spec && 'labelSmoothing' in spec.loss ? spec.loss.labelSmoothing : 0;
  for (let rowLabel = 0; rowLabel < classes; rowLabel += 1)
    for (let label = 0; label < classes; label += 1) {
      const hard = rowLabel === label ? 1 : 0;
      targetTable[rowLabel * classes + label] = isSoftmax
        ? (1 - smoothing) * hard + smoothing / classes
        : hard * (1 - smoothing) + smoothing / 2;
    }
  if (spec) checkTrainerSupport(spec);
  let stats: ClassStatistics | null = null;
  if (options.stats != null) stats = normalizeClassStatistics(options.stats);
  else if (isSoftmax) stats = countClasses(labels, classes);
  else if (spec) {
    // Per-label counts of the hard one-vs-all targets (what countLabels gives on the N x K one-hot
    // matrix, counted without building it): n_k+ rows of class k, n - n_k+ negatives.
    const positiveCounts = new Array<number>(classes).fill(0);
    for (const label of labels) positiveCounts[label] = (positiveCounts[label] as number) + 1;
    stats = normalizeClassStatistics({
      positiveCounts,
      negativeCounts: positiveCounts.map((count) => rows - count),
    });
  }
  const resolved = spec
    ? resolveWeighting(spec, {
        stats,
        numClasses: classes,
        sampleWeights: options.sampleWeights ? sampleWeightStatistics(options.sampleWeights) : null,
      })
    : resolveWeighting(UNWEIGHTED_SPEC, { numClasses: classes });
  const rowWeights = options.sampleWeights ? new Float64Array(rows) : null;
  if (options.sampleWeights && rowWeights)
    for (let row = 0; row < rows; row += 1)
      rowWeights[row] = (options.sampleWeights[row] as number) * (resolved?.sampleWeightScale ?? 1);
  return {
    spec,
    rows,
    classes,
    labels,
    targetTable,
    rowWeights,
    difficulty: options.difficulty,
    resolved,
  };
}
