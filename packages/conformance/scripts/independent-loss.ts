/**
 * A second, deliberately plain float64 implementation of SPEC's weighted loss, written for the vector
 * generator from the SPEC text alone (it imports nothing from @weightspec/core). Dense-output and
 * pinned-rule cases carry its loss and weights as `independent` values; generation fails when the core
 * reference disagrees. It covers what those cases use: the five losses, per-class / per-label class
 * weights (given, or `balanced` counted over unmasked elements), sample, element (data [N, d1..dk] and
 * spec [E]) weights, maskValue, focal, hard mining and the four reductions.
 */

/** Nested number arrays, as the vectors hold tensors. */
export type Nested = number | Nested[];

/** What the independent computation needs, in SPEC's terms. */
export interface IndependentLossCase {
  readonly loss: 'softmax' | 'sigmoid' | 'mse' | 'mae' | 'huber';
  readonly fromProbabilities?: boolean;
  readonly delta?: number;
  readonly predictions: Nested;
  readonly targets: Nested;
  /** Softmax c per class [C]; `balanced` counts n_c over unmasked elements: n / (C n_c). */
  readonly classWeights?: readonly number[] | 'balanced';
  /** Sigmoid a+ and a- per label (the last axis) [K]. */
  readonly positiveWeights?: readonly number[];
  readonly negativeWeights?: readonly number[];
  readonly sampleWeights?: readonly number[];
  readonly elementWeights?: Nested;
  readonly specElementWeights?: readonly number[];
  readonly maskValue?: number;
  readonly focal?: { readonly gamma: number; readonly alpha: number | readonly number[] | null };
  readonly hardMining?: { readonly keepFraction: number; readonly minKeep: number };
  readonly reduction: 'sum' | 'mean' | 'weighted_mean' | 'nonzero_mean';
}

function flatten(value: Nested): number[] {
  return Array.isArray(value) ? value.flatMap(flatten) : [value];
}

function shapeOf(value: Nested): number[] {
  return Array.isArray(value) ? [value.length, ...shapeOf(value[0] as Nested)] : [];
}

/** -log of one probability argument clipped from below (SPEC pinned rule 9). */
const negativeLog = (argument: number) => -Math.log(Math.max(argument, 1e-7));

