import { referenceWeightedLoss } from '../reference/reference-weighted-loss.ts';
import type { WeightingAdapter } from './weighting-adapter.ts';

/**
 * The core's float64 reference run as an adapter, so the conformance suite checks the oracle against
 * vectors that were also worked out independently. It supports every feature.
 */
export function createReferenceAdapter(): WeightingAdapter {
  return {
    id: 'reference',
    specVersions: [1],
    capabilities: { unsupported: {} },
    async computeWeightedLoss({ spec, scheduled, batch, wantGradient }) {
      const result = referenceWeightedLoss(spec, scheduled, batch);
      return { loss: result.loss, weights: result.weights, gradient: wantGradient ? result.gradient : null };
    },
  };
}
