import type { OnnxModel, OnnxNode, OnnxTensor } from './onnx-model-proto.ts';

/**
 * The original model with new initializer values, in inference mode: BatchNormalization nodes set to
 * training_mode 0 with their single output Y (the running statistics being the updated initializers),
 * and Dropout nodes without their training_mode input and mask output (Dropout is then the identity).
 * Every other node, input, output and the opset are kept as they were.
 */
export function withInitializers(model: OnnxModel, values: ReadonlyMap<string, Float32Array>): OnnxModel {
  const initializers: OnnxTensor[] = model.initializers.map((tensor) => {
    const value = values.get(tensor.name);
    return value ? { ...tensor, data: Float32Array.from(value) } : tensor;
  });
  const nodes: OnnxNode[] = model.nodes.map((node) => {
    if (node.opType === 'BatchNormalization') {
      const { training_mode: _trainingMode, ...attributes } = node.attributes;
      return { ...node, attributes, outputs: node.outputs.slice(0, 1) };
    }
    if (node.opType === 'Dropout')
      return { ...node, inputs: node.inputs.slice(0, 2), outputs: node.outputs.slice(0, 1) };
    return node;
  });
  return { ...model, nodes, initializers };
}
