import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { weightingSpecV1JsonSchema } from './weighting-spec-json-schema.ts';

describe('weightspec.v1.schema.json', () => {
  const committed = JSON.parse(readFileSync(new URL('../../weightspec.v1.schema.json', import.meta.url), 'utf8'));

  it("is the schema generated from the parser's zod schema (run `pnpm --filter @weightspec/core generate:schema`)", () => {
    expect(committed).toEqual(weightingSpecV1JsonSchema());
  });

  it('is strict and requires specVersion 1 and loss, as SPEC says', () => {
    expect(committed.additionalProperties).toBe(false);
    expect(committed.required).toEqual(['specVersion', 'loss']);
    expect(committed.properties.specVersion).toEqual({ type: 'number', const: 1 });
    const lossKinds = committed.properties.loss.oneOf ?? committed.properties.loss.anyOf;
    expect(
      lossKinds.map((option: { properties: { kind: { const: string } } }) => option.properties.kind.const),
    ).toEqual(['softmax_cross_entropy', 'sigmoid_cross_entropy', 'mse', 'mae', 'huber']);
  });
});
