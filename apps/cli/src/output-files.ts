import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, realpathSync, renameSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, open, readdir, rename, rm, rmdir } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { InvalidInputError } from '@weightspec/core';
import { fileSystemError } from './file-system-errors.ts';
import { trackTemporaryOutput, untrackTemporaryOutput } from './temporary-outputs.ts';

/**
 * Every file the CLI writes goes through here: validated before any work starts (not an input, not a
 * directory, writable), written to a temporary sibling, flushed to disk (fsync) and renamed into place,
 * so a crash, a full disk or Ctrl-C leaves either the previous output or the new one, never a
 * truncated file. File-system failures become one-line WS_INVALID_INPUT errors naming the path.
 */

/** An input of the command, by the option that named it, for {@link assertNotAnInput}. */
export interface NamedInput {
  /** The option, e.g. `--data`. */
  readonly option: string;
  /** The path as given (`builtin:` sources and undefined options are skipped). */
  readonly path: string | undefined;
}

function statOrNull(path: string) {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}

/** The real path of `path` even when it does not exist yet (its nearest existing ancestor resolved). */
function realPathOfTarget(path: string): string {
  const absolute = resolve(path);
  let existing = absolute;
  while (!existsSync(existing) && dirname(existing) !== existing) existing = dirname(existing);
  try {
    return join(realpathSync(existing), relative(existing, absolute));
  } catch {
    return absolute;
  }
}

/**
 * Refuses an output that is one of the inputs, even with --force (real paths and inode numbers are
 * compared, so `./x`, a symlink or a hard link to the input are caught). With `folder`, an input inside
 * the output folder is refused too, since the whole folder is replaced.
 */
export function assertNotAnInput(outPath: string, inputs: readonly NamedInput[], folder: boolean): void {
  const realOut = realPathOfTarget(outPath);
  const outStat = statOrNull(realOut);
  for (const input of inputs) {
    if (input.path === undefined || input.path.startsWith('builtin:')) continue;
    const realInput = realPathOfTarget(input.path);
    const inputStat = statOrNull(realInput);
    const sameFile =
      realInput === realOut ||
      (outStat !== null && inputStat !== null && outStat.dev === inputStat.dev && outStat.ino === inputStat.ino);
    if (sameFile)
      throw new InvalidInputError(
        '--out',
        `${outPath} is the same file as ${input.option} ${input.path}; writing it would destroy the input (refused even with --force)`,
      );
    if (folder && realInput.startsWith(realOut + sep))
      throw new InvalidInputError(
        '--out',
        `the folder ${outPath} holds ${input.option} ${input.path}; replacing the folder would destroy the input`,
      );
  }
}

/**
 * Checks, before any work, that a file can be created beside `path`: creates and removes a probe
 * folder in the nearest existing ancestor (an unwritable or read-only place fails here, not after training).
 */
async function assertCreatable(path: string): Promise<void> {
  let parent = dirname(resolve(path));
  while (!existsSync(parent) && dirname(parent) !== parent) parent = dirname(parent);
  const parentStat = statOrNull(parent);
  if (parentStat && !parentStat.isDirectory())
    throw new InvalidInputError(path, `cannot create it: ${parent} is a file, not a folder`);
  try {
    await rmdir(await mkdtemp(join(parent, '.weightspec-probe-')));
  } catch (cause) {
    throw fileSystemError(path, `create it in ${parent}`, cause);
  }
}

/**
 * Validates an output file before the command does any work: not a directory, not existing unless
 * `force`, not one of `inputs` (even with force), and creatable.
 */
export async function checkOutputFile(path: string, force: boolean, inputs: readonly NamedInput[]): Promise<void> {
  assertNotAnInput(path, inputs, false);
  const existing = statOrNull(path);
  if (existing?.isDirectory()) throw new InvalidInputError(path, 'is a directory, not a file');
  if (existing && !force) throw new InvalidInputError(path, 'already exists; pass --force to overwrite it');
  await assertCreatable(path);
}

async function syncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Flushes every file and folder under `root` to disk, so a rename publishes complete contents. */
async function syncTree(root: string): Promise<void> {
  for (const entry of await readdir(root, { withFileTypes: true, recursive: true }))
    if (entry.isFile() || entry.isDirectory()) await syncPath(join(entry.parentPath, entry.name));
  await syncPath(root);
}

