#!/usr/bin/env node
// Checks the packages as an outside project gets them (issue 14), run by the README's test command
// after the build:
//   1. `pnpm pack` every published package (workspace: and catalog: versions replaced, `files` applied);
//   2. arethetypeswrong on each tarball (node10, node16 CJS and ESM, bundler all clean);
//   3. npm installs the tarballs with their peers (not vega-datasets, an optional peer) into a temporary
//      folder holding an ES module project and a CommonJS project;
//   4. type-checks scripts/pack-check/consumer.ts in both with `strict` and `skipLibCheck: false`
//      (errors inside third-party typings named in THIRD_PARTY_TYPINGS are listed, not fatal), runs it,
//      bundles @weightspec/onnx for the browser (esbuild, platform browser), and runs the installed
//      `weightspec` binary.
// Skips with the reason (exit 0) only when the npm registry is unreachable. Exit 1 on any failure.
//   node scripts/pack-check.mjs [--keep]   (--keep leaves the temporary folder for a look)
import { execFile } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
const PACKAGES = [
  'packages/core',
  'packages/conformance',
  'packages/mljs',
  'packages/onnx',
  'packages/tfjs',
  'apps/cli',
];
/** Third-party typings whose own errors under skipLibCheck: false are not ours to fix (listed, not fatal). */
const THIRD_PARTY_TYPINGS = ['@tensorflow/', '@webgpu/types', 'onnxruntime-common', 'apache-arrow', 'long'];
const keep = process.argv.includes('--keep');
const started = Date.now();

/** Every file under `directory`, recursively. */
function listFiles(directory) {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listFiles(join(directory, entry.name)) : [join(directory, entry.name)],
  );
}

function log(line) {
  process.stdout.write(`pack-check: ${line}\n`);
}

function fail(message, output = '') {
  process.stderr.write(`pack-check: FAILED: ${message}\n${output}`);
  process.exit(1);
}

/** Runs a command; returns its stdout (stderr too with `both`), or fails the check with both streams. */
async function runOrFail(what, file, args, options = {}, both = true) {
  try {
    const { stdout, stderr } = await run(file, args, { maxBuffer: 64 * 1024 * 1024, ...options });
    return both ? `${stdout}${stderr}` : stdout;
  } catch (error) {
    fail(`${what} (exit ${error.code})`, `${error.stdout ?? ''}${error.stderr ?? ''}\n`);
  }
}

const registry = (process.env.npm_config_registry || 'https://registry.npmjs.org/').replace(/\/?$/, '/');
try {
  const response = await fetch(`${registry}-/ping`, { signal: AbortSignal.timeout(15_000) });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
} catch (error) {
  log(`skipped: the npm registry ${registry} is unreachable (${error.cause?.code ?? error.message})`);
  process.exit(0);
}

for (const directory of PACKAGES)
  if (!existsSync(join(root, directory, 'dist', 'index.cjs')))
    fail(
      `${directory} is not built; run: npx -y pnpm@12.21.0 exec turbo run build (the test command builds before this check)`,
    );

// The consumers must see only what they installed: no NODE_PATH (pnpm sets one for scripts) and no
// pnpm-specific npm settings.
const env = Object.fromEntries(
  Object.entries(process.env).filter(
    ([key]) => key !== 'NODE_PATH' && (!key.toLowerCase().startsWith('npm_') || key === 'npm_config_registry'),
  ),
);

