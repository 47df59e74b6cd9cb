import { createReferenceAdapter } from '@weightspec/core';
import { describeConformance } from './vitest/index.ts';

// The core's float64 reference runs as an adapter against every shipped vector. The vectors were
// generated from it, so this mainly proves the runner wiring; the independent checks live in the
// generator (hand-worked and published values, finite differences) and in vector-generation.test.ts.
describeConformance(() => createReferenceAdapter(), { name: 'conformance: reference' });
