import { InvalidInputError, UnsupportedFeatureError } from '@weightspec/core';
import { OnnxGraphBuilder } from './onnx-graph-builder.ts';
import { contextOf, emit, int64s, reshapeTo } from './onnx-graph-emit.ts';
import type { OnnxAttribute, OnnxDataTypeName, OnnxModel, OnnxNode, OnnxTensor } from './onnx-model-proto.ts';
import { floatAttribute, inferNode, intAttribute, type StaticValue, splitSizes } from './onnx-static-shapes.ts';
import { evaluateStatic, tensorValues } from './onnx-static-values.ts';

/** A Dropout replaced by a mask input: values 0 or 1 / (1 - ratio) (PyTorch's inverted dropout). */
export interface DropoutMaskInput {
  readonly name: string;
  readonly node: string;
  readonly shape: readonly number[];
  readonly ratio: number;
}

/** A model graph rebuilt for one static batch size, with training-mode ops lowered to primitives. */
export interface LoweredGraph {
  readonly builder: OnnxGraphBuilder;
  /** The builder value holding an original graph value. */
  readonly valueOf: (name: string) => string;
  readonly dataInputs: readonly { name: string; shape: readonly number[]; dataType: OnnxDataTypeName }[];
  readonly dropoutMasks: readonly DropoutMaskInput[];
  /** BatchNormalization running statistics (initializer names) and their updated values. */
  readonly runningStatistics: readonly { initializer: string; updated: string }[];
}

/** Options of lowerModelGraph. */
export interface LowerOptions {
  readonly model: OnnxModel;
  readonly batchSize: number;
  /** Training mode: batch statistics in BatchNormalization, dropout masks as inputs. */
  readonly training: boolean;
  /** Initializers fed as graph inputs (trainable parameters and running statistics). */
  readonly fedInitializers: ReadonlySet<string>;
}

type Value =
  | { readonly kind: 'static'; readonly value: StaticValue }
  | { readonly kind: 'dynamic'; readonly name: string };

const int = (value: number): OnnxAttribute => ({ type: 'int', value });
/** Frozen float initializers above this many values become graph constants instead of static values. */
const STATIC_LIMIT = 64;

/** Values per row a data input may take (2^27, a 512 MB float32 row): larger is a declared shape gone wrong. */
const MAXIMUM_ROW_VALUES = 2 ** 27;

/**
 * Rebuilds `model`'s graph in an OnnxGraphBuilder with every shape static (batch size fixed), shape
 * subgraphs (Shape, Gather, Concat, ...) evaluated ahead of time, Split turned into Slices, and in
 * training mode BatchNormalization written out with batch statistics (running statistics updated
 * with the model's momentum and the unbiased batch variance, as torch.nn.BatchNorm does) and each
 * Dropout a multiplication by a mask input. LayerNormalization and Gelu are written out as primitives.
 */
