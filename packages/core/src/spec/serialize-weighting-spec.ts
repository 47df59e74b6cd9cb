import { parseWeightingSpec } from './parse-weighting-spec.ts';
import type { WeightingSpec } from './parse-weighting-spec.ts';

/** Canonical key order of the top-level blocks; nested keys are sorted alphabetically. */
const topLevelOrder = ['specVersion', 'loss', 'class', 'sample', 'elements', 'adaptive', 'curriculum', 'reduction'];

function canonicalize(value: unknown, isTopLevel: boolean): unknown {
  if (Array.isArray(value)) return value.map((item) => canonicalize(item, false));
  if (typeof value !== 'object' || value === null) return value;
  const keys = Object.keys(value).filter((key) => (value as Record<string, unknown>)[key] !== undefined);
  keys.sort((left, right) => {
    if (isTopLevel) return topLevelOrder.indexOf(left) - topLevelOrder.indexOf(right);
    if (left === 'kind' || left === 'strategy') return -1;
    if (right === 'kind' || right === 'strategy') return 1;
    return left < right ? -1 : left > right ? 1 : 0;
  });
  const result: Record<string, unknown> = {};
  for (const key of keys) result[key] = canonicalize((value as Record<string, unknown>)[key], false);
  return result;
}

/**
 * Serializes a spec to canonical JSON: validated, defaults filled, stable key order. Serializing the
 * parse of the output gives the same string (round-trip identical).
 */
export function serializeWeightingSpec(spec: WeightingSpec | unknown, options: { indent?: number } = {}): string {
  const parsed = parseWeightingSpec(spec);
  return JSON.stringify(canonicalize(parsed, true), null, options.indent ?? 2);
}
