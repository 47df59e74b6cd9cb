import { describe, expect, it } from 'vitest';
import { InvalidSpecError } from '../errors/invalid-spec-error.ts';
import { UnsupportedVersionError } from '../errors/unsupported-version-error.ts';
import { parseWeightingSpec, safeParseWeightingSpec } from './parse-weighting-spec.ts';
import { serializeWeightingSpec } from './serialize-weighting-spec.ts';
import { weightingSpec } from './weighting-spec-builder.ts';

function issuesOf(document: unknown) {
  try {
    parseWeightingSpec(document);
  } catch (error) {
    if (InvalidSpecError.isInstance(error)) return error.issues.map((issue) => `${issue.jsonPath}: ${issue.message}`);
    throw error;
  }
  throw new Error('expected the spec to be rejected');
}

describe('parseWeightingSpec', () => {
  it('fills every default SPEC names', () => {
    const spec = parseWeightingSpec({
      specVersion: 1,
      loss: { kind: 'softmax_cross_entropy' },
      adaptive: [{ kind: 'focal' }, { kind: 'self_paced', threshold: 1 }, { kind: 'hard_mining', keepFraction: 0.5 }],
      curriculum: { difficulty: 'loss', pacing: { kind: 'exponential', start: 0.1 } },
      reduction: {},
    });
    expect(spec.loss).toEqual({ kind: 'softmax_cross_entropy', from: 'logits', labelSmoothing: 0 });
    expect(spec.adaptive).toEqual([
      { kind: 'focal', gamma: 2, alpha: null },
      { kind: 'self_paced', threshold: 1, growth: 1, every: 1, unit: 'epoch', mode: 'hard' },
      { kind: 'hard_mining', keepFraction: 0.5, minKeep: 1 },
    ]);
    expect(spec.curriculum).toEqual({
      difficulty: 'loss',
      pacing: { kind: 'exponential', start: 0.1, fullAt: 1, c: 10 },
      mode: 'select',
      softness: 0.1,
      unit: 'epoch',
    });
    expect(spec.reduction).toEqual({ kind: 'weighted_mean', zeroDenominator: 'zero' });
    expect(Object.isFrozen(spec.loss)).toBe(true);
  });

  it('rejects unknown keys at every depth, with the JSON path', () => {
    expect(issuesOf({ specVersion: 1, loss: { kind: 'mse' }, extra: 1 })).toEqual(['$: Unrecognized key: "extra"']);
    expect(issuesOf({ specVersion: 1, loss: { kind: 'huber', dleta: 1 } })[0]).toMatch(
      /^\$\.loss: Unrecognized key: "dleta"/,
    );
    expect(
      issuesOf({ specVersion: 1, loss: { kind: 'mse' }, adaptive: [{ kind: 'hard_mining', keepFraction: 0 }] }),
    ).toEqual(['$.adaptive[0].keepFraction: must be > 0']);
  });

  it('checks cross-field rules: class weights need a classification loss, strategies fit the loss', () => {
    expect(issuesOf({ specVersion: 1, loss: { kind: 'mse' }, class: { strategy: 'balanced' } })).toEqual([
      '$.class: class weights need a classification loss, not mse',
    ]);
    expect(
      issuesOf({ specVersion: 1, loss: { kind: 'sigmoid_cross_entropy' }, class: { strategy: 'median_frequency' } })[0],
    ).toMatch(/^\$\.class\.strategy: sigmoid/);
    expect(
      issuesOf({ specVersion: 1, loss: { kind: 'softmax_cross_entropy' }, class: { strategy: 'positive_ratio' } }),
    ).toEqual(['$.class.strategy: positive_ratio is for sigmoid cross-entropy']);
    expect(
      issuesOf({ specVersion: 1, loss: { kind: 'softmax_cross_entropy' }, class: { strategy: 'manual' } }),
    ).toEqual(['$.class.weights: manual softmax class weights need `weights`']);
    expect(issuesOf({ specVersion: 1, loss: { kind: 'mae' }, adaptive: [{ kind: 'focal' }] })).toEqual([
      '$.adaptive[0]: focal needs a classification loss, not mae',
    ]);
    expect(
      issuesOf({
        specVersion: 1,
        loss: { kind: 'softmax_cross_entropy' },
        class: { strategy: 'balanced', clip: { min: 3, max: 1 } },
      }),
    ).toEqual(['$.class.clip: clip.min must be <= clip.max']);
  });

  it('rejects __proto__ and constructor keys even inside class maps', () => {
    const document = JSON.parse(
      '{"specVersion":1,"loss":{"kind":"softmax_cross_entropy"},"class":{"strategy":"manual","weights":{"__proto__":3}}}',
    );
    expect(issuesOf(document)).toEqual(['$.class.weights.__proto__: the key "__proto__" is not allowed']);
    expect(
      issuesOf({
        specVersion: 1,
        loss: { kind: 'softmax_cross_entropy' },
        class: { strategy: 'manual', weights: { x: 1 } },
      })[0],
    ).toMatch(/class map keys/);
  });

  it('dispatches on specVersion', () => {
    expect(() => parseWeightingSpec({ specVersion: 2, loss: { kind: 'mse' } })).toThrow(UnsupportedVersionError);
    expect(issuesOf({ loss: { kind: 'mse' } })).toEqual(['$.specVersion: specVersion is required (use 1)']);
    expect(issuesOf('not json')[0]).toMatch(/^\$: not valid JSON/);
    expect(issuesOf([1])).toEqual(['$: a weighting spec must be a JSON object']);
    const result = safeParseWeightingSpec({ specVersion: '1', loss: { kind: 'mse' } });
    expect(result.success).toBe(false);
  });

  it('serializes canonically: parse(serialize(x)) serializes to the same string', () => {
    const written = {
      reduction: { kind: 'sum' },
      class: { clip: { max: 5 }, strategy: 'balanced' },
      loss: { kind: 'softmax_cross_entropy' },
      specVersion: 1,
    };
    const once = serializeWeightingSpec(written);
    const twice = serializeWeightingSpec(JSON.parse(once));
    expect(twice).toBe(once);
    expect(Object.keys(JSON.parse(once))).toEqual(['specVersion', 'loss', 'class', 'reduction']);
    expect(parseWeightingSpec(once)).toEqual(parseWeightingSpec(written));
  });

  it('builds the same spec with the typed builder as from JSON', () => {
    const built = weightingSpec({ kind: 'softmax_cross_entropy', labelSmoothing: 0.1 })
      .classWeights({ strategy: 'balanced', schedule: { kind: 'deferred', start: 5 } })
      .adaptive({ kind: 'focal', gamma: 1 })
      .reduction({ kind: 'mean' })
      .build();
    expect(built).toEqual(
      parseWeightingSpec({
        specVersion: 1,
        loss: { kind: 'softmax_cross_entropy', labelSmoothing: 0.1 },
        class: { strategy: 'balanced', schedule: { kind: 'deferred', start: 5 } },
        adaptive: [{ kind: 'focal', gamma: 1 }],
        reduction: { kind: 'mean' },
      }),
    );
    expect(() => weightingSpec({ kind: 'mse' }).classWeights({ strategy: 'balanced' }).build()).toThrow(
      InvalidSpecError,
    );
  });
});