const work = mkdtempSync(join(tmpdir(), 'weightspec-pack-check-'));
const tarballs = join(work, 'tarballs');
mkdirSync(tarballs);
try {
  // 1. Pack with pnpm (it rewrites workspace: and catalog: ranges to real versions; npm pack would not).
  // npm_execpath is pnpm's script when pnpm runs as JavaScript, or pnpm's own executable when npx
  // installed the native build (an ELF file node cannot load): run the script with node, the binary as is.
  const execPath = process.env.npm_execpath;
  const pnpm = execPath?.includes('pnpm')
    ? /\.[cm]?js$/.test(execPath)
      ? [process.execPath, [execPath]]
      : [execPath, []]
    : ['npx', ['-y', 'pnpm@12.21.0']];
  const packed = {};
  for (const directory of PACKAGES) {
    const manifest = JSON.parse(readFileSync(join(root, directory, 'package.json'), 'utf8'));
    const output = await runOrFail(
      `pnpm pack in ${directory}`,
      pnpm[0],
      [...pnpm[1], 'pack', '--pack-destination', tarballs],
      {
        cwd: join(root, directory),
      },
    );
    const tarball = output
      .trim()
      .split('\n')
      .filter((line) => line.trim().endsWith('.tgz'))
      .pop()
      ?.trim();
    if (!tarball || !existsSync(tarball)) fail(`pnpm pack in ${directory} named no tarball`, output);
    packed[manifest.name] = tarball;
  }
  log(`packed ${Object.keys(packed).length} tarballs`);

  // What the tarballs hold: no test files, and every source a map names is shipped beside it.
  for (const [name, tarball] of Object.entries(packed)) {
    const unpacked = join(work, 'unpacked', name);
    mkdirSync(unpacked, { recursive: true });
    await runOrFail(`tar of ${name}`, 'tar', ['xzf', tarball, '-C', unpacked]);
    const files = listFiles(join(unpacked, 'package'));
    const tests = files.filter((file) => /\.test\.|\/test-[^/]*$|test-support|test-fixtures/.test(file));
    if (tests.length > 0) fail(`${name} ships test files`, `${tests.join('\n')}\n`);
    const missing = files
      .filter((file) => file.endsWith('.map'))
      .flatMap((file) =>
        JSON.parse(readFileSync(file, 'utf8'))
          .sources.map((source) => join(dirname(file), source))
          .filter((source) => !existsSync(source)),
      );
    if (missing.length > 0) fail(`${name}: source maps name files it does not ship`, `${missing.join('\n')}\n`);
  }
  log('tarballs: no test files, every source-mapped file shipped');

  // 2. arethetypeswrong on each tarball, two at a time (each mostly waits on TypeScript).
  const attw = join(root, 'node_modules', '.bin', 'attw');
  const names = Object.keys(packed);
  for (let index = 0; index < names.length; index += 2)
    await Promise.all(
      names
        .slice(index, index + 2)
        .map((name) => runOrFail(`attw ${name}`, attw, [packed[name], '--format', 'table-flipped', '--no-color'])),
    );
  log('attw: every entry point clean for node10, node16 (CJS and ESM) and bundler');

  // 3. One install serves both projects (they sit side by side under it); peers pinned as the repo's.
  const catalog = readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8');
  const catalogVersion = (name) => {
    const match = new RegExp(`^\\s+"?${name.replace('/', '\\/')}"?:\\s*(\\S+)`, 'm').exec(catalog);
    if (!match) fail(`no catalog version for ${name} in pnpm-workspace.yaml`);
    return match[1];
  };
  const dependencies = Object.fromEntries(names.map((name) => [name, `file:${packed[name]}`]));
  for (const peer of ['@tensorflow/tfjs', 'ml-logistic-regression', 'ml-matrix', 'onnxruntime-node', '@types/node'])
    dependencies[peer] = catalogVersion(peer);
  const consumers = join(work, 'consumers');
  mkdirSync(consumers);
  writeFileSync(
    join(consumers, 'package.json'),
    `${JSON.stringify(
      {
        name: 'weightspec-pack-check',
        private: true,
        dependencies,
        // The tarballs name each other by version (0.1.0, not on the registry yet): use these files.
        overrides: Object.fromEntries(names.map((name) => [name, `$${name}`])),
      },
      null,
      2,
    )}\n`,
  );
  await runOrFail(
    'npm install of the tarballs',
    'npm',
    ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'],
    { cwd: consumers, env },
  );
  if (existsSync(join(consumers, 'node_modules', 'vega-datasets')))
    fail('vega-datasets was installed, but it is an optional peer');
  log(`installed the tarballs and their peers (${Math.round((Date.now() - started) / 1000)} s so far)`);

  // 4. Type-check and run the consumer as an ES module project and as a CommonJS project.
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  for (const type of ['module', 'commonjs']) {
    const project = join(consumers, type === 'module' ? 'esm' : 'cjs');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), `${JSON.stringify({ private: true, type })}\n`);
    copyFileSync(join(root, 'scripts', 'pack-check', 'consumer.ts'), join(project, 'consumer.ts'));
    const compilerOptions = {
      strict: true,
      skipLibCheck: false,
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      target: 'ES2022',
      outDir: 'out',
      types: ['node'],
    };
    writeFileSync(join(project, 'tsconfig.json'), `${JSON.stringify({ compilerOptions, files: ['consumer.ts'] })}\n`);
    const output = await run(process.execPath, [tsc, '-p', project, '--pretty', 'false'], { cwd: project, env }).then(
      ({ stdout }) => stdout,
      (error) => `${error.stdout ?? ''}${error.stderr ?? ''}`,
    );
    const errors = output.split('\n').filter((line) => /error TS\d+/.test(line));
    const thirdParty = errors.filter((line) =>
      THIRD_PARTY_TYPINGS.some((name) => line.includes(`node_modules/${name}`)),
    );
    const ours = errors.filter((line) => !thirdParty.includes(line));
    if (ours.length > 0) fail(`tsc (${type} project, strict, skipLibCheck false)`, `${ours.join('\n')}\n`);
    const thirdPartyFiles = [...new Set(thirdParty.map((line) => /node_modules\/(\S+?)\(/.exec(line)?.[1]))];
    log(`${type}: consumer type-checks (strict, skipLibCheck false)`);
    if (thirdParty.length > 0)
      log(`${type}: ${thirdParty.length} errors inside third-party typings left out: ${thirdPartyFiles.join(', ')}`);
    const result = await runOrFail(
      `running the ${type} consumer`,
      process.execPath,
      [join(project, 'out', 'consumer.js')],
      {
        cwd: project,
        env,
      },
    );
    // tfjs prints a banner to stdout too; the consumer's own lines are the ones naming its format.
    const lines = result.split('\n');
    if (!lines.includes('consumer ok')) fail(`the ${type} consumer did not finish`, result);
    log(`${type}: consumer ran: ${lines.filter((line) => line.startsWith(`${type}: `)).length} checks ok`);
  }

  // 5. A browser bundle of the installed onnx package with the runtime injected (onnxruntime-web in a
  //    real page): nothing from Node may be left to resolve.
  const esbuild = createRequire(join(root, 'package.json'))('esbuild');
  const bundle = await esbuild
    .build({
      stdin: {
        contents:
          "import { createOnnxTrainer } from '@weightspec/onnx';\n" +
          "import { parseWeightingSpec } from '@weightspec/core';\n" +
          'export const start = (ort) => createOnnxTrainer({ ort, inputSize: 2, numClasses: 2, spec: parseWeightingSpec({ specVersion: 1, loss: { kind: "softmax_cross_entropy" } }) });\n',
        resolveDir: consumers,
        loader: 'js',
      },
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      logLevel: 'silent',
    })
    .catch((error) => fail('esbuild browser bundle of @weightspec/onnx', `${error.message}\n`));
  log(
    `browser bundle of @weightspec/onnx + core: ${Math.round(bundle.outputFiles[0].contents.length / 1024)} KiB, no Node built-ins`,
  );

  // 6. The installed binary: its version, and what it says for a dataset whose optional peer is absent.
  const bin = join(consumers, 'node_modules', '.bin', 'weightspec');
  const version = (await runOrFail('weightspec --version', bin, ['--version'], { cwd: consumers, env })).trim();
  writeFileSync(join(consumers, 'spec.json'), '{"specVersion":1,"loss":{"kind":"softmax_cross_entropy"}}\n');
  const trainArgs = ['train', '--adapter', 'mljs', '--data', 'builtin:seattle-weather', '--spec', 'spec.json'];
  const missing = await run(bin, trainArgs, { cwd: consumers, env }).then(
    ({ stderr }) => `exit 0\n${stderr}`,
    (error) => `${error.stderr ?? ''}`,
  );
  if (!/^error WS_MISSING_PEER: .*"vega-datasets".*Install it with: npm install vega-datasets$/m.test(missing))
    fail('weightspec train on builtin:seattle-weather without vega-datasets: expected WS_MISSING_PEER', missing);
  log(`weightspec ${version} binary runs`);
  log(`passed in ${Math.round((Date.now() - started) / 1000)} s`);
} finally {
  if (keep) log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
