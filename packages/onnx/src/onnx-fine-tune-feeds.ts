import { checkClassLabels, checkNumberArray, describeValue, InvalidInputError } from '@weightspec/core';
import type { FineTuneGraph } from './onnx-fine-tune-step.ts';
import type { FineTuneBatch, OnnxRuntimeLike, OnnxRuntimeTensor } from './onnx-fine-tuner-types.ts';

/** The rows of one run: flat samples, their targets (null: none, for predictions) and `rest` weights. */
export interface BatchRows {
  readonly features: readonly ArrayLike<number>[];
  readonly targets: FineTuneBatch['targets'] | null;
  readonly indices: ArrayLike<number>;
  /** One weight per sample (class weights are folded into the graph). */
  readonly rest: Float32Array;
  readonly isSoftmax: boolean;
  /** SPEC `elements.weights` [E], or null. */
  readonly elementWeights: readonly number[] | null;
  /** SPEC `elements.maskValue`: elements whose target equals it get keep 0. */
  readonly maskValue: number | null;
  /** Per-element weights given with the data, [E] per sample, indexed like `features` (SPEC "elements"). */
  readonly dataElementWeights?: readonly (readonly number[])[] | null;
  /** Per-element factors of this run (hard mining, self-paced), in loss-element order. */
  readonly elementFactors?: Float32Array | null;
}

/**
 * Feeds for a graph's data input, `targets` (one-hot rows for softmax CE, target rows otherwise),
 * `rest` and `keep` ([R, 1] for softmax CE, [R, W] otherwise, as appendWeightedLoss lays them out).
 * Each row is checked: its length against the model input, its values finite within float32, and its
 * target against the output width.
 */
export function batchFeeds(
  ort: OnnxRuntimeLike,
  graph: FineTuneGraph,
  rows: BatchRows,
): Record<string, OnnxRuntimeTensor> {
  const { features, targets, indices, rest, isSoftmax, elementWeights, maskValue } = rows;
  const { dataElementWeights = null, elementFactors = null } = rows;
  const float = (data: Float32Array, dims: readonly number[]) => new ort.Tensor('float32', data, dims);
  const input = graph.lowered.dataInputs[0];
  if (!input || graph.lowered.dataInputs.length !== 1)
    throw new InvalidInputError(
      'model',
      `the fine-tuner feeds one data input; the model has ${graph.lowered.dataInputs.map((item) => item.name).join(', ') || 'none'}`,
    );
  const rowSize = input.shape.slice(1).reduce((product, size) => product * size, 1);
  const count = indices.length;
  const data = new Float32Array(count * rowSize);
  for (let position = 0; position < count; position += 1) {
    const index = indices[position] as number;
    const row = features[index];
    if (typeof row !== 'object' || row === null || typeof row.length !== 'number')
      throw new InvalidInputError(
        `features[${index}]`,
        `must be an array of ${rowSize} numbers (one flat sample), got ${describeValue(row)}`,
      );
    if (row.length !== rowSize)
      throw new InvalidInputError(
        `features[${index}]`,
        `has ${row.length} values, the model's input ${input.name} takes ${rowSize} per row`,
      );
    data.set(row, position * rowSize);
    // SPEC: inputs must be finite. A NaN would pass MaxPool unseen and poison every parameter; a value
    // beyond float32's range becomes Infinity in the cast (pinned rule 11).
    for (let column = 0; column < rowSize; column += 1)
      if (!Number.isFinite(data[position * rowSize + column] as number))
        throw new InvalidInputError(
          `features[${index}][${column}]`,
          `must be a finite float32 number, got ${describeValue(row[column])}`,
        );
  }
  const { width, rowsPerSample } = graph;
  const lossRows = count * rowsPerSample;
  const restWidth = isSoftmax ? 1 : width;
  const targetData = new Float32Array(lossRows * width);
  const restData = new Float32Array(lossRows * restWidth);
  const keepData = new Float32Array(lossRows * restWidth).fill(1);
  // Element e of a sample is loss row (sample * rowsPerSample + e) for softmax, column e otherwise.
  for (let position = 0; position < count; position += 1) {
    const index = indices[position] as number;
    const slots = rowsPerSample * restWidth;
    const given = dataElementWeights
      ? checkNumberArray(`elementWeights[${index}]`, dataElementWeights[index], { length: slots, nonNegative: true })
      : null;
    for (let slot = 0; slot < slots; slot += 1) {
      const flat = position * slots + slot;
      restData[flat] =
        (rest[position] as number) *
        (elementWeights?.[slot] ?? 1) *
        (given?.[slot] ?? 1) *
        (elementFactors?.[flat] ?? 1);
    }
    if (!targets) continue;
    const target = targets[index];
    const values = typeof target === 'number' ? [target] : target;
    if (isSoftmax) {
      const labels = checkClassLabels(`targets[${index}]`, values, {
        numClasses: width,
        length: rowsPerSample,
        maskValue,
      });
      labels.forEach((label, element) => {
        const row = position * rowsPerSample + element;
        if (label < 0) keepData[row] = 0;
        else targetData[row * width + label] = 1;
      });
    } else {
      const checked = checkNumberArray(`targets[${index}]`, values, { length: width });
      checked.forEach((value, element) => {
        if (maskValue !== null && value === maskValue) keepData[position * width + element] = 0;
        else targetData[position * width + element] = value;
      });
    }
  }
  const dims = [count, ...input.shape.slice(1)];
  return {
    [input.name]:
      input.dataType === 'int64'
        ? new ort.Tensor(
            'int64',
            BigInt64Array.from(data, (value) => BigInt(Math.round(value))),
            dims,
          )
        : float(data, dims),
    targets: float(targetData, [lossRows, width]),
    rest: float(restData, [lossRows, restWidth]),
    keep: float(keepData, [lossRows, restWidth]),
  };
}

/**
 * Feeds for a step graph's dropout masks: the `given` masks (checked for size), else masks drawn from
 * `random` with PyTorch's inverted-dropout scaling (0 with probability ratio, else 1 / (1 - ratio)).
 */
export function maskFeeds(
  ort: OnnxRuntimeLike,
  graph: FineTuneGraph,
  given: readonly Float32Array[] | undefined,
  random: () => number,
): Record<string, OnnxRuntimeTensor> {
  const feeds: Record<string, OnnxRuntimeTensor> = {};
  if (given && given.length !== graph.lowered.dropoutMasks.length)
    throw new InvalidInputError(
      'dropoutMasks',
      `has ${given.length} masks; the model has ${graph.lowered.dropoutMasks.length} Dropout nodes that train (one mask each, in graph order)`,
    );
  graph.lowered.dropoutMasks.forEach((mask, index) => {
    const size = mask.shape.reduce((product, value) => product * value, 1);
    let values = given?.[index];
    if (given && (!values || values.length !== size))
      throw new InvalidInputError(
        `dropoutMasks[${index}]`,
        `needs ${size} values for Dropout "${mask.node}", got ${values?.length ?? 'none'}`,
      );
    values ??= Float32Array.from({ length: size }, () => (random() < mask.ratio ? 0 : 1 / (1 - mask.ratio)));
    feeds[mask.name] = new ort.Tensor('float32', values, mask.shape);
  });
  return feeds;
}
