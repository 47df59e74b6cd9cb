import { describe, expect, it } from 'vitest';
import { MAX_SHARED_SPEC_LENGTH, decodeSpecHash, encodeSpecHash, shareLink } from './share-link.ts';

describe('share links', () => {
  it('encodes as base64url of the UTF-8 bytes (RFC 4648: "{}" is e30, no padding)', () => {
    expect(encodeSpecHash('{}')).toBe('#spec=e30');
    // "?>" is 0x3F 0x3E: standard base64 "Pz4=" uses no + or /; "??>" is "Pz8+", base64url "Pz8-".
    expect(encodeSpecHash('??>')).toBe('#spec=Pz8-');
  });

  it('round-trips any spec text, comments and non-ASCII included', () => {
    const text = '// réglage — 重み\n{ "specVersion": 1, "loss": { "kind": "mse" } }\n';
    expect(decodeSpecHash(encodeSpecHash(text))).toBe(text);
    const link = shareLink('http://127.0.0.1:4173/index.html#old', text);
    expect(link.startsWith('http://127.0.0.1:4173/index.html#spec=')).toBe(true);
    expect(decodeSpecHash(new URL(link).hash)).toBe(text);
  });

  it('returns null without a spec, and a typed error for a cut or edited link', () => {
    expect(decodeSpecHash('')).toBeNull();
    expect(decodeSpecHash('#section-2')).toBeNull();
    expect(() => decodeSpecHash('#spec=e30%')).toThrow(/base64url/);
    // 0xC3 alone ("ww") is a truncated two-byte UTF-8 sequence.
    expect(() => decodeSpecHash('#spec=ww')).toThrow(/UTF-8/);
    expect(() => encodeSpecHash('x'.repeat(MAX_SHARED_SPEC_LENGTH + 1))).toThrow(/at most/);
  });
});
