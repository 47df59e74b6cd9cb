import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The built CLI, as `npm install` would link it. */
export const BUILT_CLI = fileURLToPath(new URL('../dist/bin.js', import.meta.url));

/** What a finished CLI process left behind. */
export interface CliRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `node [nodeArguments] <bin> args` in `cwd` with piped (non-TTY) output, as a user or a CI job would. */
export function runBuiltCli(
  args: readonly string[],
  options: { cwd: string; nodeArguments?: readonly string[]; bin?: string; env?: Readonly<Record<string, string>> },
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(options.nodeArguments ?? []), options.bin ?? BUILT_CLI, ...args], {
      cwd: options.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_OPTIONS: '', ...options.env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** A fresh temporary folder and its remover, for tests that write real files. */
export function temporaryFolder(prefix: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), `weightspec-cli-${prefix}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/**
 * Writes the fault tests' tiny training set into `cwd`: spec.json (plain softmax) and data.csv (eight
 * rows, one feature x, classes a and b), so each test starts from the same small valid inputs.
 */
export function writeTinyTrainingFiles(cwd: string): void {
  writeFileSync(join(cwd, 'spec.json'), '{"specVersion": 1, "loss": {"kind": "softmax_cross_entropy"}}\n');
  writeFileSync(join(cwd, 'data.csv'), 'x,label\n0,a\n1,a\n2,b\n3,b\n4,a\n5,b\n6,a\n7,b\n');
}

/** `train` on the tiny set of writeTinyTrainingFiles: every row trains, one epoch, no baseline, model to `out`. */
export const tinyTrainArguments = (adapter: string, seed: number, out: string, extra: readonly string[] = []) => [
  'train',
  '--adapter',
  adapter,
  '--data',
  'data.csv',
  '--label',
  'label',
  '--spec',
  'spec.json',
  '--test-fraction',
  '0',
  '--skip-baseline',
  '--epochs',
  '1',
  '--seed',
  String(seed),
  '--out',
  out,
  ...extra,
];
