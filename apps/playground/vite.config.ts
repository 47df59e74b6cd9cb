import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultClientConditions, defineConfig } from 'vite';
import type { Plugin } from 'vite';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const shim = (name: string) => join(here, 'src/browser-shims', name);

/** Files the page fetches from its own origin, copied from the workspace into the build (and served in dev). */
const staticFiles: Record<string, () => string> = {
  // vega-datasets' exports hide its data folder; its entry is <package>/build/index.js.
  'data/seattle-weather.csv': () =>
    readFileSync(join(dirname(dirname(require.resolve('vega-datasets'))), 'data', 'seattle-weather.csv'), 'utf8'),
  'weightspec.v1.schema.json': () => readFileSync(join(here, '../../packages/core/weightspec.v1.schema.json'), 'utf8'),
};

function playgroundStaticFiles(): Plugin {
  return {
    name: 'weightspec-playground-static-files',
    configureServer(server) {
      server.middlewares.use((request, response, next) => {
        const path = (request.url ?? '').replace(/^\//, '').replace(/\?.*$/, '');
        const read = staticFiles[path];
        if (!read) return next();
        response.setHeader('content-type', path.endsWith('.json') ? 'application/json' : 'text/csv');
        response.end(read());
      });
    },
    generateBundle() {
      for (const [fileName, read] of Object.entries(staticFiles))
        this.emitFile({ type: 'asset', fileName, source: read() });
    },
  };
}

export default defineConfig({
  root: here,
  base: './',
  plugins: [playgroundStaticFiles()],
  resolve: {
    // In-repo packages resolve to their TypeScript source, as in every test of the workspace.
    conditions: ['@weightspec/source', ...defaultClientConditions],
    // WORKAROUND until @weightspec/onnx loads its Node-only pieces lazily (the `packaging` helper's
    // work): it imports node:module and node:crypto at load time, and @weightspec/conformance/datasets
    // imports node:fs/promises and node:path for its file loader. The page never takes those paths
    // (it injects onnxruntime-web and fetches its CSV), so stand-ins keep the browser bundle loadable.
    alias: [
      { find: /^node:crypto$/, replacement: shim('node-crypto.ts') },
      { find: /^node:(module|fs\/promises|path)$/, replacement: shim('node-unavailable.ts') },
    ],
  },
  worker: { format: 'es' },
  build: { target: 'es2022', outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 4096 },
  preview: { host: '127.0.0.1', port: 4173 },
  server: { host: '127.0.0.1', port: 5173 },
});
