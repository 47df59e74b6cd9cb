/**
 * Regenerates README.md's benchmark table from a results file of `pnpm bench`, refusing when that run
 * was not quiet or not complete:  pnpm bench:readme [results.json]
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeReadmeTable } from './readme-table.ts';
import type { BenchmarkResults } from './readme-table.ts';

const file = process.argv[2]
  ? resolve(process.env.INIT_CWD ?? process.cwd(), process.argv[2])
  : fileURLToPath(new URL('../results/bench-results.json', import.meta.url));
try {
  writeReadmeTable(JSON.parse(readFileSync(file, 'utf8')) as BenchmarkResults);
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
}
