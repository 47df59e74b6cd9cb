import { defineConfig, mergeConfig } from 'vitest/config';
import { sharedVitestConfig } from '../../vitest.shared.ts';

// Unit tests run in Node with the shared settings (not vite.config.ts: its node: stand-ins are for the
// browser bundle only). The e2e test drives the built page in Chromium and needs `vite build` first.
export default mergeConfig(
  sharedVitestConfig,
  defineConfig({ test: { include: ['src/**/*.test.ts', 'e2e/**/*.test.ts'] } }),
);
