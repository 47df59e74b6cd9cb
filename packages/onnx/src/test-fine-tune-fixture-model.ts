import { decodeOnnxModel } from './onnx-model-decoder.ts';
import { encodeOnnxModel } from './onnx-model-proto.ts';

/**
 * A PyTorch fixture's exported model (`.onnx` bytes) with the fixture's initial parameters and buffers
 * written into its initializers (the export's trace runs BatchNorm once, so the exported buffers are not
 * PyTorch's starting values); initializers the fixture does not list stay as exported. Shared by the
 * Node, onnxruntime-web and Chromium fine-tuning tests; browser-safe (no Node modules).
 */
export function withFixtureInitializers(
  bytes: Uint8Array,
  initial: Readonly<Record<string, readonly number[] | undefined>>,
): Uint8Array {
  const model = decodeOnnxModel(bytes);
  const initializers = model.initializers.map((tensor) => {
    const values = initial[tensor.name];
    return values ? { ...tensor, data: Float32Array.from(values) } : tensor;
  });
  return encodeOnnxModel({ ...model, initializers });
}
