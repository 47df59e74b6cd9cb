#!/usr/bin/env node
// Sums vitest's per-package "Tests  N passed | M failed | K skipped" lines from a turbo log and prints
// one closing line "N passed, M failed, K skipped" for CI. Exits 1 when no test ran at all.
import { readFileSync } from 'node:fs';

const log = readFileSync(process.argv[2] ?? 0, 'utf8').replace(
  new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g'),
  '',
);
let passed = 0;
let failed = 0;
let skipped = 0;
for (const line of log.split('\n')) {
  const match = /\bTests\s+(.*)\(\d+\)\s*$/.exec(line);
  if (!match) continue;
  const counts = match[1];
  passed += Number(/(\d+) passed/.exec(counts)?.[1] ?? 0);
  failed += Number(/(\d+) failed/.exec(counts)?.[1] ?? 0);
  skipped += Number(/(\d+) skipped/.exec(counts)?.[1] ?? 0);
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(passed + failed === 0 ? 1 : 0);
