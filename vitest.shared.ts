import { defineConfig } from 'vitest/config';

/**
 * Shared vitest settings: in-repo packages resolve to their TypeScript source through the
 * `@weightspec/source` export condition, so tests never read a stale `dist`.
 */
export const sharedVitestConfig = defineConfig({
  resolve: { conditions: ['@weightspec/source', 'import', 'module', 'node', 'default'] },
  ssr: { resolve: { conditions: ['@weightspec/source', 'import', 'module', 'node', 'default'] } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
