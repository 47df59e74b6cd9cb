import { defineConfig, mergeConfig } from 'vitest/config';
import { sharedVitestConfig } from '../../vitest.shared.ts';

// The end-to-end tests spawn dist/bin.js; the global setup rebuilds it when src is newer.
export default mergeConfig(sharedVitestConfig, defineConfig({ test: { globalSetup: ['./src/test-build-cli.ts'] } }));
