import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDirectory = fileURLToPath(new URL('..', import.meta.url));

function newestSourceTime(directory: string): number {
  let newest = 0;
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSourceTime(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts'))
      newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * Vitest global setup: the end-to-end tests run dist/bin.js as a user would, so build it when it is
 * missing or older than src (turbo's `test` task also builds first; this covers a bare `vitest run`).
 */
export default function buildCliWhenStale(): void {
  const require = createRequire(import.meta.url);
  for (const dependency of ['@weightspec/core', '@weightspec/conformance']) {
    const entry = join(require.resolve(`${dependency}/package.json`), '..', 'dist', 'index.js');
    if (!existsSync(entry))
      throw new Error(
        `${dependency} is not built; run: npx -y pnpm@12.21.0 exec turbo run build --filter=@weightspec/cli^...`,
      );
  }
  const bin = join(packageDirectory, 'dist', 'bin.js');
  if (existsSync(bin) && statSync(bin).mtimeMs >= newestSourceTime(join(packageDirectory, 'src'))) return;
  const tsc = require.resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: packageDirectory, stdio: 'inherit' });
}
