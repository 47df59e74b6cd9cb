import { describeConformance } from '@weightspec/conformance/vitest';
import { createOnnxWeightingAdapter } from './onnx-weighting-adapter.ts';

// Loss and weights from an ONNX graph run by ONNX Runtime, the gradient from this package's autodiff.
describeConformance(() => createOnnxWeightingAdapter(), { name: 'conformance: onnx' });
