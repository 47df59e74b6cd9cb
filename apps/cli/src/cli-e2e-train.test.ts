import { cpSync, existsSync, mkdirSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBuiltCli, temporaryFolder } from './test-cli-process.ts';

const folder = temporaryFolder('train-e2e');
afterAll(() => folder.remove());
const cwd = folder.path;
const fixtureAdapter = fileURLToPath(new URL('./test-fixtures/nearest-centroid-adapter.mjs', import.meta.url));
const packageDirectory = fileURLToPath(new URL('..', import.meta.url));
const mljsBuilt = existsSync(join(packageDirectory, 'node_modules', '@weightspec', 'mljs', 'dist', 'index.js'));

beforeAll(() => {
  // The user's project: the CLI looks for adapters here first, so this is where it says to install them.
  writeFileSync(join(cwd, 'package.json'), '{ "name": "user-project", "private": true }\n');
  writeFileSync(
    join(cwd, 'balanced.jsonc'),
    '// balanced classes\n{"specVersion": 1, "loss": {"kind": "softmax_cross_entropy"}, "class": {"strategy": "balanced"}}\n',
  );
  // Two separated clusters: "low" around x = 0 (6 rows), "high" around x = 10 (2 rows).
  writeFileSync(
    join(cwd, 'train.csv'),
    'note,x,label\na,0,low\nb,1,low\nc,-1,low\nd,0.5,low\ne,-0.5,low\nf,0.2,low\ng,10,high\nh,11,high\n',
  );
  writeFileSync(join(cwd, 'test.csv'), 'note,x,label\na,0.3,low\nb,9.5,high\nc,-0.2,low\n');
});

/**
 * An install of @weightspec/cli without any adapter: a copy of the built CLI in `modules` (a project's
 * node_modules, or npm's global `<prefix>/lib/node_modules`) next to links to its real dependencies.
 */
function installWithoutAdapters(modules = join(cwd, 'no-adapters', 'node_modules')): string {
  mkdirSync(join(modules, '@weightspec', 'cli'), { recursive: true });
  cpSync(join(packageDirectory, 'dist'), join(modules, '@weightspec', 'cli', 'dist'), { recursive: true });
  cpSync(join(packageDirectory, 'package.json'), join(modules, '@weightspec', 'cli', 'package.json'));
  for (const dependency of ['@weightspec/core', '@weightspec/conformance', 'apache-arrow', 'vega-datasets']) {
    const target = realpathSync(join(packageDirectory, 'node_modules', dependency));
    mkdirSync(dirname(join(modules, dependency)), { recursive: true });
    symlinkSync(target, join(modules, dependency), 'dir');
  }
  return join(modules, '@weightspec', 'cli', 'dist', 'bin.js');
}

