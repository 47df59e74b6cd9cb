import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { preview } from 'vite';
import type { PreviewServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './playground-browser.ts';

const here = dirname(fileURLToPath(import.meta.url));
const packageRoot = join(here, '..');
const artifacts = join(packageRoot, 'test-artifacts');

/** seattle-weather.csv read here in Node, apart from the page, to work the expected numbers out. */
function seattleWeatherCounts(): Map<string, number> {
  const require = createRequire(import.meta.url);
  const path = join(dirname(dirname(require.resolve('vega-datasets'))), 'data', 'seattle-weather.csv');
  const [header, ...rows] = readFileSync(path, 'utf8').trim().split('\n');
  const column = (header as string).split(',').indexOf('weather');
  const counts = new Map<string, number>();
  for (const row of rows) {
    const label = row.split(',')[column] as string;
    counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  return counts;
}

let server: PreviewServer;
let baseUrl: string;
let browser: Awaited<ReturnType<typeof launchChromium>>;
let page: Page;
const pageErrors: string[] = [];
const foreignRequests: string[] = [];
const requested: string[] = [];

async function screenshot(name: string): Promise<void> {
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
}

/** Trains with `engine` until the Train button is enabled again; a failed run fails here with its message. */
async function train(engine: 'tfjs' | 'onnx'): Promise<void> {
  await page.selectOption('[data-testid="engine"]', engine);
  await page.click('[data-testid="train"]');
  await page.waitForFunction(
    () => !(document.querySelector('[data-testid="train"]') as HTMLButtonElement).disabled,
    null,
    { timeout: 240_000 },
  );
  expect(await page.textContent('[data-testid="train-status"]')).toMatch(/^Done: /);
  expect(await page.isVisible('[data-testid="chart-recall"]')).toBe(true);
}

// Training in Chromium shares two cores with the rest of the test run: generous limits per test.
const browserTestTimeout = 300_000;

describe('the playground in headless Chromium', () => {
  beforeAll(async () => {
    if (!existsSync(join(packageRoot, 'dist/index.html')))
      throw new Error('dist/ is missing: the package test script runs `vite build` before vitest');
    mkdirSync(artifacts, { recursive: true });
    server = await preview({
      configFile: join(packageRoot, 'vite.config.ts'),
      logLevel: 'warn',
      preview: { host: '127.0.0.1', port: 0, strictPort: false, open: false },
    });
    baseUrl = server.resolvedUrls?.local[0] ?? '';
    browser = await launchChromium();
    // Every request, workers' included, must stay on the page's own origin: no CDN, no upload.
    browser.context.on('request', (request) => {
      const url = request.url();
      requested.push(url);
      if (!url.startsWith(baseUrl) && !/^(data|blob):/.test(url)) foreignRequests.push(url);
    });
    page = await browser.context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
    await page.goto(baseUrl);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('loads seattle-weather and plots the balanced class weights it resolves to', async () => {
    await page.waitForFunction(() =>
      document.querySelector('[data-testid="data-status"]')?.textContent?.includes('rows'),
    );
    expect(await page.textContent('[data-testid="data-status"]')).toContain('seattle-weather: 1461 rows, 5 classes');
    for (const chart of ['chart-class-weights', 'chart-schedule', 'chart-pacing', 'chart-sample-weights'])
      expect(await page.isVisible(`[data-testid="${chart}"]`), chart).toBe(true);
    // Expected: balanced weight n / (C n_c) on the training part, whose class sizes are round(0.75 n_c)
    // (the stratified split), counted here from the CSV itself.
    const counts = seattleWeatherCounts();
    const trainCounts = new Map([...counts].map(([name, count]) => [name, Math.round(count * 0.75)]));
    const trainTotal = [...trainCounts.values()].reduce((sum, count) => sum + count, 0);
    const titles = await page.$$eval('[data-testid="chart-class-weights"] rect title', (nodes) =>
      nodes.map((node) => node.textContent ?? ''),
    );
    for (const [name, count] of trainCounts) {
      const weight = trainTotal / (5 * count);
      expect(titles).toContain(`${name}, weight c: ${Number(weight.toPrecision(3))}`);
      expect(titles).toContain(`${name}, count n_c: ${count}`);
    }
    await screenshot('01-loaded');
  });

  it('shows an invalid edit at its JSON path and line', async () => {
    const text = await page.inputValue('[data-testid="spec-editor"]');
    const broken = text.replace('"balanced"', '"balancd"');
    await page.fill('[data-testid="spec-editor"]', broken);
    const line = broken.split('\n').findIndex((candidate) => candidate.includes('balancd')) + 1;
    const issue = page.locator('[data-testid="spec-issue"]').first();
    expect(await issue.getAttribute('data-path')).toBe('$.class.strategy');
    expect(await issue.getAttribute('data-line')).toBe(String(line));
    expect(await page.textContent('[data-testid="spec-status"]')).toContain('1 problem');
    await screenshot('02-invalid-spec');
    await page.fill('[data-testid="spec-editor"]', text);
    expect(await page.textContent('[data-testid="spec-status"]')).toContain('Valid');
  });

  it(
    'trains unweighted against weighted with tfjs, then with ONNX Runtime Web',
    async () => {
      await page.fill('[data-testid="epochs"]', '2');
      await page.dispatchEvent('[data-testid="epochs"]', 'change');
      for (const engine of ['tfjs', 'onnx'] as const) {
        await train(engine);
        const status = (await page.textContent('[data-testid="train-status"]')) ?? '';
        expect(status).toContain(engine === 'tfjs' ? 'tfjs' : 'onnxruntime-web');
        // Two runs of two epochs: four loss points, all finite and positive.
        const losses = await page.$$eval('[data-testid="chart-loss"] circle title', (nodes) =>
          nodes.map((node) => Number((node.textContent ?? '').split(': ').pop())),
        );
        expect(losses).toHaveLength(4);
        for (const loss of losses) expect(loss).toBeGreaterThan(0);
        const recallBars = await page.$$eval('[data-testid="chart-recall"] rect:not(.legend)', (nodes) => nodes.length);
        expect(recallBars).toBe(10);
        const recall = async (variant: string) =>
          Number(await page.getAttribute('[data-testid="results"]', `data-macro-recall-${variant}`));
        const weighted = await recall('weighted');
        expect(weighted).toBeLessThanOrEqual(1);
        // Balanced class weights raise macro recall on seattle-weather, as the adapters' own tests find
        // (seeded runs, so this holds run after run).
        expect(weighted).toBeGreaterThan(await recall('unweighted'));
        await screenshot(`03-trained-${engine}`);
      }
    },
    browserTestTimeout,
  );

  it(
    'stops a long run and keeps the page responsive',
    async () => {
      await page.fill('[data-testid="epochs"]', '200');
      await page.selectOption('[data-testid="engine"]', 'onnx');
      await page.click('[data-testid="train"]');
      await page.waitForFunction(() =>
        document.querySelector('[data-testid="train-status"]')?.textContent?.includes('epoch'),
      );
      await page.click('[data-testid="stop"]');
      expect(await page.textContent('[data-testid="train-status"]')).toMatch(
        /^Stopped at epochs unweighted \d+, weighted \d+ of 200/,
      );
      expect(await page.isEnabled('[data-testid="train"]')).toBe(true);
    },
    browserTestTimeout,
  );

  it('round-trips the spec through the share link', async () => {
    await page.selectOption('[data-testid="preset-select"]', 'curriculum');
    const text = await page.inputValue('[data-testid="spec-editor"]');
    const link = (await page.getAttribute('[data-testid="share-link"]', 'href')) ?? '';
    expect(link).toContain('#spec=');
    const shared = await browser.context.newPage();
    await shared.goto(link);
    expect(await shared.inputValue('[data-testid="spec-editor"]')).toBe(text);
    await shared.close();
  });

  it('reads a CSV chosen from disk and takes its label column from the header', async () => {
    const csv = 'height,kind,width\n1,a,2\n2,b,3\n3,a,4\n4,b,5\n5,a,6\n6,b,7\n7,a,8\n8,b,9\n';
    await page.setInputFiles('[data-testid="csv-file"]', {
      name: 'shapes.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(csv),
    });
    await page.waitForFunction(() =>
      document.querySelector('[data-testid="data-status"]')?.textContent?.includes('shapes.csv'),
    );
    const status = (await page.textContent('[data-testid="data-status"]')) ?? '';
    expect(status).toContain('shapes.csv: 8 rows, 2 classes (a, b); features: height, width');
    expect(await page.inputValue('[data-testid="label-column"]')).toBe('kind');
    await screenshot('04-own-csv');
    expect(pageErrors).toEqual([]);
  });

  it('made no request outside its own origin (wasm binaries and the dataset are served locally)', () => {
    // The workers' wasm loads are seen, so the check covers them too.
    expect(requested.some((url) => /\/assets\/ort-wasm-simd-threaded-[\w-]+\.wasm$/.test(url))).toBe(true);
    expect(requested.some((url) => /\/assets\/tfjs-backend-wasm[\w-]*\.wasm$/.test(url))).toBe(true);
    expect(requested.some((url) => url.endsWith('/data/seattle-weather.csv'))).toBe(true);
    expect(foreignRequests).toEqual([]);
  });
});
