#!/usr/bin/env node
// Checks @weightspec/tfjs in a real browser: bundles browser-entry.ts with esbuild (node: builtins stay
// external, since the package imports them only on its Node paths), copies the wasm binaries beside it,
// serves it on 127.0.0.1 and loads it in headless Chromium (Debian's `chromium` package, which CI does
// not install). Prints one line per vector and backend; exits 1 on any mismatch.
//   node packages/tfjs/scripts/browser-check.mjs

import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const out = mkdtempSync(join(tmpdir(), 'weightspec-browser-'));
const esbuild = require('esbuild');
await esbuild.build({
  entryPoints: [join(here, 'browser-entry.ts')],
  bundle: true,
  format: 'esm',
  platform: 'browser',
  conditions: ['@weightspec/source'],
  external: ['node:*'],
  outfile: join(out, 'bundle.js'),
  logLevel: 'warning',
});
const wasmDist = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
for (const file of readdirSync(wasmDist).filter((name) => name.endsWith('.wasm')))
  copyFileSync(join(wasmDist, file), join(out, file));
const html = '<!doctype html><html><body>pending</body><script type="module" src="/bundle.js"></script></html>';
const types = { '.js': 'text/javascript', '.wasm': 'application/wasm' };
const server = createServer((request, response) => {
  if (request.url === '/' || request.url === '/index.html') return response.end(html);
  try {
    const body = readFileSync(join(out, (request.url ?? '').replace(/^\//, '').replace(/\?.*$/, '')));
    response.writeHead(200, { 'content-type': types[extname(request.url ?? '')] ?? 'application/octet-stream' });
    response.end(body);
  } catch {
    response.writeHead(404).end();
  }
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address();
let dom;
try {
  dom = await new Promise((resolve, reject) => {
    execFile(
      '/usr/bin/chromium',
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        `--user-data-dir=${join(out, 'profile')}`,
        '--virtual-time-budget=60000',
        '--dump-dom',
        `http://127.0.0.1:${port}/`,
      ],
      { timeout: 120000, maxBuffer: 1 << 24 },
      (error, stdout) => (error ? reject(error) : resolve(stdout)),
    );
  });
} finally {
  server.close();
}
const text = /<body>(.*)<\/body>/s.exec(dom)?.[1] ?? dom;
const results = JSON.parse(text.replace(/&quot;/g, '"').replace(/&amp;/g, '&'));
for (const result of results) console.log(JSON.stringify(result));
rmSync(out, { recursive: true, force: true });
process.exit(results.every((result) => result.ok) ? 0 : 1);
