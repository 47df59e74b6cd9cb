import {
  ZeroDenominatorError,
  checkFloat32Range,
  checkFloat32Result,
  curriculumFactorsByRank,
  hardMiningKeepCount,
  markLargest,
  scaleWeightsForFloat32,
} from '@weightspec/core';
import type { WeightingAdapter, WeightingBatch, WeightingComputation, WeightingResult } from '@weightspec/core';
import { addGradients } from './onnx-autodiff.ts';
import { encodeOnnxModel } from './onnx-model-proto.ts';
import { loadOnnxRuntime } from './onnx-runtime-loader.ts';
import type { OnnxRuntimeLike } from './onnx-fine-tuner-types.ts';
import { buildWeightedLossGraph } from './onnx-weighted-loss-graph.ts';

/** The [R, W] layout of a batch in the loss graph (see WeightedLossGraph). */
function layoutOf(batch: WeightingBatch): { rows: number; width: number; restWidth: number } {
  const width =
    batch.lossKind === 'softmax_cross_entropy'
      ? batch.classCount
      : batch.predictionShape.length >= 2
        ? batch.classCount
        : 1;
  const isSoftmax = batch.lossKind === 'softmax_cross_entropy';
  const rows = isSoftmax ? batch.sampleCount * batch.elementCount : (batch.sampleCount * batch.elementCount) / width;
  return { rows, width, restWidth: isSoftmax ? 1 : width };
}

/** Indices sorted by `key` descending; ties to the lower index. */
function descending(key: ArrayLike<number>, candidates: number[]): number[] {
  return candidates.sort((left, right) => (key[right] as number) - (key[left] as number) || left - right);
}

/**
 * Per-element weights but the class factor (sample x element x mask x adaptive x curriculum), in
 * plain JS on the raw losses the graph produced; the graph then takes them as its `rest` input.
 */
function restWeights({ spec, scheduled, batch }: WeightingComputation, rawLoss: Float32Array | null): Float32Array {
  const count = batch.sampleCount * batch.elementCount;
  const rest = new Float32Array(count);
  for (let element = 0; element < count; element += 1) {
    const sample = Math.floor(element / batch.elementCount);
    let weight = batch.masked[element] ? 0 : 1;
    if (batch.sampleWeights) weight *= (batch.sampleWeights[sample] as number) * scheduled.sampleWeightScale;
    if (batch.elementWeights) weight *= batch.elementWeights[element] as number;
    if (spec.elements?.weights) weight *= spec.elements.weights[element % batch.elementCount] as number;
    rest[element] = weight;
  }
  (spec.adaptive ?? []).forEach((rule, ruleIndex) => {
    if (!rawLoss) return;
    if (rule.kind === 'hard_mining') {
      const eligible = Array.from({ length: count }, (_, element) => element).filter(
        (element) => !batch.masked[element],
      );
      // Masked elements already have rest 0; rank only the eligible ones (ties to the lower index).
      const kept = markLargest(
        eligible.map((element) => rawLoss[element] as number),
        eligible.length === 0 ? 0 : hardMiningKeepCount(rule, eligible.length),
      );
      eligible.forEach((element, position) => {
        if (!kept[position]) rest[element] = 0;
      });
    } else if (rule.kind === 'self_paced') {
      const threshold = scheduled.selfPacedThresholds[ruleIndex] as number;
      for (let element = 0; element < count; element += 1) {
        const loss = rawLoss[element] as number;
        rest[element] =
          (rest[element] as number) *
          (rule.mode === 'hard' ? (loss < threshold ? 1 : 0) : Math.max(0, 1 - loss / threshold));
      }
    }
  });
  const curriculum = spec.curriculum;
  if (curriculum) {
    const difficulty = new Float64Array(batch.sampleCount);
    for (let sample = 0; sample < batch.sampleCount; sample += 1) {
      if (curriculum.difficulty === 'provided') difficulty[sample] = batch.difficulty?.[sample] as number;
      else {
        let sum = 0;
        let kept = 0;
        for (let j = 0; j < batch.elementCount; j += 1) {
          const element = sample * batch.elementCount + j;
          if (batch.masked[element]) continue;
          sum += (rawLoss as Float32Array)[element] as number;
          kept += 1;
        }
        difficulty[sample] = kept === 0 ? 0 : sum / kept;
      }
    }
    const easiestFirst = descending(
      difficulty.map((value) => -value),
      Array.from({ length: batch.sampleCount }, (_, sample) => sample),
    );
    const fraction = scheduled.curriculumFraction ?? 1;
    const byRank = curriculumFactorsByRank(curriculum, fraction, batch.sampleCount);
    easiestFirst.forEach((sample, rank) => {
      const factor = byRank[rank] as number;
      for (let j = 0; j < batch.elementCount; j += 1)
        rest[sample * batch.elementCount + j] = (rest[sample * batch.elementCount + j] as number) * factor;
    });
  }
  return rest;
}

