import type { WeightingBatch } from '../batch/weighting-batch.ts';
import type { FocalRuleSpec, LossSpec } from '../spec/v1/spec-v1-schema.ts';
import type { ScheduledWeighting } from '../resolve/resolve-schedules.ts';

/** Keras' epsilon: each log argument is clipped from below, log(max(p, EPSILON)) (SPEC pinned rule 9). */
export const PROBABILITY_EPSILON = 1e-7;

/**
 * Per-element quantities of the float64 reference, all length N*E:
 * raw loss l (no class weight), class factor c, numerator loss L (c*l, or the split a+/a- form for
 * sigmoid), focal modulator phi, and a closure giving d(phi*L)/d(predictions) for one element.
 */
export interface ElementLosses {
  readonly rawLoss: Float64Array;
  readonly classFactor: Float64Array;
  readonly numeratorLoss: Float64Array;
  readonly modulator: Float64Array;
  /** Adds coefficient * d(phi_e * L_e)/d(predictions) into `gradient` (prediction-shaped, flat). */
  readonly accumulateGradient: (element: number, coefficient: number, gradient: Float64Array) => void;
}

const softplus = (z: number): number => Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
const sigmoid = (z: number): number => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));
/**
 * SPEC pinned rule 9: the clip is applied to each log argument on its own, log(max(a, 1e-7)) for a = p
 * and a = 1 - p (float32 adapters cannot form 1 - 1e-7); its slope is 0 where the clip is active.
 */
const clippedLog = (argument: number): number => Math.log(Math.max(argument, PROBABILITY_EPSILON));
/** d log(max(a, eps)) / d a: 1/a where a >= eps (the clip inactive, as torch.clamp passes it), else 0. */
const clippedLogSlope = (argument: number): number => (argument >= PROBABILITY_EPSILON ? 1 / argument : 0);

/** d/dx of (1-x)^gamma scaled: gamma (1-x)^(gamma-1), with 0 where it is 0*inf (x = 1, gamma < 1). */
function focalSlope(oneMinus: number, gamma: number): number {
  if (gamma === 0) return 0;
  if (oneMinus === 0) return gamma === 1 ? 1 : 0;
  return gamma * oneMinus ** (gamma - 1);
}