export function lowerModelGraph(options: LowerOptions): LoweredGraph {
  const { model, batchSize, training, fedInitializers } = options;
  const b = new OnnxGraphBuilder(model.graphName || 'model');
  const values = new Map<string, Value>();
  const initializerNames = new Set(model.initializers.map((tensor) => tensor.name));
  const dataInputs: LoweredGraph['dataInputs'][number][] = [];
  for (const input of model.inputs) {
    if (initializerNames.has(input.name)) continue;
    const shape = input.shape.map((size, axis) => {
      if (axis === 0) return batchSize;
      if (typeof size === 'number') {
        if (!Number.isInteger(size) || size < 1)
          throw new InvalidInputError(
            'model',
            `input ${input.name} declares size ${size} at axis ${axis}; sizes past the batch axis must be integers >= 1`,
          );
        return size;
      }
      throw new UnsupportedFeatureError(
        'onnx',
        `symbolic dimension "${size}" at axis ${axis} of input ${input.name}`,
        'only the batch axis (0) may be symbolic; export with fixed other sizes',
      );
    });
    const rowSize = shape.slice(1).reduce((product, size) => product * size, 1);
    if (rowSize > MAXIMUM_ROW_VALUES)
      throw new InvalidInputError(
        'model',
        `input ${input.name} takes ${rowSize} values per row ([${input.shape.join(', ')}]); at most ${MAXIMUM_ROW_VALUES} are supported`,
      );
    dataInputs.push({ name: input.name, shape, dataType: input.dataType });
    values.set(input.name, { kind: 'dynamic', name: b.input(input.name, input.dataType, shape) });
  }
  for (const tensor of model.initializers) {
    if (fedInitializers.has(tensor.name))
      values.set(tensor.name, { kind: 'dynamic', name: b.input(tensor.name, tensor.dataType, tensor.dims) });
    else if (tensor.dataType === 'float' && tensor.data.length > STATIC_LIMIT)
      values.set(tensor.name, { kind: 'dynamic', name: constantOf(b, tensor) });
    else values.set(tensor.name, { kind: 'static', value: tensorValues(tensor) });
  }
  const materialize = (name: string): string => {
    if (name === '') return '';
    const value = values.get(name);
    if (!value) throw new InvalidInputError('model', `value "${name}" is used before any node produces it`);
    if (value.kind === 'dynamic') return value.name;
    const { dims, values: data, dataType } = value.value;
    const made =
      dataType === 'bool'
        ? emit(b, 'Cast', [b.constant(data, dims, 'int64')], { to: int(9) })
        : b.constant(data, dims, dataType);
    values.set(name, { kind: 'dynamic', name: made });
    return made;
  };
  const dropoutMasks: DropoutMaskInput[] = [];
  const runningStatistics: { initializer: string; updated: string }[] = [];
  const staticOf = (name: string) => {
    const value = name ? values.get(name) : undefined;
    return value?.kind === 'static' ? value.value : null;
  };
  for (const node of model.nodes) {
    const statics = node.inputs.map(staticOf);
    if (node.opType === 'Shape' || node.opType === 'Size') {
      // Shapes are static at a fixed batch size, whatever the input's values.
      const source = values.get(node.inputs[0] as string);
      const shape =
        source?.kind === 'dynamic' ? (b.shapeOf(source.name) as number[]) : ((source?.value.dims ?? []) as number[]);
      const evaluated = evaluateStatic(node, [], { shapes: [shape], types: ['float'], statics: [null] });
      values.set(node.outputs[0] as string, { kind: 'static', value: evaluated?.[0] as StaticValue });
      continue;
    }
    if (
      node.opType === 'Constant' ||
      (node.inputs.length > 0 && statics.every((value, index) => value || node.inputs[index] === ''))
    ) {
      const shapes = node.inputs.map((name) => (staticOf(name)?.dims ?? []) as number[]);
      const types = node.inputs.map((name) => staticOf(name)?.dataType ?? 'float');
      const evaluated = evaluateStatic(node, statics as StaticValue[], { shapes, types, statics });
      if (evaluated) {
        node.outputs.forEach((output, index) => {
          values.set(output, { kind: 'static', value: evaluated[index] as StaticValue });
        });
        continue;
      }
    }
    const lowered = lowerNode(b, node, node.inputs.map(materialize), {
      training,
      dropoutMasks,
      runningStatistics,
      statics,
      opset: model.opsetVersion ?? 17,
    });
    node.outputs.forEach((output, index) => {
      const made = lowered[index];
      if (made) values.set(output, { kind: 'dynamic', name: made });
    });
  }
  return { builder: b, valueOf: materialize, dataInputs, dropoutMasks, runningStatistics };
}

function constantOf(b: OnnxGraphBuilder, tensor: OnnxTensor): string {
  return b.constant(tensor.data as Float32Array, tensor.dims, tensor.dataType);
}

interface LowerState {
  readonly training: boolean;
  readonly dropoutMasks: DropoutMaskInput[];
  readonly runningStatistics: { initializer: string; updated: string }[];
  readonly statics: readonly (StaticValue | null)[];
  readonly opset: number;
}

