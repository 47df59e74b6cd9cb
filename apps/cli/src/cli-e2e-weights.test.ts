import { createReadStream, createWriteStream, readFileSync, statSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBuiltCli, temporaryFolder } from './test-cli-process.ts';

const folder = temporaryFolder('weights-e2e');
afterAll(() => folder.remove());
const cwd = folder.path;
const balancedSpec =
  '{"specVersion": 1, "loss": {"kind": "softmax_cross_entropy"}, "class": {"strategy": "balanced"}, "sample": {"normalize": "mean_one"}}';

beforeAll(() => {
  writeFileSync(join(cwd, 'spec.json'), balancedSpec);
  writeFileSync(join(cwd, 'small.csv'), 'id,weather,importance\n1,rain,1\n2,sun,1\n3,rain,2\n4,"snow, wet",4\n');
});

/** Counts lines in a file by streaming it (the output of the 1e6-row test is ~20 MB). */
async function countLines(path: string): Promise<number> {
  let lines = 0;
  for await (const chunk of createReadStream(path)) for (const byte of chunk as Buffer) if (byte === 10) lines += 1;
  return lines;
}

describe('weightspec weights (built CLI)', () => {
  it('prints class counts and resolved weights and writes per-sample weights as CSV', async () => {
    const run = await runBuiltCli(
      [
        'weights',
        '--spec',
        'spec.json',
        '--data',
        'small.csv',
        '--label',
        'weather',
        '--sample-weight',
        'importance',
        '--out',
        'w.csv',
      ],
      { cwd },
    );
    expect(run.status).toBe(0);
    // By hand: n = 4, C = 3 (rain 2, "snow, wet" 1, sun 1; names sorted) -> balanced 4/6, 4/3, 4/3.
    expect(run.stdout).toMatch(/rain\s+0\s+2\s+50\.0%\s+0\.666667/);
    expect(run.stdout).toMatch(/snow, wet\s+1\s+1\s+25\.0%\s+1\.33333/);
    expect(run.stdout).toMatch(/sun\s+2\s+1\s+25\.0%\s+1\.33333/);
    // Sample weights sum 8, mean 2 -> scale 1/2.
    expect(run.stdout).toContain('sample weights: sum 8, mean 2, scale 0.5 (normalize mean_one)');
    expect(run.stderr).toContain('wrote 4 per-sample weights to w.csv');
    const rows = readFileSync(join(cwd, 'w.csv'), 'utf8').trim().split('\n');
    // w = c_y * s * 1/2: rain 2/3*1/2, sun 4/3*1/2, rain 2/3*2/2, snow 4/3*4/2.
    expect(rows[0]).toBe('index,label,weight');
    const weights = rows.slice(1).map((row) => Number(row.slice(row.lastIndexOf(',') + 1)));
    [1 / 3, 2 / 3, 2 / 3, 8 / 3].forEach((expected, index) => {
      expect(weights[index]).toBeCloseTo(expected, 14);
    });
    expect(rows[4]).toMatch(/^3,"snow, wet",/);
  });

  it('writes a JSON array with --out *.json and prints a JSON summary with --json', async () => {
    const run = await runBuiltCli(
      ['weights', '--spec', 'spec.json', '--data', 'small.csv', '--label', 'weather', '--out', 'w.json', '--json'],
      { cwd },
    );
    expect(run.status).toBe(0);
    const summary = JSON.parse(run.stdout) as { rows: number; classes: string[]; stats: { classCounts: number[] } };
    expect(summary.rows).toBe(4);
    expect(summary.classes).toEqual(['rain', 'snow, wet', 'sun']);
    expect(summary.stats.classCounts).toEqual([2, 1, 1]);
    // Without --sample-weight every s_i is 1, so the weights are the class weights of each row's label.
    const weights = JSON.parse(readFileSync(join(cwd, 'w.json'), 'utf8')) as number[];
    [2 / 3, 4 / 3, 2 / 3, 4 / 3].forEach((expected, index) => {
      expect(weights[index]).toBeCloseTo(expected, 14);
    });
  });

  it('refuses to overwrite --out without --force and leaves the file as it was', async () => {
    writeFileSync(join(cwd, 'keep.csv'), 'precious\n');
    const run = await runBuiltCli(
      ['weights', '--spec', 'spec.json', '--data', 'small.csv', '--label', 'weather', '--out', 'keep.csv'],
      { cwd },
    );
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('keep.csv: already exists; pass --force to overwrite it');
    expect(readFileSync(join(cwd, 'keep.csv'), 'utf8')).toBe('precious\n');
  });

  it('names the line and column of a bad cell and writes nothing', async () => {
    writeFileSync(join(cwd, 'bad.csv'), 'id,weather,importance\n1,rain,1\n2,sun,-0.5\n');
    const run = await runBuiltCli(
      [
        'weights',
        '--spec',
        'spec.json',
        '--data',
        'bad.csv',
        '--label',
        'weather',
        '--sample-weight',
        'importance',
        '--out',
        'bad-out.csv',
      ],
      { cwd },
    );
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      'error WS_INVALID_INPUT: bad.csv:3: column "importance": sample weight "-0.5" is not a finite decimal number >= 0\n',
    );
    expect(() => statSync(join(cwd, 'bad-out.csv'))).toThrow();
  });

  it('reports a spec error with its JSON path before reading the data', async () => {
    writeFileSync(
      join(cwd, 'bad-spec.json'),
      '{"specVersion": 1, "loss": {"kind": "softmax_cross_entropy"}, "class": {"strategy": "balanced", "clip": {"max": -1}}}',
    );
    const run = await runBuiltCli(['weights', '--spec', 'bad-spec.json', '--data', 'small.csv', '--label', 'weather'], {
      cwd,
    });
    expect(run.status).toBe(1);
    // "-1" is character 113 of the one-line file (its index + 1).
    expect(run.stderr).toMatch(
      /^error WS_INVALID_SPEC: Invalid weighting spec:\n {2}\$\.class\.clip\.max: must be >= 0 \(bad-spec\.json:1:113\)\n$/,
    );
  });

  it('streams a 1e6-row CSV within a 64 MB heap and writes one weight per row', async () => {
    const dataPath = join(cwd, 'million.csv');
    const output = createWriteStream(dataPath);
    output.write('id,label,feature\n');
    const rowCount = 1_000_000;
    for (let start = 0; start < rowCount; start += 10_000) {
      let chunk = '';
      // Every tenth row is "rare": 100000 rare, 900000 common.
      for (let row = start; row < start + 10_000; row += 1)
        chunk += `${row},${row % 10 === 0 ? 'rare' : 'common'},${(row % 97) / 7}\n`;
      if (!output.write(chunk)) await once(output, 'drain');
    }
    output.end();
    await once(output, 'finish');
    writeFileSync(
      join(cwd, 'balanced.json'),
      '{"specVersion": 1, "loss": {"kind": "softmax_cross_entropy"}, "class": {"strategy": "balanced"}}',
    );
    // The file holds ~22 MB of text; the rows as JS strings and arrays would need several times that,
    // so a run that loaded them would fail under this heap limit.
    const run = await runBuiltCli(
      [
        'weights',
        '--spec',
        'balanced.json',
        '--data',
        'million.csv',
        '--label',
        'label',
        '--out',
        'million-weights.csv',
        '--json',
      ],
      {
        cwd,
        nodeArguments: ['--max-old-space-size=64'],
      },
    );
    expect(run.stderr).toContain('wrote 1000000 per-sample weights');
    expect(run.status).toBe(0);
    const summary = JSON.parse(run.stdout) as {
      rows: number;
      stats: { classCounts: number[] };
      resolved: { classWeights: number[] };
    };
    expect(summary.rows).toBe(rowCount);
    expect(summary.stats.classCounts).toEqual([900_000, 100_000]);
    // balanced n / (C n_c): 1e6 / (2 * 9e5) and 1e6 / (2 * 1e5).
    expect(summary.resolved.classWeights[0]).toBeCloseTo(1e6 / 1.8e6, 14);
    expect(summary.resolved.classWeights[1]).toBeCloseTo(5, 14);
    expect(await countLines(join(cwd, 'million-weights.csv'))).toBe(rowCount + 1);
  });
});