/**
 * Writes through a temporary sibling file (`.name.tmp-<random>`), fsyncs it and renames it into place,
 * so a failed or interrupted run never leaves a half-written file or destroys the previous one.
 */
export async function writeAtomically(path: string, write: (temporaryPath: string) => Promise<void>): Promise<void> {
  const directory = dirname(path);
  const temporaryPath = join(directory, `.${basename(path)}.tmp-${randomBytes(4).toString('hex')}`);
  trackTemporaryOutput(temporaryPath);
  try {
    await mkdir(directory, { recursive: true });
    await write(temporaryPath);
    await syncPath(temporaryPath);
    await rename(temporaryPath, path);
    await syncPath(directory);
  } catch (cause) {
    await rm(temporaryPath, { force: true });
    throw fileSystemError(path, 'write the file', cause);
  } finally {
    untrackTemporaryOutput(temporaryPath);
  }
}

/** The only entries `weightspec train --out` writes; anything else in the folder is the user's. */
const OUTPUT_FOLDER_ENTRIES = new Set(['model', 'weightspec.resolved.json']);

/**
 * Validates an output folder before training: not a file, empty unless `force`, with --force holding
 * only what train writes (the whole folder is replaced, so a user's other files are refused, not
 * deleted), holding no input, and creatable.
 */
export async function checkOutputFolder(path: string, force: boolean, inputs: readonly NamedInput[]): Promise<void> {
  assertNotAnInput(path, inputs, true);
  const existing = statOrNull(path);
  if (existing && !existing.isDirectory()) throw new InvalidInputError(path, 'exists and is not a directory');
  if (existing) {
    let entries: string[];
    try {
      entries = readdirSync(path);
    } catch (cause) {
      throw fileSystemError(path, 'read the folder', cause);
    }
    if (entries.length > 0 && !force) throw new InvalidInputError(path, 'is not empty; pass --force to replace it');
    const foreign = entries.filter((entry) => !OUTPUT_FOLDER_ENTRIES.has(entry));
    if (foreign.length > 0)
      throw new InvalidInputError(
        path,
        `holds files weightspec train did not write (${foreign.slice(0, 5).join(', ')}${foreign.length > 5 ? ', …' : ''}); --force replaces the whole folder, so choose an empty or new folder`,
      );
  }
  await assertCreatable(path);
}

/**
 * Writes an output folder as a whole: `write` fills a staging folder beside it, which is flushed to
 * disk and swapped in by two renames in one synchronous step (no signal handler can run between
 * them), and the previous folder is removed afterwards. Readers see the old complete set or the new
 * complete set, never a mix (a stale model of another adapter goes with the old set).
 */
export async function writeFolderAtomically(
  path: string,
  write: (stagingPath: string) => Promise<void>,
): Promise<void> {
  const target = resolve(path);
  const parent = dirname(target);
  let staging: string | null = null;
  try {
    await mkdir(parent, { recursive: true });
    // mkdir, not mkdtemp: mkdtemp makes the folder 0700, and the renamed output would keep that mode.
    staging = join(parent, `.${basename(target)}.staging-${randomBytes(4).toString('hex')}`);
    await mkdir(staging);
    trackTemporaryOutput(staging);
    await write(staging);
    await syncTree(staging);
  } catch (cause) {
    if (staging !== null) {
      await rm(staging, { recursive: true, force: true });
      untrackTemporaryOutput(staging);
    }
    throw fileSystemError(path, 'write the folder', cause);
  }
  const previous = join(parent, `.${basename(target)}.previous-${randomBytes(4).toString('hex')}`);
  const hadPrevious = existsSync(target);
  try {
    // Both renames run synchronously, back to back: a signal handler cannot run between them.
    if (hadPrevious) renameSync(target, previous);
    try {
      renameSync(staging, target);
    } catch (cause) {
      if (hadPrevious) renameSync(previous, target);
      throw cause;
    }
    if (hadPrevious) trackTemporaryOutput(previous);
    untrackTemporaryOutput(staging);
    await syncPath(parent);
  } catch (cause) {
    await rm(staging, { recursive: true, force: true });
    untrackTemporaryOutput(staging);
    throw fileSystemError(path, 'replace the folder', cause);
  }
  if (hadPrevious) {
    await rm(previous, { recursive: true, force: true });
    untrackTemporaryOutput(previous);
  }
}
