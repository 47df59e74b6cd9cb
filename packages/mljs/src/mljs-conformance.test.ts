import { describeConformance } from '@weightspec/conformance/vitest';
import { createMljsWeightingAdapter } from './mljs-weighting-adapter.ts';

// Loss, weights and gradient computed with ml-matrix on every shipped vector the adapter supports;
// the rest are skipped with the reasons declared in its capabilities.
describeConformance(() => createMljsWeightingAdapter(), { name: 'conformance: mljs' });
