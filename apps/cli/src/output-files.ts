import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { InvalidInputError } from '@weightspec/core';

/** Refuses to replace an existing file unless `force` (nothing is overwritten without `--force`). */
export function assertFileWritable(path: string, force: boolean): void {
  if (!existsSync(path)) return;
  if (statSync(path).isDirectory()) throw new InvalidInputError(path, 'is a directory, not a file');
  if (!force) throw new InvalidInputError(path, 'already exists; pass --force to overwrite it');
}

/** Refuses to write into a non-empty directory unless `force`; a file at the path is always an error. */
export function assertDirectoryWritable(path: string, force: boolean): void {
  if (!existsSync(path)) return;
  if (!statSync(path).isDirectory()) throw new InvalidInputError(path, 'exists and is not a directory');
  if (!force && readdirSync(path).length > 0)
    throw new InvalidInputError(path, 'is not empty; pass --force to write into it');
}

/**
 * Writes through a temporary sibling file and renames it into place at the end, so a failed run
 * never leaves a half-written file or destroys the previous one.
 */
export async function writeAtomically(path: string, write: (temporaryPath: string) => Promise<void>): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporaryPath = `${path}.partial-${process.pid}`;
  try {
    await write(temporaryPath);
    await rename(temporaryPath, path);
  } catch (error) {
    await rm(temporaryPath, { force: true });
    throw error;
  }
}
