import { z } from 'zod';
import { weightingSpecV1Schema } from './v1/spec-v1-schema.ts';

/**
 * The JSON Schema (draft 2020-12) of a v1 spec as a user writes it, generated from the same zod schema
 * the parser uses. The package ships it as `weightspec.v1.schema.json`. Cross-field rules (which class
 * strategy fits which loss) are checked by the parser only.
 */
export function weightingSpecV1JsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(weightingSpecV1Schema, { io: 'input', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  return {
    ...schema,
    $id: 'https://weightspec.dev/schema/weightspec.v1.schema.json',
    title: 'weightspec weighting spec, version 1',
  };
}