/** Options of createOnnxWeightingAdapter. */
export interface OnnxWeightingAdapterOptions {
  /** Your `onnxruntime-node` module; loaded lazily when omitted. */
  readonly ort?: OnnxRuntimeLike;
}

/**
 * The ONNX Runtime adapter for the conformance suite (id `onnx`): the weighted loss is an ONNX graph
 * run by InferenceSession, and its gradient a second graph made by this package's reverse-mode
 * differentiation. Loss-dependent weights (hard mining, self-paced, a curriculum ranked by loss) take
 * one forward run for the raw losses first. ONNX Runtime computes in float32 here, hence the
 * tolerance floor of 2e-4 relative / 1e-5 absolute.
 */
export async function createOnnxWeightingAdapter(options: OnnxWeightingAdapterOptions = {}): Promise<WeightingAdapter> {
  const ort = options.ort ?? (await loadOnnxRuntime());
  return {
    id: 'onnx',
    specVersions: [1],
    capabilities: { unsupported: {} },
    minimumTolerance: { relative: 2e-4, absolute: 1e-5 },
    async computeWeightedLoss(given: WeightingComputation): Promise<WeightingResult> {
      // SPEC pinned rule 11: values beyond float32 are an input error; weights are combined in float64
      // and rescaled by their maximum before the float32 cast, the scale multiplied back in float64.
      checkFloat32Range(given.batch);
      const { computation, weightFactor, lossFactor } = scaleWeightsForFloat32(given);
      const { spec, batch, wantGradient } = computation;
      const reduction = spec.reduction ?? { kind: 'weighted_mean', zeroDenominator: 'zero' };
      if (batch.sampleCount * batch.elementCount === 0) {
        if (reduction.zeroDenominator === 'error') throw new ZeroDenominatorError(reduction.kind, 'the batch is empty');
        const loss = reduction.zeroDenominator === 'nan' ? Number.NaN : 0;
        return {
          loss,
          weights: new Float64Array(batch.sampleCount * batch.elementCount),
          gradient: loss === 0 ? new Float64Array(batch.predictions.length) : null,
        };
      }
      const { rows, width, restWidth } = layoutOf(batch);
      const graph = buildWeightedLossGraph(spec, computation.scheduled, width);
      if (wantGradient) {
        const gradient = addGradients(graph.builder, graph.loss, [graph.predictions]).get(graph.predictions) as string;
        graph.builder.node('Identity', [gradient], {}, { output: 'gradient' });
        graph.builder.output('gradient', 'float', ['R', width]);
      }
      const session = await ort.InferenceSession.create(encodeOnnxModel(graph.builder.build()));
      try {
        const isSoftmax = batch.lossKind === 'softmax_cross_entropy';
        const targets = new Float32Array(rows * width);
        const keep = new Float32Array(rows * restWidth);
        for (let element = 0; element < batch.targets.length; element += 1) {
          keep[element] = batch.masked[element] ? 0 : 1;
          if (batch.masked[element]) continue;
          if (isSoftmax) targets[element * width + (batch.targets[element] as number)] = 1;
          else targets[element] = batch.targets[element] as number;
        }
        const feeds = (rest: Float32Array) => ({
          predictions: new ort.Tensor('float32', Float32Array.from(batch.predictions), [rows, width]),
          targets: new ort.Tensor('float32', targets, [rows, width]),
          rest: new ort.Tensor('float32', rest, [rows, restWidth]),
          keep: new ort.Tensor('float32', keep, [rows, restWidth]),
        });
        const readsLoss =
          (spec.adaptive ?? []).some((rule) => rule.kind !== 'focal') || spec.curriculum?.difficulty === 'loss';
        let rawLoss: Float32Array | null = null;
        if (readsLoss) rawLoss = (await session.run(feeds(keep), ['raw_loss'])).raw_loss?.data as Float32Array;
        const outputs = await session.run(feeds(restWeights(computation, rawLoss)));
        const denominator = outputs.denominator?.data[0] as number;
        if (denominator === 0 && reduction.zeroDenominator === 'error')
          throw new ZeroDenominatorError(reduction.kind, 'the weights leave nothing to divide by');
        const result = {
          loss: (outputs.loss?.data[0] as number) * lossFactor,
          weights: Float64Array.from(outputs.weights?.data as Float32Array, (value) => value * weightFactor),
          gradient: wantGradient
            ? Float64Array.from(outputs.gradient?.data as Float32Array, (value) => value * lossFactor)
            : null,
        };
        return checkFloat32Result(result, computation);
      } finally {
        await session.release();
      }
    },
  };
}
