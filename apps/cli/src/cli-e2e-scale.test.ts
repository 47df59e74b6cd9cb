import { createWriteStream, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBuiltCli, temporaryFolder } from './test-cli-process.ts';

// Scale through the built CLI (issue 12): 600k rows, the largest class with 225k training rows, where
// push(...rows) used to overflow the call stack (~125k). mljs is the fastest adapter; one epoch.
const folder = temporaryFolder('scale');
afterAll(() => folder.remove());
const cwd = folder.path;
const packageDirectory = fileURLToPath(new URL('..', import.meta.url));
const mljsBuilt = existsSync(join(packageDirectory, 'node_modules', '@weightspec', 'mljs', 'dist', 'index.js'));

/** Rows cycle a, a, a, b, b, c: 300k a, 200k b, 100k c, with two features that separate the classes loosely. */
async function writeLargeCsv(path: string, rows: number): Promise<void> {
  const output = createWriteStream(path);
  output.write('x1,x2,label\n');
  let chunk = '';
  for (let row = 0; row < rows; row += 1) {
    const phase = row % 6;
    const label = phase < 3 ? 0 : phase < 5 ? 1 : 2;
    chunk += `${(label + Math.sin(row)).toFixed(4)},${(label / 2 + Math.cos(row * 0.7)).toFixed(4)},${'abc'[label]}\n`;
    if (chunk.length > 1 << 16) {
      if (!output.write(chunk)) await once(output, 'drain');
      chunk = '';
    }
  }
  output.end(chunk);
  await once(output, 'finish');
}

beforeAll(async () => {
  await writeLargeCsv(join(cwd, 'large.csv'), 600_000);
  const spec = '{"specVersion": 1, "loss": {"kind": "softmax_cross_entropy"}, "class": {"strategy": "balanced"}}\n';
  writeFileSync(join(cwd, 'spec.json'), spec);
});

describe('weightspec train at scale (built CLI)', () => {
  it.skipIf(!mljsBuilt)(
    'trains mljs on 600k CSV rows whose largest class has 225k training rows',
    async () => {
      const run = await runBuiltCli(
        [
          'train',
          '--adapter',
          'mljs',
          '--data',
          'large.csv',
          '--label',
          'label',
          '--spec',
          'spec.json',
          '--epochs',
          '1',
          '--skip-baseline',
          '--json',
          '--out',
          'model',
        ],
        { cwd },
      );
      expect(run.stderr).not.toContain('error');
      expect(run.status).toBe(0);
      const record = JSON.parse(readFileSync(join(cwd, 'model', 'weightspec.resolved.json'), 'utf8'));
      // Stratified 75/25 split, counted by hand: round(0.75 n_c) = 225000 + 150000 + 75000 training rows.
      expect(record.data.trainRows).toBe(450_000);
      expect(record.data.testRows).toBe(150_000);
      // balanced: n / (C n_c) = 450000 / (3 * [225000, 150000, 75000]) = [2/3, 1, 2].
      expect(record.resolved.classWeights[0]).toBeCloseTo(2 / 3, 12);
      expect(record.resolved.classWeights[1]).toBeCloseTo(1, 12);
      expect(record.resolved.classWeights[2]).toBeCloseTo(2, 12);
      const metrics = JSON.parse(run.stdout);
      expect(Number.isFinite(metrics.withSpec.balancedAccuracy)).toBe(true);
    },
    120_000,
  );
});
