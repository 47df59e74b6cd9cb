import { checkClassLabels, checkNumberArray, InvalidInputError } from '@weightspec/core';
import type { FineTuneGraph } from './onnx-fine-tune-step.ts';
import type { FineTuneBatch, OnnxRuntimeLike, OnnxRuntimeTensor } from './onnx-fine-tuner-types.ts';

/** The rows of one run: flat samples, their targets (null: none, for predictions) and `rest` weights. */
export interface BatchRows {
  readonly features: readonly ArrayLike<number>[];
  readonly targets: FineTuneBatch['targets'] | null;
  readonly indices: ArrayLike<number>;
  readonly rest: Float32Array;
  readonly isSoftmax: boolean;
}

/**
 * Feeds for a graph's data input, `targets` (one-hot rows for softmax CE, target rows otherwise),
 * `rest` and `keep` ([R, 1] for softmax CE, [R, W] otherwise, as appendWeightedLoss lays them out).
 * Each row is checked: its length against the model input and its target against the output width.
 */
export function batchFeeds(
  ort: OnnxRuntimeLike,
  graph: FineTuneGraph,
  rows: BatchRows,
): Record<string, OnnxRuntimeTensor> {
  const { features, targets, indices, rest, isSoftmax } = rows;
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
    if (!row || row.length !== rowSize)
      throw new InvalidInputError(
        `features[${index}]`,
        `has ${row?.length ?? 0} values, the model's input ${input.name} takes ${rowSize} per row`,
      );
    data.set(row, position * rowSize);
  }
  const width = graph.width;
  const targetData = new Float32Array(count * width);
  if (targets)
    for (let position = 0; position < count; position += 1) {
      const index = indices[position] as number;
      const target = targets[index];
      if (isSoftmax)
        targetData[
          position * width + (checkClassLabels(`targets[${index}]`, [target], { numClasses: width })[0] as number)
        ] = 1;
      else targetData.set(checkNumberArray(`targets[${index}]`, target, { length: width }), position * width);
    }
  const restWidth = isSoftmax ? 1 : width;
  const expanded =
    restWidth === 1
      ? rest
      : Float32Array.from({ length: count * width }, (_, flat) => rest[Math.floor(flat / width)] as number);
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
    targets: float(targetData, [count, width]),
    rest: float(expanded, [count, restWidth]),
    keep: float(new Float32Array(count * restWidth).fill(1), [count, restWidth]),
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