/** The loss and the weights [N][E] of one case, straight from the SPEC formulas. */
export function independentLoss(testCase: IndependentLossCase): { loss: number; weights: number[][] } {
  const predictions = flatten(testCase.predictions);
  const targets = flatten(testCase.targets);
  const shape = shapeOf(testCase.predictions);
  const sampleCount = shape[0] as number;
  const classes = testCase.loss === 'softmax' ? (shape[shape.length - 1] as number) : 1;
  const labelCount = shape.length >= 2 ? (shape[shape.length - 1] as number) : 1;
  const count = targets.length;
  const perSample = count / sampleCount;
  const masked = targets.map((target) => target === testCase.maskValue);
  let classWeights = testCase.classWeights;
  if (classWeights === 'balanced') {
    const counts = new Array<number>(classes).fill(0);
    targets.forEach((target, index) => {
      if (!masked[index]) counts[target] = (counts[target] as number) + 1;
    });
    const total = counts.reduce((a, b) => a + b, 0);
    classWeights = counts.map((n) => (n === 0 ? 0 : total / (classes * n)));
  }
  const raw: number[] = [];
  const weighted: number[] = [];
  const classFactor: number[] = [];
  const modulator: number[] = [];
  for (let index = 0; index < count; index += 1) {
    const target = targets[index] as number;
    if (masked[index]) {
      raw.push(0);
      weighted.push(0);
      classFactor.push(0);
      modulator.push(1);
      continue;
    }
    if (testCase.loss === 'softmax') {
      const scores = predictions.slice(index * classes, (index + 1) * classes);
      let p: number[];
      let l: number;
      if (testCase.fromProbabilities) {
        p = scores;
        l = negativeLog(p[target] as number);
      } else {
        const top = Math.max(...scores);
        const sum = scores.reduce((total, z) => total + Math.exp(z - top), 0);
        p = scores.map((z) => Math.exp(z - top) / sum);
        l = -((scores[target] as number) - top - Math.log(sum));
      }
      const c = classWeights ? (classWeights[target] as number) : 1;
      raw.push(l);
      weighted.push(c * l);
      classFactor.push(c);
      if (testCase.focal) {
        const alpha = testCase.focal.alpha;
        const a = alpha === null ? 1 : typeof alpha === 'number' ? alpha : (alpha[target] as number);
        modulator.push(a * (1 - (p[target] as number)) ** testCase.focal.gamma);
      } else modulator.push(1);
    } else if (testCase.loss === 'sigmoid') {
      const z = predictions[index] as number;
      const p = testCase.fromProbabilities ? z : 1 / (1 + Math.exp(-z));
      const positive = testCase.fromProbabilities ? negativeLog(p) : Math.log1p(Math.exp(-z));
      const negative = testCase.fromProbabilities ? negativeLog(1 - p) : Math.log1p(Math.exp(z));
      const aPlus = testCase.positiveWeights ? (testCase.positiveWeights[index % labelCount] as number) : 1;
      const aMinus = testCase.negativeWeights ? (testCase.negativeWeights[index % labelCount] as number) : 1;
      raw.push(target * positive + (1 - target) * negative);
      weighted.push(aPlus * target * positive + aMinus * (1 - target) * negative);
      classFactor.push(target * aPlus + (1 - target) * aMinus);
      if (testCase.focal) {
        const alpha = testCase.focal.alpha as number | null;
        const pT = target * p + (1 - target) * (1 - p);
        const alphaT = alpha === null ? 1 : alpha * target + (1 - alpha) * (1 - target);
        modulator.push(alphaT * (1 - pT) ** testCase.focal.gamma);
      } else modulator.push(1);
    } else {
      const d = (predictions[index] as number) - target;
      const delta = testCase.delta ?? 1;
      const l =
        testCase.loss === 'mse'
          ? d * d
          : testCase.loss === 'mae'
            ? Math.abs(d)
            : Math.abs(d) <= delta
              ? 0.5 * d * d
              : delta * (Math.abs(d) - 0.5 * delta);
      raw.push(l);
      weighted.push(l);
      classFactor.push(1);
      modulator.push(1);
    }
  }
  const rest = raw.map((_, index) => {
    if (masked[index]) return 0;
    const sample = Math.floor(index / perSample);
    let factor = testCase.sampleWeights ? (testCase.sampleWeights[sample] as number) : 1;
    if (testCase.elementWeights !== undefined) factor *= flatten(testCase.elementWeights)[index] as number;
    if (testCase.specElementWeights) factor *= testCase.specElementWeights[index % perSample] as number;
    return factor;
  });
  if (testCase.hardMining) {
    const candidates = raw.map((_, index) => index).filter((index) => !masked[index]);
    candidates.sort((a, b) => (raw[b] as number) - (raw[a] as number) || a - b);
    const keep = Math.min(
      candidates.length,
      Math.max(testCase.hardMining.minKeep, Math.ceil(testCase.hardMining.keepFraction * candidates.length - 1e-9)),
    );
    const kept = new Set(candidates.slice(0, keep));
    raw.forEach((_, index) => {
      if (!kept.has(index)) rest[index] = 0;
    });
  }
  const weights = rest.map((factor, index) => factor * (classFactor[index] as number));
  const numerator = rest.reduce(
    (sum, factor, index) => sum + factor * (modulator[index] as number) * (weighted[index] as number),
    0,
  );
  const denominator = {
    sum: 1,
    mean: count,
    weighted_mean: weights.reduce((a, b) => a + b, 0),
    nonzero_mean: weights.filter((weight) => weight !== 0).length,
  }[testCase.reduction];
  const rows = Array.from({ length: sampleCount }, (_, sample) =>
    weights.slice(sample * perSample, (sample + 1) * perSample),
  );
  return { loss: denominator === 0 ? 0 : numerator / denominator, weights: rows };
}
