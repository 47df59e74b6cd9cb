import {
  UnsupportedFeatureError,
  countClasses,
  countLabels,
  curriculumAdmitCount,
  hardMiningKeepCount,
  markLargest,
  normalizeClassStatistics,
  resolveSchedules,
  resolveWeighting,
  sampleWeightStatistics,
} from '@weightspec/core';
import type { ClassStatistics, ClockState, ScheduledWeighting, WeightingSpec } from '@weightspec/core';

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
  /** Smoothed per-element targets y' (standard orientation: 1 for "is class k"). */
  readonly targets: Float64Array;
  /** Per-row weights s_i * scale (1 without sample weights). */
  readonly rowWeights: Float64Array;
  readonly difficulty: Float64Array | null;
  /** Class factors and scalars at a step. */
  scheduleAt(step: number, totalSteps: number): ScheduledWeighting | null;
}

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
  labels: readonly number[];
  classes: number;
  sampleWeights: Float64Array | null;
  difficulty: Float64Array | null;
  stats?: ClassStatistics | unknown;
}): OneVsAllWeighting {
  const { spec, classes } = options;
  const rows = options.labels.length;
  const labels = Int32Array.from(options.labels);
  const targets = new Float64Array(rows * classes);
  const isSoftmax = spec?.loss.kind === 'softmax_cross_entropy';
  const smoothing = spec && 'labelSmoothing' in spec.loss ? spec.loss.labelSmoothing : 0;
  for (let row = 0; row < rows; row += 1)
    for (let label = 0; label < classes; label += 1) {
      const hard = labels[row] === label ? 1 : 0;
      targets[row * classes + label] = isSoftmax
        ? (1 - smoothing) * hard + smoothing / classes
        : hard * (1 - smoothing) + smoothing / 2;
    }
  if (spec) checkTrainerSupport(spec);
  let stats: ClassStatistics | null = null;
  if (options.stats != null) stats = normalizeClassStatistics(options.stats);
  else if (isSoftmax) stats = countClasses(labels, classes);
  else if (spec) {
    const hardTargets = new Float64Array(rows * classes);
    for (let row = 0; row < rows; row += 1) hardTargets[row * classes + (labels[row] as number)] = 1;
    stats = countLabels(hardTargets, classes);
  }
  const resolved = spec
    ? resolveWeighting(spec, {
        stats,
        numClasses: classes,
        sampleWeights: options.sampleWeights ? sampleWeightStatistics(options.sampleWeights) : null,
      })
    : null;
  const rowWeights = new Float64Array(rows).fill(1);
  if (options.sampleWeights)
    for (let row = 0; row < rows; row += 1)
      rowWeights[row] = (options.sampleWeights[row] as number) * (resolved?.sampleWeightScale ?? 1);
  return {
    spec,
    rows,
    classes,
    labels,
    targets,
    rowWeights,
    difficulty: options.difficulty,
    scheduleAt(step, totalSteps) {
      if (!spec || !resolved) return null;
      const clock: ClockState = { epoch: step, step, totalEpochs: totalSteps, totalSteps };
      return resolveSchedules(spec, resolved, clock);
    },
  };
}

/** Indices 0..count-1 sorted by `key` descending (ties: lower index first). */
function orderDescending(key: Float64Array): Int32Array {
  const order = Int32Array.from({ length: key.length }, (_, index) => index);
  order.sort((left, right) => (key[right] as number) - (key[left] as number) || left - right);
  return order;
}

/**
 * Multiplies `weights` (per element, N*K) by the adaptive selections (hard mining, self-paced) and the
 * curriculum, evaluated on the raw per-element losses of the current step.
 */
export function applyLossDependentWeights(
  weighting: OneVsAllWeighting,
  scheduled: ScheduledWeighting,
  rawLoss: Float64Array,
  weights: Float64Array,
): { admittedRows: number } {
  const spec = weighting.spec as WeightingSpec;
  const { rows, classes } = weighting;
  (spec.adaptive ?? []).forEach((rule, ruleIndex) => {
    if (rule.kind === 'hard_mining') {
      // Selection, not a sort: the whole batch is ranked every step.
      const kept = markLargest(rawLoss, hardMiningKeepCount(rule, rawLoss.length));
      for (let element = 0; element < rawLoss.length; element += 1) if (!kept[element]) weights[element] = 0;
    } else if (rule.kind === 'self_paced') {
      const threshold = scheduled.selfPacedThresholds[ruleIndex] as number;
      for (let element = 0; element < rawLoss.length; element += 1) {
        const loss = rawLoss[element] as number;
        const factor = rule.mode === 'hard' ? (loss < threshold ? 1 : 0) : Math.max(0, 1 - loss / threshold);
        weights[element] = (weights[element] as number) * factor;
      }
    }
  });
  let admittedRows = rows;
  const curriculum = spec.curriculum;
  if (curriculum) {
    let difficulty = weighting.difficulty;
    if (curriculum.difficulty === 'loss') {
      difficulty = new Float64Array(rows);
      for (let row = 0; row < rows; row += 1) {
        let sum = 0;
        for (let label = 0; label < classes; label += 1) sum += rawLoss[row * classes + label] as number;
        difficulty[row] = sum / classes;
      }
    }
    const fraction = scheduled.curriculumFraction ?? 1;
    const rowFactors = new Float64Array(rows);
    // Easiest first = largest negated difficulty first (ties to the lower index in both branches).
    const negatedDifficulty = (difficulty as Float64Array).map((value) => -value);
    if (curriculum.mode === 'select') {
      // The ceil(g M) easiest rows.
      const admitted = markLargest(negatedDifficulty, curriculumAdmitCount(fraction, rows));
      for (let row = 0; row < rows; row += 1) rowFactors[row] = admitted[row] as number;
    } else {
      const easiestFirst = orderDescending(negatedDifficulty);
      easiestFirst.forEach((row, rank) => {
        const quantile = (rank + 1) / rows;
        rowFactors[row] = quantile <= fraction ? 1 : Math.max(0, 1 - (quantile - fraction) / curriculum.softness);
      });
    }
    admittedRows = 0;
    for (let row = 0; row < rows; row += 1) {
      const factor = rowFactors[row] as number;
      if (factor > 0) admittedRows += 1;
      for (let label = 0; label < classes; label += 1)
        weights[row * classes + label] = (weights[row * classes + label] as number) * factor;
    }
  }
  return { admittedRows };
}