describe('weightspec train (built CLI)', () => {
  it('trains a third-party adapter module with and without the spec, prints the tables and saves model and resolved spec', async () => {
    const run = await runBuiltCli(
      [
        'train',
        '--adapter',
        fixtureAdapter,
        '--data',
        'train.csv',
        '--test-data',
        'test.csv',
        '--label',
        'label',
        '--spec',
        'balanced.jsonc',
        '--epochs',
        '3',
        '--out',
        'model-out',
      ],
      { cwd },
    );
    expect(run.stderr).not.toContain('error');
    expect(run.status).toBe(0);
    // Piped stderr: one progress line per epoch with the fixture's loss 1/(epoch+1), for both runs.
    expect(run.stderr).toContain('centroid no spec   1/3 epoch loss 1\n');
    expect(run.stderr).toContain('centroid with spec 3/3 epoch loss 0.33333\n');
    expect(run.stderr).toContain('note: not numeric, left out of the features: note');
    // Classes sorted by name: high = 0, low = 1. The clusters are separated, so every score is 1.
    expect(run.stdout).toMatch(/high\s+1\s+1\.000\s+1\.000\s+1\.000\s+1\.000\s+1\.000/);
    expect(run.stdout).toMatch(/low\s+2\s+1\.000\s+1\.000\s+1\.000\s+1\.000\s+1\.000/);
    expect(run.stdout).toMatch(/balanced accuracy \(macro recall\)\s+1\.000\s+1\.000/);
    const resolved = JSON.parse(readFileSync(join(cwd, 'model-out', 'weightspec.resolved.json'), 'utf8'));
    // balanced n / (C n_c) with n = 8, C = 2: high 8/4 = 2, low 8/12 = 2/3.
    expect(resolved.resolved.classWeights[0]).toBeCloseTo(2, 14);
    expect(resolved.resolved.classWeights[1]).toBeCloseTo(2 / 3, 14);
    expect(resolved.spec).toEqual({
      specVersion: 1,
      loss: { kind: 'softmax_cross_entropy', from: 'logits', labelSmoothing: 0 },
      class: { strategy: 'balanced' },
    });
    expect(resolved.data.classNames).toEqual(['high', 'low']);
    // Standardization by the training rows: mean of x = (0+1-1+0.5-0.5+0.2+10+11)/8 = 2.65. The CLI
    // holds CSV features as float32 (minus the column's first value, here 0), so 0.2 is read as
    // fround(0.2): the mean matches to float32 input precision (|error| <= 11 * 2^-24 < 1e-6), not 1e-14.
    expect(resolved.standardization.means[0]).toBeCloseTo(2.65, 6);
    // The adapter received the spec and resolved the same class weights in its own process.
    const model = JSON.parse(readFileSync(join(cwd, 'model-out', 'model', 'centroids.json'), 'utf8'));
    expect(model.classWeights).toEqual(resolved.resolved.classWeights);
    expect([model.epochs, model.batchSize, model.seed]).toEqual([3, 32, 42]);
  });

  it('refuses a non-empty --out directory without --force', async () => {
    const run = await runBuiltCli(
      [
        'train',
        '--adapter',
        fixtureAdapter,
        '--data',
        'train.csv',
        '--label',
        'label',
        '--spec',
        'balanced.jsonc',
        '--out',
        'model-out',
      ],
      { cwd },
    );
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('model-out: is not empty; pass --force to replace it');
  });

  it('names the row and column of a bad cell in the training data', async () => {
    writeFileSync(join(cwd, 'bad-train.csv'), 'x,label\n1,low\n2,high\noops,low\n');
    const run = await runBuiltCli(
      ['train', '--adapter', fixtureAdapter, '--data', 'bad-train.csv', '--label', 'label', '--spec', 'balanced.jsonc'],
      { cwd },
    );
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      'error WS_INVALID_INPUT: bad-train.csv:4: column "x": "oops" is not a finite decimal number\n',
    );
  });

  it('rejects a bad option value as a usage error (exit 2)', async () => {
    const run = await runBuiltCli(
      ['train', '--adapter', 'mljs', '--data', 'train.csv', '--spec', 'balanced.jsonc', '--epochs', '2.5'],
      { cwd },
    );
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--epochs must be an integer, got "2.5"');
  });

  describe('in a project without adapter packages', () => {
    let bin = '';
    beforeAll(() => {
      bin = installWithoutAdapters();
    });

    it.each(['tfjs', 'mljs', 'onnx'])(
      'train --adapter %s says which package to install (exit 1, no stack trace)',
      async (adapter) => {
        const run = await runBuiltCli(
          ['train', '--adapter', adapter, '--data', 'builtin:seattle-weather', '--spec', join(cwd, 'balanced.jsonc')],
          { cwd, bin },
        );
        expect(run.status).toBe(1);
        expect(run.stderr).toBe(
          `error WS_MISSING_PEER: weightspec --adapter ${adapter} needs the package "@weightspec/${adapter}", which is not installed. Install it with: npm install @weightspec/${adapter}\n`,
        );
      },
    );

    it('conformance without --adapter and demo both point at an adapter to install', async () => {
      const conformance = await runBuiltCli(['conformance'], { cwd, bin });
      expect(conformance.status).toBe(1);
      expect(conformance.stderr).toMatch(/^error WS_MISSING_PEER: .*npm install @weightspec\/tfjs\n$/);
      const demo = await runBuiltCli(['demo'], { cwd, bin });
      expect(demo.status).toBe(1);
      expect(demo.stderr).toContain('npm install @weightspec/mljs');
    });

    it('still runs the reference adapter on the shipped vectors', async () => {
      const run = await runBuiltCli(['conformance', '--adapter', 'reference', '--json'], { cwd, bin });
      expect(run.status).toBe(0);
      const report = JSON.parse(run.stdout) as { failed: number; passed: number; vectorCount: number };
      expect(report.failed).toBe(0);
      expect(report.passed).toBe(report.vectorCount);
    });
  });

  describe('installed globally (npm install -g), run outside any project', () => {
    const prefix = temporaryFolder('global');
    afterAll(() => prefix.remove());
    let bin = '';
    beforeAll(() => {
      // npm's global folder <prefix>/lib has node_modules but no package.json.
      bin = installWithoutAdapters(join(prefix.path, 'lib', 'node_modules'));
      mkdirSync(join(prefix.path, 'work'));
    });

    it('says to install the adapter globally, beside the CLI', async () => {
      const spec = join(cwd, 'balanced.jsonc');
      const run = await runBuiltCli(
        ['train', '--adapter', 'tfjs', '--data', 'builtin:seattle-weather', '--spec', spec],
        { cwd: join(prefix.path, 'work'), bin },
      );
      expect(run.status).toBe(1);
      expect(run.stderr).toBe(
        'error WS_MISSING_PEER: weightspec --adapter tfjs needs the package "@weightspec/tfjs", which is not installed. Install it with: npm install -g @weightspec/tfjs\n',
      );
    });

    it.skipIf(!mljsBuilt)('uses the adapter installed in the current project', async () => {
      // A project with @weightspec/mljs (linked to the built package, with its own dependencies).
      const project = join(prefix.path, 'project');
      mkdirSync(join(project, 'node_modules', '@weightspec'), { recursive: true });
      writeFileSync(join(project, 'package.json'), '{ "name": "user-project", "private": true }\n');
      symlinkSync(
        realpathSync(join(packageDirectory, 'node_modules', '@weightspec', 'mljs')),
        join(project, 'node_modules', '@weightspec', 'mljs'),
        'dir',
      );
      cpSync(join(cwd, 'train.csv'), join(project, 'train.csv'));
      const run = await runBuiltCli(
        [
          'train',
          '--adapter',
          'mljs',
          '--data',
          'train.csv',
          '--label',
          'label',
          '--spec',
          join(cwd, 'balanced.jsonc'),
        ],
        { cwd: project, bin },
      );
      expect(run.stderr).not.toContain('error');
      expect(run.status).toBe(0);
    });
  });

  it.skipIf(!mljsBuilt)(
    'trains the mljs adapter on builtin:seattle-weather; balanced weights raise snow recall from 0',
    async () => {
      const run = await runBuiltCli(
        [
          'train',
          '--adapter',
          'mljs',
          '--data',
          'builtin:seattle-weather',
          '--spec',
          'balanced.jsonc',
          '--epochs',
          '5',
          '--json',
        ],
        { cwd },
      );
      expect(run.status).toBe(0);
      const result = JSON.parse(run.stdout) as {
        classNames: string[];
        withSpec: { perClass: { recall: number }[] };
        withoutSpec: { perClass: { recall: number }[] };
      };
      const snow = result.classNames.indexOf('snow');
      // Unweighted, a 1.8% class is never predicted; weighted n/(C n_c) ~ 11 it must be found at least once.
      expect(result.withoutSpec.perClass[snow]?.recall).toBe(0);
      expect(result.withSpec.perClass[snow]?.recall).toBeGreaterThan(0);
    },
  );
});