function softmaxLosses(
  loss: Extract<LossSpec, { kind: 'softmax_cross_entropy' }>,
  batch: WeightingBatch,
  scheduled: ScheduledWeighting,
  focal: FocalRuleSpec | null,
): ElementLosses {
  const count = batch.sampleCount * batch.elementCount;
  const classes = batch.classCount;
  const epsilon = loss.labelSmoothing;
  const rawLoss = new Float64Array(count);
  const classFactor = new Float64Array(count).fill(1);
  const numeratorLoss = new Float64Array(count);
  const modulator = new Float64Array(count).fill(1);
  const probabilities = new Float64Array(count * classes);
  const oneMinusTrue = new Float64Array(count);
  const fromLogits = loss.from === 'logits';
  for (let element = 0; element < count; element += 1) {
    if (batch.masked[element]) {
      classFactor[element] = 0;
      continue;
    }
    const offset = element * classes;
    const target = batch.targets[element] as number;
    let value = 0;
    if (fromLogits) {
      let maximum = -Infinity;
      for (let c = 0; c < classes; c += 1) maximum = Math.max(maximum, batch.predictions[offset + c] as number);
      let sum = 0;
      for (let c = 0; c < classes; c += 1) sum += Math.exp((batch.predictions[offset + c] as number) - maximum);
      const logSum = maximum + Math.log(sum);
      let others = 0;
      for (let c = 0; c < classes; c += 1) {
        const logP = (batch.predictions[offset + c] as number) - logSum;
        const q = (c === target ? 1 - epsilon : 0) + epsilon / classes;
        value -= q * logP;
        const p = Math.exp(logP);
        probabilities[offset + c] = p;
        if (c !== target) others += p;
      }
      oneMinusTrue[element] = others;
    } else {
      for (let c = 0; c < classes; c += 1) {
        const p = batch.predictions[offset + c] as number;
        const q = (c === target ? 1 - epsilon : 0) + epsilon / classes;
        if (q !== 0) value -= q * clippedLog(p);
        probabilities[offset + c] = p;
      }
      // Focal reads the probability as given (the clip belongs to the log arguments only).
      oneMinusTrue[element] = 1 - (probabilities[offset + target] as number);
    }
    rawLoss[element] = value;
    const weight = scheduled.scheduledClassWeights ? (scheduled.scheduledClassWeights[target] as number) : 1;
    classFactor[element] = weight;
    numeratorLoss[element] = weight * value;
    if (focal) {
      const alpha =
        focal.alpha === null ? 1 : typeof focal.alpha === 'number' ? focal.alpha : (focal.alpha[target] ?? 1);
      modulator[element] = alpha * (oneMinusTrue[element] as number) ** focal.gamma;
    }
  }
  const alphaOf = (target: number): number =>
    !focal || focal.alpha === null ? 1 : typeof focal.alpha === 'number' ? focal.alpha : (focal.alpha[target] ?? 1);
  return {
    rawLoss,
    classFactor,
    numeratorLoss,
    modulator,
    accumulateGradient(element, coefficient, gradient) {
      if (batch.masked[element] || coefficient === 0) return;
      const offset = element * classes;
      const target = batch.targets[element] as number;
      const phi = modulator[element] as number;
      const weightedLoss = numeratorLoss[element] as number;
      const classWeight = classFactor[element] as number;
      const pTrue = probabilities[offset + target] as number;
      const focalTerm = focal ? -alphaOf(target) * focalSlope(oneMinusTrue[element] as number, focal.gamma) : 0;
      for (let c = 0; c < classes; c += 1) {
        const q = (c === target ? 1 - epsilon : 0) + epsilon / classes;
        const p = probabilities[offset + c] as number;
        let lossSlope: number;
        let trueProbabilitySlope: number;
        if (fromLogits) {
          lossSlope = p - q;
          trueProbabilitySlope = pTrue * ((c === target ? 1 : 0) - p);
        } else {
          lossSlope = q === 0 ? 0 : -q * clippedLogSlope(p);
          trueProbabilitySlope = c === target ? 1 : 0;
        }
        const slope = phi * classWeight * lossSlope + weightedLoss * focalTerm * trueProbabilitySlope;
        gradient[offset + c] = (gradient[offset + c] as number) + coefficient * slope;
      }
    },
  };
}

