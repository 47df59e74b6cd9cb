import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH, readStrictJson } from './strict-json-reader.ts';

function failure(text: string, options = {}) {
  const result = readStrictJson(text, options);
  if (result.ok) throw new Error(`expected a failure for ${text.slice(0, 60)}`);
  return result.failure;
}

describe('readStrictJson', () => {
  it('reads every document JSON.parse reads the same way (JSON.parse is the oracle; fc.json has no duplicate keys)', () => {
    fc.assert(
      fc.property(fc.json({ depthSize: 'medium' }), (text) => {
        const result = readStrictJson(text);
        expect(result.ok).toBe(true);
        if (result.ok) expect(result.value).toStrictEqual(JSON.parse(text));
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on arbitrary text: a value or a failure with a 1-based position', () => {
    fc.assert(
      fc.property(
        fc.string({
          unit: fc.constantFrom('{', '}', '[', ']', '"', ',', ':', '1', 'e', '-', ' ', '\n', '\\', 'x', '/', '*'),
        }),
        (text) => {
          const result = readStrictJson(text, { comments: true });
          if (!result.ok) {
            expect(result.failure.line).toBeGreaterThanOrEqual(1);
            expect(result.failure.column).toBeGreaterThanOrEqual(1);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('rejects nesting beyond the limit without growing the stack (3000 and 100000 levels)', () => {
    for (const depth of [3000, 100_000]) {
      const found = failure(`{"a":${'['.repeat(depth)}${']'.repeat(depth)}}`);
      expect(found.message).toContain(`deeper than ${MAX_JSON_DEPTH} levels`);
      expect(found.line).toBe(1);
      // the object is level 1, so the array that breaks the limit is the (MAX_JSON_DEPTH)th "[" at column 5 + 255
      expect(found.column).toBe(5 + MAX_JSON_DEPTH);
      expect(found.path.length).toBe(MAX_JSON_DEPTH);
    }
    expect(readStrictJson(`${'['.repeat(MAX_JSON_DEPTH)}${']'.repeat(MAX_JSON_DEPTH)}`).ok).toBe(true);
  });

  it('rejects a duplicate key (JSON.parse would keep the last one silently), naming the key and its place', () => {
    const found = failure('{\n  "loss": 1,\n  "loss": 2\n}');
    expect(found).toMatchObject({ line: 3, column: 3, path: ['loss'] });
    expect(found.message).toBe('the key "loss" appears twice in one object');
  });

  it('rejects hexadecimal, leading +, NaN, Infinity and numbers that overflow a float64', () => {
    expect(failure('{"a": 0x10}').message).toContain('expected , or }');
    expect(failure('[+1]').message).toContain('unexpected "+1]"');
    expect(failure('[NaN]').message).toContain('unexpected "NaN]"');
    expect(failure('{"specVersion": 1e999}').message).toBe('the number "1e999" is beyond the range of a float64');
    expect(failure('[.5]').message).toContain('unexpected');
    expect(failure('[01]').message).toContain('expected , or ]');
  });

  it('cuts hostile text in messages: a 5 MB duplicate key is shown by its first 40 characters', () => {
    const key = 'k'.repeat(5_000_000);
    const found = failure(`{"${key}":1,"${key}":2}`);
    expect(found.message.length).toBeLessThan(100);
  });

  it('keeps "__proto__" as an own data key instead of changing the prototype', () => {
    const result = readStrictJson('{"__proto__": {"polluted": true}}');
    expect(result.ok && Object.keys(result.value as object)).toEqual(['__proto__']);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it('accepts comments only when asked, and records positions of values by JSON path', () => {
    const text = '// starter\n{\n  "a": [1, /* two */ 2],\n  "b c": {"d": null}\n}';
    expect(failure(text).message).toContain('unexpected "// starter');
    const result = readStrictJson(text, { comments: true, positions: true });
    if (!result.ok) throw new Error(result.failure.message);
    expect(result.value).toEqual({ a: [1, 2], 'b c': { d: null } });
    expect(result.positions.get('$')).toEqual({ line: 2, column: 1 });
    expect(result.positions.get('$.a')).toEqual({ line: 3, column: 8 });
    expect(result.positions.get('$.a[1]')).toEqual({ line: 3, column: 22 });
    expect(result.positions.get('$["b c"].d')).toEqual({ line: 4, column: 16 });
  });

  it('rejects trailing commas, line breaks in strings, bad escapes, unclosed comments and trailing text', () => {
    expect(failure('[1,]').message).toBe('a trailing comma before ]');
    expect(failure('{"a":1,}').message).toBe('a trailing comma before }');
    expect(failure('"a\nb"').message).toContain('control character');
    expect(failure('"\\x"').message).toBe('invalid escape \\x in a string');
    expect(failure('[1] /* open', { comments: true }).message).toBe('a /* comment is not closed');
    expect(failure('{} {}').message).toBe('unexpected text after the end of the document');
    expect(failure('').message).toContain('unexpected end');
    expect(failure('{"a":').message).toContain('unexpected end');
    expect(failure('[1').message).toContain('an array is not closed');
  });

  it('decodes escapes as JSON.parse does', () => {
    const text = '"a\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00"';
    const result = readStrictJson(text);
    expect(result.ok && result.value).toBe(JSON.parse(text));
  });
});
