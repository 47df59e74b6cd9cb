#!/usr/bin/env node
// The fields sherif does not look at, kept identical across the published packages so they cannot
// drift: scripts, engines, module type, license, the exports layout (the `@weightspec/source`
// condition first, then `import` and `require` each with its own types), main/types on the CommonJS
// twin, and the `files` exclusions (tests and test support never ship). Dependency versions are
// sherif's part (run beside this in the test command). Prints every problem; exit 1 if any.
//   node scripts/check-package-manifests.mjs
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const EXPECTED_SCRIPTS = {
  build:
    /^node \.\.\/\.\.\/scripts\/clean-dist\.mjs && tsc -p tsconfig\.build\.json && node \.\.\/\.\.\/scripts\/build-commonjs\.mjs( --ambient-types \S+)?$/,
  typecheck: /^tsc -p tsconfig\.json --noEmit$/,
  test: /^vitest run$/,
  lint: /^publint --strict --pack npm$/,
};
const REQUIRED_FILES = [
  'dist',
  'src',
  '!src/**/*.test.ts',
  '!src/**/test-*.ts',
  '!src/**/*-test-support.ts',
  'README.md',
];
const problems = [];

function checkExport(name, subpath, target) {
  const where = `${name} exports["${subpath}"]`;
  if (typeof target === 'string') {
    if (!target.endsWith('.json')) problems.push(`${where}: a bare path is only for JSON files, got ${target}`);
    return;
  }
  const conditions = Object.keys(target);
  if (conditions.join(',') !== '@weightspec/source,import,require')
    problems.push(
      `${where}: conditions must be @weightspec/source, import, require (in that order), got ${conditions}`,
    );
  for (const [condition, extension, typesExtension] of [
    ['import', '.js', '.d.ts'],
    ['require', '.cjs', '.d.cts'],
  ]) {
    const entry = target[condition];
    if (typeof entry !== 'object' || Object.keys(entry).join(',') !== 'types,default')
      problems.push(`${where}.${condition}: must be { types, default } (types first)`);
    else if (!entry.default.endsWith(extension) || !entry.types.endsWith(typesExtension))
      problems.push(`${where}.${condition}: expected ${typesExtension} types and a ${extension} file`);
  }
}

const directories = ['packages', 'apps'].flatMap((group) =>
  readdirSync(join(root, group)).map((entry) => join(root, group, entry)),
);
for (const directory of directories) {
  const manifest = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8'));
  if (manifest.private) continue;
  const name = manifest.name;
  for (const [script, pattern] of Object.entries(EXPECTED_SCRIPTS))
    if (!pattern.test(manifest.scripts?.[script] ?? ''))
      problems.push(`${name}: scripts.${script} is "${manifest.scripts?.[script]}", expected ${pattern}`);
  if (manifest.type !== 'module') problems.push(`${name}: "type" must be "module"`);
  if (manifest.license !== 'MIT') problems.push(`${name}: "license" must be "MIT"`);
  if (manifest.engines?.node !== '>=20.19')
    problems.push(`${name}: engines.node must be ">=20.19" (require of ESM, getBuiltinModule)`);
  if (manifest.main !== './dist/index.cjs' || manifest.types !== './dist/index.d.cts')
    problems.push(`${name}: main/types must be ./dist/index.cjs and ./dist/index.d.cts (node10 resolution)`);
  if (manifest.exports?.['./package.json'] !== './package.json')
    problems.push(`${name}: exports must include ./package.json`);
  for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
    if (subpath === './package.json') continue;
    checkExport(name, subpath, target);
    if (typeof target === 'object' && subpath !== '.' && !manifest.typesVersions?.['*']?.[subpath.slice(2)])
      problems.push(`${name}: typesVersions must map "${subpath.slice(2)}" for node10 resolution`);
  }
  for (const entry of REQUIRED_FILES)
    if (!manifest.files?.includes(entry)) problems.push(`${name}: files must include "${entry}"`);
  for (const field of ['dependencies', 'peerDependencies', 'devDependencies'])
    for (const [dependency, range] of Object.entries(manifest[field] ?? {}))
      if (dependency.startsWith('@weightspec/') && field !== 'peerDependencies' && range !== 'workspace:*')
        problems.push(`${name}: ${field}.${dependency} must be "workspace:*", got "${range}"`);
}

if (problems.length > 0) {
  process.stderr.write(
    `package manifests: ${problems.length} problems\n${problems.map((line) => `  ${line}`).join('\n')}\n`,
  );
  process.exit(1);
}
process.stdout.write('package manifests: scripts, exports, files and engines agree across the published packages\n');
