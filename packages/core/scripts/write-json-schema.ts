/**
 * Writes weightspec.v1.schema.json (shipped in the package) from the zod schema:
 *   pnpm --filter @weightspec/core generate:schema
 * A test fails when the committed file differs from what this script writes.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { weightingSpecV1JsonSchema } from '../src/spec/weighting-spec-json-schema.ts';

const target = fileURLToPath(new URL('../weightspec.v1.schema.json', import.meta.url));
writeFileSync(target, `${JSON.stringify(weightingSpecV1JsonSchema(), null, 2)}\n`);
console.log(`wrote ${target}`);
