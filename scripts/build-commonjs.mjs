#!/usr/bin/env node
// Second half of every package's build, run after `tsc -p tsconfig.build.json` in the package folder:
// writes a CommonJS twin of each ES module in dist (x.js -> x.cjs, x.d.ts -> x.d.cts), so `require()`
// and TypeScript's CommonJS resolution get a real CommonJS file with its own declarations.
//
// Why a CommonJS twin and not a `require` condition pointing at the ES module: Node >= 20.19 can
// require() an ES module, but TypeScript before 5.8 (and `module: node16`), Jest, older bundlers and
// arethetypeswrong's node16-cjs check still treat that as an error (CJSResolvesToESM). The twin is
// produced from tsc's own output by esbuild's per-file transform (no bundling, one .cjs per .js), so
// file layout, relative paths such as `new URL('../../vectors', import.meta.url)` and the public API
// are the same in both formats. Errors cross copies safely: WeightspecError.isInstance checks a code,
// not a class identity.
//
// Options:
//   --ambient-types <file.d.ts>  the package's public types use an untyped dependency described by an
//                                ambient `declare module` file: ship it as dist/types/<file> and
//                                reference it from dist/index.d.ts and every declaration naming the
//                                module, so consumers need nothing extra (no TS7016).
//
// Usage (in a package): tsc -p tsconfig.build.json && node ../../scripts/build-commonjs.mjs
import { copyFileSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, relative, sep } from 'node:path';

const packageDirectory = process.cwd();
const distDirectory = join(packageDirectory, 'dist');
const require = createRequire(join(packageDirectory, '..', '..', 'package.json'));
const esbuild = require('esbuild');

/** Every file under `directory`, recursively. */
function listFiles(directory) {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listFiles(join(directory, entry.name)) : [join(directory, entry.name)],
  );
}

const sourceMapComment = /\n?\/\/# sourceMappingURL=\S+\s*$/;

/** `require("./x.js")` -> `require("./x.cjs")` in esbuild's output. */
function toCommonJsRequires(code) {
  return code.replace(/\brequire\((['"])(\.{1,2}\/[^'"]*?)\.js\1\)/g, 'require($1$2.cjs$1)');
}

/** `from './x.js'`, `from './x.ts'`, `import('./x.js')` -> `./x.cjs` in declarations (x.d.cts is found). */
function toCommonJsDeclarationSpecifiers(text) {
  return text.replace(/(\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)(['"])(\.{1,2}\/[^'"]*?)\.(?:js|ts)\2/g, '$1$2$3.cjs$2');
}

/**
 * Ships an ambient `declare module '<name>'` file as dist/types/<file> and references it from every
 * declaration that names the module, so consumers of the package (and their own imports of that
 * untyped dependency) get its types without writing any.
 */
function shipAmbientTypes(file) {
  const source = join(packageDirectory, file);
  const moduleName = /declare module ['"]([^'"]+)['"]/.exec(readFileSync(source, 'utf8'))?.[1];
  if (!moduleName) throw new Error(`--ambient-types ${file}: no "declare module '...'" in it`);
  const target = join(distDirectory, 'types', basename(file));
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(source, target);
  // In a "type": "module" package TypeScript reads every .d.ts as an ES module, where the ambient
  // `declare module` cannot use `export =` (TS1203); this folder is CommonJS, so the file stays a script.
  writeFileSync(join(dirname(target), 'package.json'), '{ "type": "commonjs" }\n');
  ambientFiles.add(target);
  ambientModules.add(moduleName);
  const quoted = `'${moduleName}'`;
  for (const declaration of listFiles(distDirectory).filter((path) => path.endsWith('.d.ts') && path !== target)) {
    const text = readFileSync(declaration, 'utf8');
    if (!text.includes(quoted) && declaration !== join(distDirectory, 'index.d.ts')) continue;
    let path = relative(dirname(declaration), target).split(sep).join('/');
    if (!path.startsWith('.')) path = `./${path}`;
    const directive = `/// <reference path="${path}" />`;
    if (!text.includes(directive)) writeFileSync(declaration, `${directive}\n${text}`);
  }
}

const ambientFiles = new Set();
const ambientModules = new Set();

/**
 * In CommonJS declarations, `import X from 'm'` of an `export =` module needs esModuleInterop from
 * the consumer; `import X = require('m')` does not, and is what the .cjs file does at run time.
 */
function toRequireImports(text) {
  let result = text;
  for (const name of ambientModules)
    result = result.replaceAll(new RegExp(`import (\\w+) from '${name}';`, 'g'), `import $1 = require('${name}');`);
  return result;
}
const args = process.argv.slice(2);
for (let index = 0; index < args.length; index += 1) {
  if (args[index] === '--ambient-types') shipAmbientTypes(args[++index] ?? '');
  else throw new Error(`unknown option ${args[index]}`);
}

/** The ES module each `require` export condition will point at (dist/x.js for dist/x.cjs). */
function requireEntries() {
  const manifest = JSON.parse(readFileSync(join(packageDirectory, 'package.json'), 'utf8'));
  return Object.values(manifest.exports ?? {})
    .map((target) => (typeof target === 'object' ? target.require?.default : undefined))
    .filter((path) => typeof path === 'string' && path.endsWith('.cjs'))
    .map((path) => join(packageDirectory, path.replace(/\.cjs$/, '.js')));
}

let written = 0;
for (const file of listFiles(distDirectory).filter((path) => path.endsWith('.d.ts') && !ambientFiles.has(path))) {
  const text = readFileSync(file, 'utf8').replace(sourceMapComment, '\n');
  writeFileSync(file.replace(/\.d\.ts$/, '.d.cts'), toRequireImports(toCommonJsDeclarationSpecifiers(text)));
  written += 1;
}
// Only the modules reachable from the require entries: the CLI's bin.js, for one, uses top-level await.
const pending = requireEntries();
const done = new Set();
while (pending.length > 0) {
  const file = pending.pop();
  if (done.has(file)) continue;
  done.add(file);
  const { code } = esbuild.transformSync(readFileSync(file, 'utf8').replace(sourceMapComment, '\n'), {
    loader: 'js',
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    // import.meta does not exist in CommonJS; the file's own URL is what every use here needs.
    define: { 'import.meta.url': '__weightspecModuleUrl' },
    banner: 'var __weightspecModuleUrl = require("node:url").pathToFileURL(__filename).href;',
    sourcefile: relative(packageDirectory, file),
  });
  for (const match of code.matchAll(/\brequire\((['"])(\.{1,2}\/[^'"]*?\.js)\1\)/g))
    pending.push(join(dirname(file), match[2]));
  writeFileSync(file.replace(/\.js$/, '.cjs'), toCommonJsRequires(code));
  written += 1;
}
process.stdout.write(`build-commonjs: ${written} CommonJS files in ${relative(process.cwd(), distDirectory)}\n`);
