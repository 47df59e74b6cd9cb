import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultVectorDirectory } from '@weightspec/conformance';
import { runBuiltCli, temporaryFolder } from './test-cli-process.ts';

const folder = temporaryFolder('conformance-e2e');
afterAll(() => folder.remove());
const cwd = folder.path;
const packageDirectory = fileURLToPath(new URL('..', import.meta.url));
const mljsBuilt = existsSync(join(packageDirectory, 'node_modules', '@weightspec', 'mljs', 'dist', 'index.js'));
const fixtureAdapter = fileURLToPath(new URL('./test-fixtures/nearest-centroid-adapter.mjs', import.meta.url));

beforeAll(() => {
  const shipped = JSON.parse(
    readFileSync(join(defaultVectorDirectory(), 'class', 'sigmoid-balanced.json'), 'utf8'),
  ) as { id: string; expected: { loss: number } };
  mkdirSync(join(cwd, 'mine'));
  writeFileSync(join(cwd, 'mine', 'good.json'), JSON.stringify({ ...shipped, id: 'mine/good' }));
  // The same case with the loss off by 1%: well outside the default tolerance (relative 1e-5).
  writeFileSync(
    join(cwd, 'mine', 'wrong.json'),
    JSON.stringify({
      ...shipped,
      id: 'mine/wrong',
      expected: { ...shipped.expected, loss: shipped.expected.loss * 1.01 },
    }),
  );
  mkdirSync(join(cwd, 'broken'));
  writeFileSync(join(cwd, 'broken', 'broken.json'), '{"id": "broken", "spec": ');
});

describe('weightspec conformance (built CLI)', () => {
  it('passes every shipped vector on the reference adapter and prints the table', async () => {
    const run = await runBuiltCli(['conformance', '--adapter', 'reference'], { cwd });
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^vector\s+reference\n/);
    expect(run.stdout).toMatch(/\n(\d+) passed, 0 failed, 0 skipped \(\1 vectors x 1 adapters\)\n$/);
    // Piped stderr: no progress bar noise.
    expect(run.stderr).toBe('');
  });

  it("runs a user's vector folder and exits 1 when a case fails, naming it", async () => {
    const run = await runBuiltCli(['conformance', '--adapter', 'reference', '--vectors', 'mine'], { cwd });
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/mine\/good\s+pass/);
    expect(run.stdout).toMatch(/mine\/wrong\s+FAIL/);
    expect(run.stdout).toContain('1 passed, 1 failed, 0 skipped (2 vectors x 1 adapters)');
  });

  it('writes a JSON report with --json and counts a malformed vector file as a failure', async () => {
    const run = await runBuiltCli(
      [
        'conformance',
        '--adapter',
        'reference',
        '--adapter',
        fixtureAdapter,
        '--vectors',
        'mine',
        '--vectors',
        'broken',
        '--json',
      ],
      { cwd },
    );
    expect(run.status).toBe(1);
    const report = JSON.parse(run.stdout) as {
      adapters: string[];
      passed: number;
      failed: number;
      problems: { file: string }[];
    };
    expect(report.adapters).toEqual(['reference', 'centroid']);
    // 2 vectors x 2 adapters: "good" passes on both, "wrong" fails on both, plus 1 malformed file.
    expect([report.passed, report.failed]).toEqual([2, 3]);
    expect(report.problems.map((problem) => problem.file)).toEqual([expect.stringContaining('broken.json')]);
  });

  it.skipIf(!mljsBuilt)(
    'demo trains mljs unweighted and balanced on seattle-weather and summarizes its conformance',
    async () => {
      const run = await runBuiltCli(['demo', '--adapter', 'mljs', '--epochs', '3'], { cwd });
      expect(run.status).toBe(0);
      // Stratified 75%: round(0.75 n_c) for drizzle 53, rain 641, sun 640, snow 26, fog 101 = 40+481+480+20+76.
      expect(run.stdout).toContain('seattle-weather: 1097 training days, 364 test days');
      expect(run.stdout).toMatch(/mljs\s+none\s+\d\.\d{3}/);
      expect(run.stdout).toMatch(/mljs\s+balanced\s+\d\.\d{3}/);
      expect(run.stdout).toMatch(/recall snow/);
      expect(run.stdout).toMatch(/ {2}mljs: \d+ passed, 0 failed, \d+ skipped/);
    },
  );
});
