import { describeConformance } from '@weightspec/conformance/vitest';
import { createTfjsWeightingAdapter } from './tfjs-weighting-adapter.ts';

// Every shipped vector on both backends: loss and weights from tfjs ops, gradient from tfjs autodiff.
describeConformance(() => createTfjsWeightingAdapter({ backend: 'cpu' }), { name: 'conformance: tfjs-cpu' });
describeConformance(() => createTfjsWeightingAdapter({ backend: 'wasm' }), { name: 'conformance: tfjs-wasm' });
