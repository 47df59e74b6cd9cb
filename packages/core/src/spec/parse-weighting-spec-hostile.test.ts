import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidSpecError } from '../errors/invalid-spec-error.ts';
import { UnsupportedVersionError } from '../errors/unsupported-version-error.ts';
import { WeightspecError } from '../errors/weightspec-error.ts';
import { MAX_JSON_DEPTH } from '../json/strict-json-reader.ts';
import { parseWeightingSpec, safeParseWeightingSpec } from './parse-weighting-spec.ts';
import { serializeWeightingSpec } from './serialize-weighting-spec.ts';

/** Numbers that break naive code: non-finite, signed zero, subnormal, float64 and float32 edges. */
const adversarialNumber = fc.constantFrom(
  Number.NaN,
  Infinity,
  -Infinity,
  -0,
  1e-320,
  1e308,
  1e39,
  -1,
  0,
  1.5,
  2 ** 53,
);

/** Leaves a hostile document may hold where the schema expects something else. */
const adversarialLeaf = fc.oneof(
  adversarialNumber,
  fc.string({ maxLength: 8 }),
  fc.constant(null),
  fc.constant(undefined),
  fc.boolean(),
  fc.constant([]),
  fc.constant({}),
  fc.array(adversarialNumber, { maxLength: 4 }),
);

const validSpec = {
  specVersion: 1,
  loss: { kind: 'softmax_cross_entropy', labelSmoothing: 0.1 },
  class: { strategy: 'inverse_frequency', power: 0.5, clip: { min: 0.1, max: 10 } },
  sample: { normalize: 'mean_one' },
  adaptive: [{ kind: 'focal', gamma: 2 }],
  curriculum: { difficulty: 'loss', pacing: { kind: 'linear', start: 0.3 } },
  reduction: { kind: 'weighted_mean', zeroDenominator: 'zero' },
};

/** A copy of `value` with the leaf (or subtree) at a chosen position replaced. */
function replaceAt(value: unknown, choice: number, replacement: unknown): unknown {
  const paths: (string | number)[][] = [];
  const collect = (node: unknown, path: (string | number)[]) => {
    paths.push(path);
    if (Array.isArray(node)) for (const [index, child] of node.entries()) collect(child, [...path, index]);
    else if (typeof node === 'object' && node !== null)
      for (const [key, child] of Object.entries(node)) collect(child, [...path, key]);
  };
  collect(value, []);
  const target = paths[choice % paths.length] as (string | number)[];
  if (target.length === 0) return replacement;
  const copy = structuredClone(value) as Record<string | number, unknown>;
  let node = copy;
  for (const segment of target.slice(0, -1)) node = node[segment] as Record<string | number, unknown>;
  node[target[target.length - 1] as string | number] = replacement;
  return copy;
}

/** The property every entry point keeps: a valid spec, or a typed error; safeParse never throws. */
function expectSpecOrTypedError(document: unknown): void {
  const result = safeParseWeightingSpec(document);
  if (result.success) {
    // A parsed spec's serialization is a fixed point of parse + serialize (compared as text, since JSON
    // drops an explicit undefined and writes -0 as 0).
    const text = serializeWeightingSpec(result.spec);
    expect(serializeWeightingSpec(parseWeightingSpec(text))).toBe(text);
  } else {
    expect(WeightspecError.isInstance(result.error)).toBe(true);
    expect(result.error.message.length).toBeLessThan(20_000);
  }
}

