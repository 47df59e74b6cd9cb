import { CONV_BACKWARD_RULES } from './onnx-backward-rules-conv.ts';
import type { ModelBackwardRule } from './onnx-backward-rules-dense.ts';
import { DENSE_BACKWARD_RULES } from './onnx-backward-rules-dense.ts';
import { SHAPE_BACKWARD_RULES } from './onnx-backward-rules-shape.ts';

/**
 * The backward rules for imported models (exported CNNs and small transformers), registered into
 * onnx-autodiff's BACKWARD_RULES. MatMul, Slice and LogSoftmax replace the narrower packed-MLP rules
 * (they cover N-D operands, any axis and every unit-step slice).
 */
export const MODEL_BACKWARD_RULES: Readonly<Record<string, ModelBackwardRule>> = {
  ...DENSE_BACKWARD_RULES,
  ...SHAPE_BACKWARD_RULES,
  ...CONV_BACKWARD_RULES,
};

export type { ModelBackwardRule };
