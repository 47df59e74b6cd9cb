import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBuiltCli, temporaryFolder } from './test-cli-process.ts';

const folder = temporaryFolder('generated-weights-e2e');
afterAll(() => folder.remove());
const cwd = folder.path;

beforeAll(() => {
  writeFileSync(join(cwd, 'spec.json'), '{"specVersion": 1, "loss": {"kind": "softmax_cross_entropy"}}');
  writeFileSync(join(cwd, 'dated.csv'), 'day,sigma,label\n2024-03-01,2,a\n2024-06-29,1,b\n2024-05-30,0.5,a\n');
});

describe('weightspec weights --date/--half-life/--sigma (built CLI)', () => {
  it('writes recency x inverse-variance weights', async () => {
    const args = ['weights', '--spec', 'spec.json', '--data', 'dated.csv', '--label', 'label', '--out', 'w.json'];
    const run = await runBuiltCli([...args, '--date', 'day', '--half-life', '30d', '--sigma', 'sigma'], { cwd });
    expect(run.stderr).toContain('sample weights include recency');
    expect(run.status).toBe(0);
    // Ages from 2024-06-29: 120, 0 and 30 days; half-life 30 days -> 2^-4, 1, 1/2. Times 1/sigma^2: 1/4, 1, 4.
    const weights = JSON.parse(readFileSync(join(cwd, 'w.json'), 'utf8')) as number[];
    [2 ** -4 / 4, 1, 0.5 * 4].forEach((expected, index) => {
      expect(weights[index]).toBeCloseTo(expected, 14);
    });
  });

  it('exits 2 with a usage error for a half-life without a unit', async () => {
    const run = await runBuiltCli(
      [
        'weights',
        '--spec',
        'spec.json',
        '--data',
        'dated.csv',
        '--label',
        'label',
        '--date',
        'day',
        '--half-life',
        '30',
      ],
      { cwd },
    );
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--half-life: must be a duration such as 90d');
  });
});
