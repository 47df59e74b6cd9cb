import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { chromium } from 'playwright-core';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChromiumFineTuneResult } from './test-chromium-fine-tune-page.ts';

/** Debian's chromium package (`.ci/run` installs it), or CHROMIUM_PATH. */
const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Headless Chromium on a closed network, run as root in CI (the playground's e2e flags). */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--headless',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const hasChromium = existsSync(CHROMIUM_PATH);
if (!hasChromium)
  console.log(`onnx-fine-tuner-chromium: skipped, ${CHROMIUM_PATH} is missing (apt-get install -y chromium)`);

const fixtures = fileURLToPath(new URL('../test-fixtures/finetune/', import.meta.url));
const ortDist = dirname(createRequire(import.meta.url).resolve('onnxruntime-web/wasm'));
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream',
};

/** The PyTorch fixture's expected values (scripts/export-finetune-fixtures.py): loss per step, parameters after. */
interface SgdFixture {
  readonly sgd: { losses: number[]; after: Record<string, number[]> };
}

let server: Server;
let baseUrl: string;
let context: BrowserContext;
let profile: string;
const pageErrors: string[] = [];
/** Every path the browser asked the server for. */
const served: string[] = [];

/** Serves the page, its bundle, the fixtures and onnxruntime-web's wasm files; nothing else. */
function serve(bundle: string): Promise<string> {
  const page =
    '<!doctype html><meta charset="utf-8"><title>fine-tune</title><script type="module" src="/page.js"></script>';
  server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    served.push(path);
    let body: string | Buffer | null = null;
    if (path === '/') body = page;
    else if (path === '/page.js') body = bundle;
    else if (/^\/fixtures\/[\w.-]+$/.test(path)) body = readOrNull(join(fixtures, path.slice('/fixtures/'.length)));
    else if (/^\/ort\/ort-wasm-[\w.-]+$/.test(path)) body = readOrNull(join(ortDist, path.slice('/ort/'.length)));
    if (body === null) {
      response.writeHead(404).end();
      return;
    }
    const extension = path === '/' ? '.html' : path === '/page.js' ? '.js' : path.slice(path.lastIndexOf('.'));
    response.writeHead(200, { 'content-type': CONTENT_TYPES[extension] ?? 'application/octet-stream' }).end(body);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(`http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`);
    }),
  );
}

function readOrNull(file: string): Buffer | null {
  return existsSync(file) ? readFileSync(file) : null;
}

/** Float32 agreement as in onnx-fine-tuner-pytorch.test.ts: each element within `relative` of max |expected|. */
function expectClose(
  actual: readonly number[] | undefined,
  expected: readonly number[],
  relative: number,
  label: string,
) {
  expect(actual?.length, label).toBe(expected.length);
  const scale = Math.max(...expected.map(Math.abs), 1e-6);
  let worst = 0;
  for (let index = 0; index < expected.length; index += 1)
    worst = Math.max(worst, Math.abs((actual?.[index] as number) - (expected[index] as number)) / scale);
  expect(worst, `${label}: largest difference relative to max |expected|`).toBeLessThanOrEqual(relative);
}

describe.skipIf(!hasChromium)('the fine-tuner in headless Chromium with onnxruntime-web (wasm)', () => {
  beforeAll(async () => {
    const result = await esbuild.build({
      entryPoints: [fileURLToPath(new URL('./test-chromium-fine-tune-page.ts', import.meta.url))],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      target: 'chrome120',
      conditions: ['@weightspec/source'],
      write: false,
      logLevel: 'silent',
    });
    baseUrl = await serve(result.outputFiles[0]?.text ?? '');
    profile = mkdtempSync(join(tmpdir(), 'weightspec-onnx-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
    });
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  });

  it.each(['lenet', 'mlp-batchnorm-dropout'])(
    'fine-tunes %s for 3 SGD steps as PyTorch does (loss per step and parameters within 1e-4)',
    async (name) => {
      const page = await context.newPage();
      page.on('pageerror', (error) => pageErrors.push(error.message));
      await page.goto(baseUrl);
      await page.waitForFunction(() => 'fineTuneFixture' in globalThis);
      const result = (await page.evaluate(
        (fixture) =>
          (
            globalThis as unknown as { fineTuneFixture: (name: string, steps: number) => Promise<unknown> }
          ).fineTuneFixture(fixture, 3),
        name,
      )) as ChromiumFineTuneResult;
      await page.close();
      expect(pageErrors).toEqual([]);
      expect(result.runtime).toMatch(/^onnxruntime-web \d/);
      // The wasm backend ran: the browser fetched onnxruntime-web's .wasm binary from this server.
      expect(
        served.some((path) => /^\/ort\/ort-wasm-[\w.-]+\.wasm$/.test(path)),
        served.join(', '),
      ).toBe(true);
      const expected = (JSON.parse(readFileSync(join(fixtures, `${name}.json`), 'utf8')) as SgdFixture).sgd;
      // Expected values: PyTorch's weighted loss before each step and its parameters after 3 SGD steps.
      expect(result.losses).toHaveLength(3);
      result.losses.forEach((loss, step) => {
        const want = expected.losses[step] as number;
        expect(Math.abs(loss - want) / Math.abs(want), `loss before step ${step + 1}`).toBeLessThanOrEqual(1e-4);
      });
      for (const [parameter, values] of Object.entries(expected.after))
        expectClose(result.after[parameter], values, 1e-4, `${parameter} after 3 sgd steps`);
    },
    120_000,
  );
});