/** Emits one node (lowered where training mode or autodiff needs primitives); returns its outputs' values. */
function lowerNode(b: OnnxGraphBuilder, node: OnnxNode, inputs: string[], state: LowerState): (string | null)[] {
  const x = inputs[0] as string;
  const shape = () => b.shapeOf(x) as number[];
  const reduce = (value: string, axes: number[]) =>
    emit(b, 'ReduceSum', [value, int64s(b, axes)], { keepdims: int(1) });
  const normalize = (axes: number[], epsilon: number) => {
    const count = axes.reduce((product, axis) => product * (shape()[axis] as number), 1);
    const mean = emit(b, 'Mul', [reduce(x, axes), b.scalarLike(x, 1 / count)]);
    const centered = emit(b, 'Sub', [x, mean]);
    const variance = emit(b, 'Mul', [reduce(emit(b, 'Mul', [centered, centered]), axes), b.scalarLike(x, 1 / count)]);
    const normalized = emit(b, 'Div', [
      centered,
      emit(b, 'Sqrt', [emit(b, 'Add', [variance, b.scalarLike(x, epsilon)])]),
    ]);
    return { mean, variance, normalized, count };
  };
  switch (node.opType) {
    case 'BatchNormalization': {
      const [scale, bias, runningMean, runningVariance] = inputs.slice(1) as [string, string, string, string];
      const channels = shape()[1] as number;
      if (!state.training)
        return [
          emit(b, 'BatchNormalization', [x, scale, bias, runningMean, runningVariance], {
            epsilon: { type: 'float', value: floatAttribute(node, 'epsilon', 1e-5) },
          }),
        ];
      const broadcast = [
        1,
        channels,
        ...shape()
          .slice(2)
          .map(() => 1),
      ];
      const axes = shape().flatMap((_, axis) => (axis === 1 ? [] : [axis]));
      const { mean, variance, normalized, count } = normalize(axes, floatAttribute(node, 'epsilon', 1e-5));
      const y = emit(b, 'Add', [
        emit(b, 'Mul', [normalized, reshapeTo(b, scale, broadcast)]),
        reshapeTo(b, bias, broadcast),
      ]);
      const momentum = floatAttribute(node, 'momentum', 0.9);
      const update = (running: string, batch: string, factor: number) =>
        emit(b, 'Add', [
          emit(b, 'Mul', [running, b.scalarLike(x, momentum)]),
          emit(b, 'Mul', [reshapeTo(b, batch, [channels]), b.scalarLike(x, (1 - momentum) * factor)]),
        ]);
      const updatedMean = update(runningMean, mean, 1);
      const updatedVariance = update(runningVariance, variance, count > 1 ? count / (count - 1) : 1);
      state.runningStatistics.push(
        { initializer: node.inputs[3] as string, updated: updatedMean },
        { initializer: node.inputs[4] as string, updated: updatedVariance },
      );
      return [y, updatedMean, updatedVariance];
    }
    case 'Dropout': {
      const ratio = state.statics[1]?.values[0] ?? floatAttribute(node, 'ratio', 0.5);
      if (!(ratio >= 0 && ratio < 1))
        throw new InvalidInputError('model', `Dropout node "${node.name}" has ratio ${ratio}; ONNX takes [0, 1)`);
      if (!state.training || ratio === 0) return [emit(b, 'Identity', [x]), null];
      const mask = b.input(`dropout_mask_${state.dropoutMasks.length}`, b.typeOf(x), shape());
      state.dropoutMasks.push({ name: mask, node: node.name, shape: shape(), ratio });
      return [emit(b, 'Mul', [x, mask]), null];
    }
    case 'LayerNormalization': {
      const axis =
        intAttribute(node, 'axis', -1) < 0
          ? intAttribute(node, 'axis', -1) + shape().length
          : intAttribute(node, 'axis', -1);
      const axes = shape().flatMap((_, index) => (index >= axis ? [index] : []));
      const { normalized } = normalize(axes, floatAttribute(node, 'epsilon', 1e-5));
      const scaled = emit(b, 'Mul', [normalized, inputs[1] as string]);
      return [inputs[2] ? emit(b, 'Add', [scaled, inputs[2]]) : scaled];
    }
    case 'Gelu': {
      if ((node.attributes.approximate as { value: string } | undefined)?.value === 'tanh')
        throw new UnsupportedFeatureError(
          'onnx',
          `Gelu approximate=tanh (node "${node.name}")`,
          'use the exact (erf) GELU',
        );
      const erf = emit(b, 'Erf', [emit(b, 'Mul', [x, b.scalarLike(x, Math.SQRT1_2)])]);
      return [emit(b, 'Mul', [emit(b, 'Mul', [x, b.scalarLike(x, 0.5)]), emit(b, 'Add', [erf, b.scalarLike(x, 1)])])];
    }
    case 'Split': {
      const axis =
        intAttribute(node, 'axis', 0) < 0
          ? intAttribute(node, 'axis', 0) + shape().length
          : intAttribute(node, 'axis', 0);
      let start = 0;
      return splitSizes(node, contextOf(b, inputs), shape()[axis] as number).map((size) => {
        const part = emit(b, 'Slice', [x, int64s(b, [start]), int64s(b, [start + size]), int64s(b, [axis])]);
        start += size;
        return part;
      });
    }
    case 'Identity':
      return [emit(b, 'Identity', [x])];
    default: {
      const inferred = inferNode(node, contextOf(b, inputs));
      if (node.outputs.length > 1 && node.opType !== 'MaxPool')
        throw new UnsupportedFeatureError(
          'onnx',
          `${node.opType} with ${node.outputs.length} outputs (node "${node.name}")`,
          'only the first output is supported',
        );
      return [
        b.node(node.opType, inputs.slice(0, node.opType === 'MaxPool' ? 1 : undefined), node.attributes, {
          shape: inferred.shapes[0],
          type: inferred.types[0],
        }),
      ];
    }
  }
}
