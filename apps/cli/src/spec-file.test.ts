import { describe, expect, it } from 'vitest';
import { InvalidSpecError, parseWeightingSpec } from '@weightspec/core';
import { parseSpecText } from './spec-file.ts';
import { STARTER_SPEC_TEXT } from './starter-spec.ts';

function issuesOf(text: string): string[] {
  try {
    parseSpecText(text, 's.jsonc');
  } catch (error) {
    if (InvalidSpecError.isInstance(error)) return error.issues.map((issue) => `${issue.jsonPath} ${issue.message}`);
    throw error;
  }
  throw new Error('expected an InvalidSpecError');
}

describe('parseSpecText', () => {
  it('reads the starter spec that init writes as balanced softmax weights with mean_one sample weights', () => {
    const spec = parseSpecText(STARTER_SPEC_TEXT, 'weightspec.jsonc');
    // The same document written by hand without comments.
    expect(spec).toEqual(
      parseWeightingSpec({
        specVersion: 1,
        loss: { kind: 'softmax_cross_entropy', from: 'logits', labelSmoothing: 0 },
        class: { strategy: 'balanced' },
        sample: { normalize: 'mean_one' },
        adaptive: [],
        reduction: { kind: 'weighted_mean', zeroDenominator: 'zero' },
      }),
    );
  });

  it("keeps each issue's JSON path and appends the file position of the bad value", () => {
    const text =
      '{\n  "specVersion": 1,\n  "loss": {"kind": "softmax_cross_entropy"},\n  "class": {"strategy": "manual", "weights": [1, -2]}\n}';
    // "-2" starts on line 4 at column 50 (counted by hand: "[" is at 46, "1" 47, "," 48, " " 49).
    expect(issuesOf(text)).toEqual([expect.stringMatching(/^\$\.class\.weights\[1\] .*>= 0.*\(s\.jsonc:4:50\)$/)]);
  });

  it("points an unknown key at that key's value, not at the enclosing object", () => {
    const text = '{\n  "specVersion": 1,\n  "loss": {"kind": "mse"},\n  "extra": true\n}';
    expect(issuesOf(text)).toEqual([expect.stringMatching(/^\$ Unrecognized key.*"extra".*\(s\.jsonc:4:12\)$/)]);
  });

  it('points a missing key at the object that lacks it', () => {
    expect(issuesOf('{"specVersion": 1}')).toEqual([expect.stringMatching(/^\$\.loss .*\(s\.jsonc:1:1\)$/)]);
  });
});
