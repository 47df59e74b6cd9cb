import { OPTIMIZER_STATE, runningName, stepNames } from './onnx-fine-tune-step.ts';
import type { OnnxRuntimeLike, OnnxRuntimeTensor } from './onnx-fine-tuner-types.ts';
import type { OnnxModel } from './onnx-model-proto.ts';

/**
 * The values a fine-tuner carries between steps: the trainable initializers, the BatchNorm running
 * statistics and the optimizer moments (SGD momentum buffer; Adam first and second moments, starting
 * at zero as in PyTorch). Feeds them to a step graph and takes the step's outputs back.
 */
export class FineTuneParameters {
  readonly #values = new Map<string, Float32Array>();
  /** Flat optimizer state (OPTIMIZER_STATE): every trainable parameter's moments, in `trainable` order. */
  readonly #moments = new Map<string, Float32Array>();
  readonly #dims = new Map<string, readonly number[]>();
  readonly #trainable: readonly string[];
  readonly #runningStatistics: readonly string[];
  readonly #adam: boolean;
  readonly #updateOutputs = new Set<string>();

  /** Copies the initial values of `trainable` and `runningStatistics` from the model's initializers. */
  constructor(model: OnnxModel, trainable: readonly string[], runningStatistics: readonly string[], adam: boolean) {
    this.#trainable = trainable;
    this.#runningStatistics = runningStatistics;
    this.#adam = adam;
    for (const tensor of model.initializers) {
      if (!trainable.includes(tensor.name) && !runningStatistics.includes(tensor.name)) continue;
      this.#values.set(tensor.name, Float32Array.from(tensor.data as Float32Array));
      this.#dims.set(tensor.name, tensor.dims);
    }
    for (const name of runningStatistics) this.#updateOutputs.add(runningName(name));
    let total = 0;
    for (const name of trainable) {
      this.#updateOutputs.add(stepNames(name).next);
      total += this.#values.get(name)?.length ?? 0;
    }
    this.#updateOutputs.add(OPTIMIZER_STATE.firstMomentNext);
    this.#moments.set(OPTIMIZER_STATE.firstMoment, new Float32Array(total));
    if (adam) {
      this.#updateOutputs.add(OPTIMIZER_STATE.secondMomentNext);
      this.#moments.set(OPTIMIZER_STATE.secondMoment, new Float32Array(total));
    }
  }

  /** The current values (shared, not copied): what exportModel writes into the initializers. */
  get values(): ReadonlyMap<string, Float32Array> {
    return this.#values;
  }

  /** Feeds of every parameter and running statistic, and of the moments when `withMoments`. */
  feeds(ort: OnnxRuntimeLike, withMoments: boolean): Record<string, OnnxRuntimeTensor> {
    const feeds: Record<string, OnnxRuntimeTensor> = {};
    for (const [name, value] of this.#values)
      feeds[name] = new ort.Tensor('float32', value, this.#dims.get(name) ?? []);
    if (withMoments)
      for (const [name, value] of this.#moments) feeds[name] = new ort.Tensor('float32', value, [value.length]);
    return feeds;
  }

  /** Takes a step graph's next parameters, moments and running statistics. */
  apply(result: Record<string, OnnxRuntimeTensor>): void {
    const read = (name: string) => result[name]?.data as Float32Array;
    for (const name of this.#trainable) this.#values.set(name, read(stepNames(name).next));
    this.#moments.set(OPTIMIZER_STATE.firstMoment, read(OPTIMIZER_STATE.firstMomentNext));
    if (this.#adam) this.#moments.set(OPTIMIZER_STATE.secondMoment, read(OPTIMIZER_STATE.secondMomentNext));
    for (const name of this.#runningStatistics)
      if (result[runningName(name)]) this.#values.set(name, read(runningName(name)));
  }

  /** Whether `output` of a step graph is one `apply` reads (a next parameter, moment or running statistic). */
  updatedBy(output: string): boolean {
    return this.#updateOutputs.has(output);
  }

  /** A step graph's gradients, by trainable initializer. */
  gradients(result: Record<string, OnnxRuntimeTensor>): Map<string, Float32Array> {
    return new Map(this.#trainable.map((name) => [name, result[stepNames(name).gradient]?.data as Float32Array]));
  }
}
