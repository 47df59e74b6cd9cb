import { InvalidInputError } from '@weightspec/core';
import type { OnnxModel } from './onnx-model-proto.ts';

/**
 * Ops a fine-tuned model may contain: those with a backward rule (onnx-autodiff.ts and
 * onnx-backward-rules*.ts), those lowered to primitives (BatchNormalization, Dropout,
 * LayerNormalization, Gelu, Split) and shape arithmetic evaluated ahead of time.
 */
export const FINE_TUNE_OPS: ReadonlySet<string> = new Set([
  'Gemm',
  'MatMul',
  'Conv',
  'MaxPool',
  'AveragePool',
  'GlobalAveragePool',
  'BatchNormalization',
  'Dropout',
  'Flatten',
  'Reshape',
  'Transpose',
  'Squeeze',
  'Unsqueeze',
  'Concat',
  'Split',
  'Slice',
  'Gather',
  'Pad',
  'Relu',
  'LeakyRelu',
  'Sigmoid',
  'Tanh',
  'Softmax',
  'LogSoftmax',
  'Erf',
  'Gelu',
  'LayerNormalization',
  'ReduceMean',
  'ReduceSum',
  'Sqrt',
  'Identity',
  'Constant',
  'Cast',
  'Add',
  'Sub',
  'Mul',
  'Div',
  'Pow',
  'Neg',
  'Exp',
  'Log',
  'Abs',
  'Reciprocal',
  'Softplus',
  'Clip',
  'Where',
  'Expand',
  // Shape arithmetic: evaluated while the graph is lowered, never differentiated.
  'Shape',
  'Size',
  'ConstantOfShape',
  'Range',
  'Equal',
  'Less',
  'Greater',
  'Not',
  'Max',
  'Min',
]);

/**
 * Which initializers a fine-tuner trains and which it carries as running statistics. 'all' means
 * every float initializer except BatchNormalization's running mean and variance (inputs 3 and 4),
 * which are updated from batch statistics instead, and single-value float initializers (exporters'
 * scalar constants); `frozen` names are removed. Unknown names are an
 * InvalidInputError listing the model's float initializers.
 */
export function selectTrainable(model: OnnxModel, trainable: 'all' | readonly string[], frozen: readonly string[]) {
  const runningStatistics = [
    ...new Set(
      model.nodes.filter((node) => node.opType === 'BatchNormalization').flatMap((node) => node.inputs.slice(3, 5)),
    ),
  ];
  const floats = model.initializers.filter((tensor) => tensor.dataType === 'float').map((tensor) => tensor.name);
  const candidates = floats.filter((name) => !runningStatistics.includes(name));
  const check = (field: string, names: readonly string[]) => {
    names.forEach((name, index) => {
      if (!floats.includes(name))
        throw new InvalidInputError(
          `${field}[${index}]`,
          `"${name}" is not a float initializer; the model has ${candidates.join(', ')}`,
        );
    });
  };
  if (trainable !== 'all') check('trainable', trainable);
  check('frozen', frozen);
  // Single-value float initializers are how exporters store scalar constants (scales, epsilons);
  // training them would turn shape arithmetic into data, so 'all' leaves them out (name them to train).
  const sizes = new Map(model.initializers.map((tensor) => [tensor.name, tensor.data.length]));
  const all = candidates.filter((name) => (sizes.get(name) ?? 0) > 1);
  const chosen = (trainable === 'all' ? all : trainable).filter((name) => !frozen.includes(name));
  if (chosen.length === 0) throw new InvalidInputError('trainable', 'selects no initializer to train');
  return { trainable: chosen, runningStatistics };
}