describe('parseWeightingSpec on hostile documents', () => {
  it('any JSON value or arbitrary JS value: a spec or a typed error, never a raw throw', () => {
    fc.assert(fc.property(fc.jsonValue(), expectSpecOrTypedError), { numRuns: 300 });
    fc.assert(fc.property(fc.anything(), expectSpecOrTypedError), { numRuns: 300 });
  });

  it('any string (JSON text or not): a spec or a typed error', () => {
    fc.assert(fc.property(fc.string(), expectSpecOrTypedError), { numRuns: 300 });
    fc.assert(fc.property(fc.json(), expectSpecOrTypedError), { numRuns: 300 });
  });

  it('a valid spec with one value replaced by an adversarial one: a spec or a typed error', () => {
    expectSpecOrTypedError(validSpec);
    fc.assert(
      fc.property(fc.nat(), adversarialLeaf, (choice, leaf) => {
        const document = replaceAt(validSpec, choice, leaf);
        expectSpecOrTypedError(document);
        expectSpecOrTypedError(JSON.stringify(document) ?? 'undefined');
      }),
      { numRuns: 500 },
    );
  });

  it('nesting 3000 deep, as text or as an object, and a cyclic object are typed errors (no RangeError)', () => {
    const deepText = `{"specVersion":1,"loss":{"kind":"mse"},"x":${'['.repeat(3000)}${']'.repeat(3000)}}`;
    const fromText = safeParseWeightingSpec(deepText);
    expect(!fromText.success && fromText.error.message).toContain(`nested deeper than ${MAX_JSON_DEPTH} levels`);
    // The path is shown by its first 8 levels: the object (level 1) holds 255 arrays up to the limit.
    expect(!fromText.success && InvalidSpecError.isInstance(fromText.error) && fromText.error.issues[0]?.jsonPath).toBe(
      '$.x[0][0][0][0][0][0][0]… (256 levels)',
    );
    const fromObject = safeParseWeightingSpec(JSON.parse(deepText));
    expect(!fromObject.success && fromObject.error.message).toContain(`nested deeper than ${MAX_JSON_DEPTH} levels`);
    const cyclic: Record<string, unknown> = { specVersion: 1, loss: { kind: 'mse' } };
    cyclic.self = cyclic;
    const fromCycle = safeParseWeightingSpec(cyclic);
    expect(!fromCycle.success && fromCycle.error.message).toContain('Unrecognized key: "self"');
  });

  it('rejects duplicate keys and hexadecimal numbers in text, naming the place (SPEC: duplicate keys are rejected)', () => {
    const duplicate = safeParseWeightingSpec('{"specVersion":1,\n"loss":{"kind":"mse"},\n"loss":{"kind":"mae"}}');
    expect(!duplicate.success && InvalidSpecError.isInstance(duplicate.error) && duplicate.error.issues).toEqual([
      {
        path: ['loss'],
        jsonPath: '$.loss',
        message: 'not valid JSON (line 3, column 1): the key "loss" appears twice in one object',
      },
    ]);
    expect(() => parseWeightingSpec('{"specVersion":0x1,"loss":{"kind":"mse"}}')).toThrow(InvalidSpecError);
  });

  it('says what specVersion was given: 1e999 as text, Infinity and a long string as values', () => {
    expect(() => parseWeightingSpec('{"specVersion":1e999,"loss":{"kind":"mse"}}')).toThrow(
      'the number "1e999" is beyond the range of a float64',
    );
    expect(() => parseWeightingSpec({ specVersion: Infinity, loss: { kind: 'mse' } })).toThrow(
      'specVersion must be a number (this build reads 1), got Infinity',
    );
    const long = safeParseWeightingSpec({ specVersion: 'v'.repeat(1_000_000), loss: { kind: 'mse' } });
    expect(!long.success && long.error.message.length).toBeLessThan(200);
    expect(() => parseWeightingSpec({ specVersion: 2, loss: { kind: 'mse' } })).toThrow(UnsupportedVersionError);
  });

  it('cuts a 5 MB unknown key and a flood of problems to a short message', () => {
    const key = 'k'.repeat(5_000_000);
    const unknownKey = safeParseWeightingSpec(`{"specVersion":1,"loss":{"kind":"mse"},"${key}":1}`);
    expect(!unknownKey.success && unknownKey.error.message.length).toBeLessThan(200);
    const manyKeys = Object.fromEntries(Array.from({ length: 10_000 }, (_, index) => [`extra${index}`, index]));
    const flood = safeParseWeightingSpec({ specVersion: 1, loss: { kind: 'mse' }, ...manyKeys });
    expect(!flood.success && flood.error.message).toContain('and 9995 more');
    const badWeights = safeParseWeightingSpec({
      specVersion: 1,
      loss: { kind: 'softmax_cross_entropy' },
      class: { strategy: 'manual', weights: Array.from({ length: 10_000 }, () => -1) },
    });
    expect(!badWeights.success && InvalidSpecError.isInstance(badWeights.error) && badWeights.error.issues.length).toBe(
      21,
    );
    expect(!badWeights.success && badWeights.error.message).toContain('and 9980 more problems not listed');
  });
});
