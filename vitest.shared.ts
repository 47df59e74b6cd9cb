import { defineConfig } from 'vitest/config';

/**
 * Shared vitest settings: in-repo packages resolve to their TypeScript source through the
 * `@weightspec/source` export condition, so tests never read a stale `dist`. vitest also hands these
 * conditions to Node for `require`, so only conditions that are right for both loaders belong here
 * (an `import` condition made Node's `require('long')` inside tfjs load the wrong build).
 */
const conditions = ['@weightspec/source', 'node'];

export const sharedVitestConfig = defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
