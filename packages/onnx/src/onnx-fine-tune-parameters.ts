import { runningName, stepNames } from './onnx-fine-tune-step.ts';
import type { OnnxRuntimeLike, OnnxRuntimeTensor } from './onnx-fine-tuner-types.ts';
import type { OnnxModel } from './onnx-model-proto.ts';

/**
 * The values a fine-tuner carries between steps: the trainable initializers, the BatchNorm running
 * statistics and the optimizer moments (SGD momentum buffer; Adam first and second moments, starting
 * at zero as in PyTorch). Feeds them to a step graph and takes the step's outputs back.
 */
export class FineTuneParameters {
  readonly #values = new Map<string, Float32Array>();
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
    for (const name of trainable) {
      const names = stepNames(name);
      this.#updateOutputs.add(names.next).add(names.firstMomentNext);
      if (adam) this.#updateOutputs.add(names.secondMomentNext);
      const size = this.#values.get(name)?.length ?? 0;
      this.#moments.set(stepNames(name).firstMoment, new Float32Array(size));
      if (adam) this.#moments.set(stepNames(name).secondMoment, new Float32Array(size));
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
      for (const [name, value] of this.#moments) {
        const parameter = name.slice(0, name.lastIndexOf('::'));
        feeds[name] = new ort.Tensor('float32', value, this.#dims.get(parameter) ?? []);
      }
    return feeds;
  }

  /** Takes a step graph's next parameters, moments and running statistics. */
  apply(result: Record<string, OnnxRuntimeTensor>): void {
    const read = (name: string) => result[name]?.data as Float32Array;
    for (const name of this.#trainable) {
      const names = stepNames(name);
      this.#values.set(name, read(names.next));
      this.#moments.set(names.firstMoment, read(names.firstMomentNext));
      if (this.#adam) this.#moments.set(names.secondMoment, read(names.secondMomentNext));
    }
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
