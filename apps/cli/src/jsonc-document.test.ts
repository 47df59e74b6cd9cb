import { describe, expect, it } from 'vitest';
import { hasErrorCode } from '@weightspec/core';
import { parseJsonc } from './jsonc-document.ts';

describe('parseJsonc', () => {
  it('reads JSON with line and block comments to the same value JSON.parse gives without them', () => {
    const text =
      '// head\n{ /* a */ "a": [1, 2.5e1, -0], // tail\n "b": {"c": "x // not a comment"}, "d": null, "e": true }\n';
    const plain = '{ "a": [1, 2.5e1, -0], "b": {"c": "x // not a comment"}, "d": null, "e": true }';
    expect(parseJsonc(text).value).toEqual(JSON.parse(plain));
  });

  it('records the 1-based line and column where each JSON path starts', () => {
    // Positions counted by hand in the text below.
    const text = '{\n  "class": {\n    "weights": [1, 2]\n  }\n}';
    const { positions } = parseJsonc(text);
    expect(positions.get('$')).toEqual({ line: 1, column: 1 });
    expect(positions.get('$.class')).toEqual({ line: 2, column: 12 });
    expect(positions.get('$.class.weights[1]')).toEqual({ line: 3, column: 20 });
  });

  it('keeps a "__proto__" key as data so the spec parser can reject it by name', () => {
    const { value } = parseJsonc('{"__proto__": {"x": 1}}');
    expect(Object.keys(value as object)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
  });

  it.each([
    ['{"a": 1,}', 'a trailing comma before }', '1:9'],
    ['{"a": [1,]}', 'a trailing comma before ]', '1:10'],
    ['{\n  "a" 1}', 'expected : after the key "a"', '2:7'],
    ['{"a": tru}', 'unexpected "tru}" (a JSON value was expected)', '1:7'],
    ['{"a": 1} x', 'unexpected text after the end of the document', '1:10'],
    ['{"a": 1 /* open', 'a /* comment is not closed', '1:9'],
    ['{"a": 1,\n "a": 2}', 'the key "a" appears twice in one object', '2:2'],
    ['{"a": 0x10}', 'expected , or }', '1:8'],
  ])('rejects %j with a WS_INVALID_SPEC naming line:column', (text, message, where) => {
    let thrown: unknown;
    try {
      parseJsonc(text, 'spec.jsonc');
    } catch (error) {
      thrown = error;
    }
    expect(hasErrorCode(thrown, 'WS_INVALID_SPEC')).toBe(true);
    expect((thrown as Error).message).toContain(`spec.jsonc:${where}: ${message}`);
  });

  it('rejects nesting 3000 deep with a typed error at the array that passes the limit (no RangeError)', () => {
    const text = `{"a": ${'['.repeat(3000)}${']'.repeat(3000)}}`;
    // The object is level 1 and the 255th "[" (column 6 + 254) is level 256; the next one passes the limit.
    expect(() => parseJsonc(text, 'spec.jsonc')).toThrow(
      'spec.jsonc:1:262: arrays and objects are nested deeper than 256',
    );
  });
});
