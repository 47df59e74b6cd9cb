import { InvalidInputError } from '@weightspec/core';

/** A named starting point for the spec editor. */
export interface SpecPreset {
  readonly id: string;
  readonly title: string;
  /** One sentence on what the preset does to training. */
  readonly summary: string;
  readonly document: Record<string, unknown>;
}

const softmax = { kind: 'softmax_cross_entropy' } as const;

/**
 * The presets the page offers, one per idea people ask about (SPEC "class", "adaptive", "curriculum").
 * Schedules are in epochs and assume the page's default of 20 epochs.
 */
export const SPEC_PRESETS: readonly SpecPreset[] = Object.freeze([
  {
    id: 'balanced',
    title: 'Balanced class weights',
    summary: 'n / (C * n_c): every class carries the same total weight (scikit-learn compute_class_weight).',
    document: { specVersion: 1, loss: softmax, class: { strategy: 'balanced' } },
  },
  {
    id: 'effective-number',
    title: 'Effective number of samples',
    summary: '(1 - beta) / (1 - beta^n_c), scaled to sum to C (Cui et al. 2019): gentler than balanced.',
    document: { specVersion: 1, loss: softmax, class: { strategy: 'effective_number', beta: 0.999 } },
  },
  {
    id: 'focal',
    title: 'Focal loss',
    summary: 'Down-weights easy samples by (1 - p_y)^gamma (Lin et al. 2017); no class weights.',
    document: { specVersion: 1, loss: softmax, adaptive: [{ kind: 'focal', gamma: 2 }] },
  },
  {
    id: 'deferred',
    title: 'Deferred re-weighting',
    summary: 'Unweighted for the first half, balanced weights from epoch 10 (LDAM-DRW, Cao et al. 2019).',
    document: {
      specVersion: 1,
      loss: softmax,
      class: { strategy: 'balanced', schedule: { kind: 'deferred', start: 10 } },
    },
  },
  {
    id: 'curriculum',
    title: 'Curriculum (root pacing)',
    summary: 'Easiest 30% first by the model’s own loss, all samples from 80% of training (Platanios et al. 2019).',
    document: {
      specVersion: 1,
      loss: softmax,
      class: { strategy: 'balanced' },
      curriculum: { difficulty: 'loss', pacing: { kind: 'root', start: 0.3, fullAt: 0.8 } },
    },
  },
]);

/** The preset with `id`; an unknown id is an error naming the known ones. */
export function presetById(id: string): SpecPreset {
  const preset = SPEC_PRESETS.find((candidate) => candidate.id === id);
  if (!preset)
    throw new InvalidInputError(
      'preset',
      `unknown preset "${id}"; known: ${SPEC_PRESETS.map((candidate) => candidate.id).join(', ')}`,
    );
  return preset;
}

/** The preset as the editor shows it: two-space JSON with a final newline. */
export function presetText(id: string): string {
  return `${JSON.stringify(presetById(id).document, null, 2)}\n`;
}
