import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultVectorDirectory, loadVectorsSync } from './load-vectors.ts';

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/** A shipped vector's text, as a known-good file. */
function shippedVectorText(): string {
  const classFolder = join(defaultVectorDirectory(), 'class');
  const first = readdirSync(classFolder).find((name) => name.endsWith('.json')) as string;
  return readFileSync(join(classFolder, first), 'utf8');
}

describe('loadVectorsSync on hostile files', () => {
  it('reports a 3000-deep file, duplicate keys and hexadecimal numbers as problems and still loads the good file', () => {
    const folder = mkdtempSync(join(tmpdir(), 'weightspec-vectors-'));
    folders.push(folder);
    mkdirSync(join(folder, 'nested', 'deeper'), { recursive: true });
    writeFileSync(join(folder, 'nested', 'deeper', 'good.json'), shippedVectorText());
    writeFileSync(join(folder, 'deep.json'), `{"id":"deep","x":${'['.repeat(3000)}${']'.repeat(3000)}}`);
    writeFileSync(join(folder, 'duplicate.json'), '{"id":"a",\n"id":"b"}');
    writeFileSync(join(folder, 'hex.json'), '{"id":0x10}');
    const { vectors, problems } = loadVectorsSync([folder]);
    // deep.json: the object is level 1, so the 256th "[" (column 17 + 256) would be level 257.
    expect(vectors).toHaveLength(1);
    expect(problems.map((problem) => problem.message)).toEqual([
      expect.stringContaining(
        'deep.json: $.x[0][0][0][0][0][0][0]: (256 levels deep) not valid JSON (line 1, column 273): arrays and objects are nested deeper than 256 levels',
      ),
      expect.stringContaining('$.id: not valid JSON (line 2, column 1): the key "id" appears twice in one object'),
      expect.stringContaining('hex.json: $: not valid JSON (line 1, column 8): expected , or }'),
    ]);
  });
});
