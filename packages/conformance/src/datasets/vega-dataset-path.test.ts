import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { vegaDatasetPath } from './seattle-weather.ts';

// The case where vega-datasets is installed nowhere is checked on the packed tarball by
// scripts/pack-check.mjs (WS_MISSING_PEER naming the package); in the repository it is always present.
const folder = realpathSync(mkdtempSync(join(tmpdir(), 'weightspec-vega-')));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('vegaDatasetPath', () => {
  it("takes the current project's vega-datasets before the one beside the package", () => {
    const installed = join(folder, 'project', 'node_modules', 'vega-datasets');
    mkdirSync(join(installed, 'build'), { recursive: true });
    writeFileSync(join(folder, 'project', 'package.json'), '{}');
    writeFileSync(join(installed, 'package.json'), '{ "name": "vega-datasets", "main": "build/index.js" }');
    writeFileSync(join(installed, 'build', 'index.js'), 'module.exports = {};\n');
    expect(vegaDatasetPath('seattle-weather.csv', join(folder, 'project'))).toBe(
      join(installed, 'data', 'seattle-weather.csv'),
    );
  });

  it('falls back to the copy beside the package when the project has none', () => {
    mkdirSync(join(folder, 'empty'));
    const path = vegaDatasetPath('seattle-weather.csv', join(folder, 'empty'));
    expect(path.endsWith(join(`${sep}vega-datasets`, 'data', 'seattle-weather.csv'))).toBe(true);
    expect(path.startsWith(folder)).toBe(false);
    expect(existsSync(path)).toBe(true);
  });
});