function sigmoidLosses(
  loss: Extract<LossSpec, { kind: 'sigmoid_cross_entropy' }>,
  batch: WeightingBatch,
  scheduled: ScheduledWeighting,
  focal: FocalRuleSpec | null,
): ElementLosses {
  const count = batch.sampleCount * batch.elementCount;
  const labels = batch.classCount;
  const epsilon = loss.labelSmoothing;
  const rawLoss = new Float64Array(count);
  const classFactor = new Float64Array(count).fill(1);
  const numeratorLoss = new Float64Array(count);
  const modulator = new Float64Array(count).fill(1);
  const probability = new Float64Array(count);
  const oneMinusProbability = new Float64Array(count);
  const fromLogits = loss.from === 'logits';
  const positiveOf = (element: number) =>
    scheduled.scheduledPositiveWeights ? (scheduled.scheduledPositiveWeights[element % labels] as number) : 1;
  const negativeOf = (element: number) =>
    scheduled.scheduledNegativeWeights ? (scheduled.scheduledNegativeWeights[element % labels] as number) : 1;
  const focalAlpha = (target: number) =>
    !focal || focal.alpha === null
      ? 1
      : (focal.alpha as number) * target + (1 - (focal.alpha as number)) * (1 - target);
  for (let element = 0; element < count; element += 1) {
    if (batch.masked[element]) {
      classFactor[element] = 0;
      continue;
    }
    const target = batch.targets[element] as number;
    const smoothed = target * (1 - epsilon) + epsilon / 2;
    const prediction = batch.predictions[element] as number;
    let positiveTerm: number;
    let negativeTerm: number;
    if (fromLogits) {
      positiveTerm = softplus(-prediction);
      negativeTerm = softplus(prediction);
      probability[element] = sigmoid(prediction);
      oneMinusProbability[element] = sigmoid(-prediction);
    } else {
      positiveTerm = -clippedLog(prediction);
      negativeTerm = -clippedLog(1 - prediction);
      probability[element] = prediction;
      oneMinusProbability[element] = 1 - prediction;
    }
    const positiveWeight = positiveOf(element);
    const negativeWeight = negativeOf(element);
    rawLoss[element] = smoothed * positiveTerm + (1 - smoothed) * negativeTerm;
    numeratorLoss[element] = positiveWeight * smoothed * positiveTerm + negativeWeight * (1 - smoothed) * negativeTerm;
    classFactor[element] = smoothed * positiveWeight + (1 - smoothed) * negativeWeight;
    if (focal) {
      const oneMinusPt =
        target * (oneMinusProbability[element] as number) + (1 - target) * (probability[element] as number);
      modulator[element] = focalAlpha(target) * oneMinusPt ** focal.gamma;
    }
  }
  return {
    rawLoss,
    classFactor,
    numeratorLoss,
    modulator,
    accumulateGradient(element, coefficient, gradient) {
      if (batch.masked[element] || coefficient === 0) return;
      const target = batch.targets[element] as number;
      const smoothed = target * (1 - epsilon) + epsilon / 2;
      const p = probability[element] as number;
      const q = oneMinusProbability[element] as number;
      const positiveWeight = positiveOf(element);
      const negativeWeight = negativeOf(element);
      const prediction = batch.predictions[element] as number;
      // dL/dp on the probability scale, then the chain to logits through dp/dz = p(1-p).
      let lossSlope: number;
      let probabilitySlope: number;
      if (fromLogits) {
        lossSlope = -positiveWeight * smoothed * q + negativeWeight * (1 - smoothed) * p;
        probabilitySlope = p * q;
      } else {
        const positiveSlope = smoothed === 0 ? 0 : -positiveWeight * smoothed * clippedLogSlope(prediction);
        const negativeSlope = smoothed === 1 ? 0 : negativeWeight * (1 - smoothed) * clippedLogSlope(1 - prediction);
        lossSlope = positiveSlope + negativeSlope;
        probabilitySlope = 1;
      }
      let slope = (modulator[element] as number) * lossSlope;
      if (focal) {
        const oneMinusPt = target * q + (1 - target) * p;
        const modulatorSlope =
          focalAlpha(target) * focalSlope(oneMinusPt, focal.gamma) * -(2 * target - 1) * probabilitySlope;
        slope += (numeratorLoss[element] as number) * modulatorSlope;
      }
      gradient[element] = (gradient[element] as number) + coefficient * slope;
    },
  };
}

function regressionLosses(
  loss: Extract<LossSpec, { kind: 'mse' | 'mae' | 'huber' }>,
  batch: WeightingBatch,
): ElementLosses {
  const count = batch.sampleCount * batch.elementCount;
  const rawLoss = new Float64Array(count);
  const classFactor = new Float64Array(count).fill(1);
  const delta = loss.kind === 'huber' ? loss.delta : 1;
  for (let element = 0; element < count; element += 1) {
    if (batch.masked[element]) {
      classFactor[element] = 0;
      continue;
    }
    const difference = (batch.predictions[element] as number) - (batch.targets[element] as number);
    const size = Math.abs(difference);
    rawLoss[element] =
      loss.kind === 'mse'
        ? difference * difference
        : loss.kind === 'mae'
          ? size
          : size <= delta
            ? 0.5 * difference * difference
            : delta * (size - 0.5 * delta);
  }
  return {
    rawLoss,
    classFactor,
    numeratorLoss: rawLoss,
    modulator: new Float64Array(count).fill(1),
    accumulateGradient(element, coefficient, gradient) {
      if (batch.masked[element] || coefficient === 0) return;
      const difference = (batch.predictions[element] as number) - (batch.targets[element] as number);
      const slope =
        loss.kind === 'mse'
          ? 2 * difference
          : loss.kind === 'mae'
            ? Math.sign(difference)
            : Math.abs(difference) <= delta
              ? difference
              : delta * Math.sign(difference);
      gradient[element] = (gradient[element] as number) + coefficient * slope;
    },
  };
}

/** Float64 per-element losses, class factors and focal modulators for any SPEC loss. */
export function referenceElementLosses(
  loss: LossSpec,
  batch: WeightingBatch,
  scheduled: ScheduledWeighting,
  focal: FocalRuleSpec | null,
): ElementLosses {
  switch (loss.kind) {
    case 'softmax_cross_entropy':
      return softmaxLosses(loss, batch, scheduled, focal);
    case 'sigmoid_cross_entropy':
      return sigmoidLosses(loss, batch, scheduled, focal);
    default:
      return regressionLosses(loss, batch);
  }
}
