import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomically } from './atomic-file-write.ts';

describe('writeFileAtomically', () => {
  it('replaces a file with the new text and leaves no temporary sibling', () => {
    const folder = mkdtempSync(join(tmpdir(), 'bench-atomic-'));
    const path = join(folder, 'README.md');
    writeFileSync(path, 'old text\n');
    writeFileAtomically(path, 'new text\n');
    expect(readFileSync(path, 'utf8')).toBe('new text\n');
    expect(readdirSync(folder)).toEqual(['README.md']);
  });

  it('fails without touching what is there when the target cannot be replaced, and cleans up', () => {
    // A non-empty directory at the target: rename refuses, so the write must throw and remove its temporary file.
    const folder = mkdtempSync(join(tmpdir(), 'bench-atomic-'));
    const path = join(folder, 'results.json');
    mkdirSync(path);
    writeFileSync(join(path, 'keep.txt'), 'kept');
    expect(() => writeFileAtomically(path, '{}\n')).toThrow();
    expect(readdirSync(folder)).toEqual(['results.json']);
    expect(readFileSync(join(path, 'keep.txt'), 'utf8')).toBe('kept');
  });
});
