import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors/invalid-input-error.ts';
import { decodeLabels, encodeLabels } from './encode-labels.ts';

// Expected codes follow scikit-learn's LabelEncoder docs: fit(["paris", "paris", "tokyo", "amsterdam"])
// gives classes_ ['amsterdam', 'paris', 'tokyo'] and transform(["tokyo", "tokyo", "paris"]) = [2, 2, 1];
// fit([1, 2, 2, 6]) gives classes_ [1, 2, 6] and transform([1, 1, 2, 6]) = [0, 0, 1, 2].
describe('encodeLabels', () => {
  it('sorts string labels as LabelEncoder does', () => {
    const encoded = encodeLabels(['paris', 'paris', 'tokyo', 'amsterdam']);
    expect(encoded.classes).toEqual(['amsterdam', 'paris', 'tokyo']);
    expect([...encoded.codes]).toEqual([1, 1, 2, 0]);
    expect(decodeLabels([2, 2, 1], encoded.classes)).toEqual(['tokyo', 'tokyo', 'paris']);
  });

  it('sorts numbers numerically, not as text', () => {
    const encoded = encodeLabels([1, 2, 2, 6, 10]);
    expect(encoded.classes).toEqual([1, 2, 6, 10]);
    expect([...encoded.codes]).toEqual([0, 1, 1, 2, 3]);
  });

  it('keeps a given class order and rejects an unknown label with its index', () => {
    const encoded = encodeLabels(['sun', 'rain'], { classes: ['rain', 'sun', 'snow'] });
    expect([...encoded.codes]).toEqual([1, 0]);
    expect(() => encodeLabels(['sun', 'fog'], { classes: ['rain', 'sun'] })).toThrow(/labels\[1\].*"fog"/);
  });

  it('rejects mixed kinds, non-finite numbers, null and duplicate classes with typed errors', () => {
    for (const bad of [() => encodeLabels(['a', 1] as (string | number)[]), () => encodeLabels([1, Number.NaN])]) {
      expect(bad).toThrow(InvalidInputError);
    }
    expect(() => encodeLabels([null as unknown as string])).toThrow(/labels\[0\].*null/);
    expect(() => encodeLabels(['a'], { classes: ['a', 'a'] })).toThrow(/classes/);
    expect(() => decodeLabels([3], ['a', 'b'])).toThrow(/codes\[0\]/);
  });
});
