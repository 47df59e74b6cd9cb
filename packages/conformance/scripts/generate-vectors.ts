/**
 * Regenerates packages/conformance/vectors from the case lists (re-runnable, deterministic):
 *   pnpm --filter @weightspec/conformance generate
 * Removes vectors that no longer have a case, writes one JSON file per case at vectors/<id>.json.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildVectors } from './build-vectors.ts';

/** JSON with 2-space indent, but arrays of numbers (the rows of a tensor) kept on one line. */
function formatVector(value: unknown, indent = ''): string {
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.every((item) => typeof item !== 'object' || item === null))
      return `[${value.map((item) => JSON.stringify(item)).join(', ')}]`;
    return `[\n${value.map((item) => inner + formatVector(item, inner)).join(',\n')}\n${indent}]`;
  }
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).map(
      ([key, item]) => `${inner}${JSON.stringify(key)}: ${formatVector(item, inner)}`,
    );
    return entries.length === 0 ? '{}' : `{\n${entries.join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value);
}

const vectorDirectory = fileURLToPath(new URL('../vectors', import.meta.url));
const vectors = buildVectors();
rmSync(vectorDirectory, { recursive: true, force: true });
for (const vector of vectors) {
  const file = join(vectorDirectory, `${vector.id}.json`);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${formatVector(vector)}\n`);
}
console.log(`wrote ${vectors.length} vectors to ${vectorDirectory}`);
