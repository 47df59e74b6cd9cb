import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MissingPeerError } from '@weightspec/core';

/** Where the weightspec CLI itself is installed: that decides which install command reaches it. */
export type CliInstallKind = 'project' | 'global' | 'npx' | 'checkout';

/** The CLI's install: `project` (in `directory`'s node_modules), `global`, `npx` cache, or a source checkout. */
export interface CliInstall {
  readonly kind: CliInstallKind;
  /** The project whose node_modules holds the CLI (kind `project`). */
  readonly directory?: string;
}

/** The CLI package's own folder (dist/.. or src/..). */
function cliPackageDirectory(): string {
  return dirname(dirname(fileURLToPath(import.meta.url)));
}

/** The nearest folder at or above `directory` holding a package.json: the user's project, if any. */
function findProjectDirectory(directory: string): string | undefined {
  let current = directory;
  for (;;) {
    if (existsSync(join(current, 'package.json'))) return current;
    const parent = dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
}

/**
 * Classifies an installed file's location: inside `<owner>/node_modules/...`, the owner is a project
 * when it has a package.json; npm's global folder (`<prefix>/lib`) has none. npx runs from `_npx`.
 */
export function classifyInstall(installedPath: string): CliInstall {
  const parts = installedPath.split(sep);
  const modulesIndex = parts.lastIndexOf('node_modules');
  if (modulesIndex < 0) return { kind: 'checkout' };
  if (parts.includes('_npx')) return { kind: 'npx' };
  const owner = parts.slice(0, modulesIndex).join(sep) || sep;
  return existsSync(join(owner, 'package.json')) ? { kind: 'project', directory: owner } : { kind: 'global' };
}

function isInside(path: string, directory: string): boolean {
  const offset = relative(directory, path);
  return offset === '' || (!offset.startsWith('..') && !isAbsolute(offset));
}

/** The command that installs `packages` where a module at `install` (and the CLI) will find them. */
export function installCommandFor(packages: readonly string[], install: CliInstall, cwd: string): string {
  const list = packages.join(' ');
  switch (install.kind) {
    case 'global':
      return `npm install -g ${list}`;
    case 'npx':
      return `npx ${['@weightspec/cli', ...packages].map((name) => `-p ${name}`).join(' ')} weightspec <command>`;
    case 'project':
      return install.directory === undefined || isInside(cwd, install.directory)
        ? `npm install ${list}`
        : `npm install --prefix ${install.directory} ${list}`;
    case 'checkout':
      return `npm install ${list}`;
  }
}

/** The file that tried to load the missing package, from a Node loader error (ESM or require). */
export function requestingFile(cause: unknown): string | undefined {
  const stack = (cause as { requireStack?: unknown } | null)?.requireStack;
  if (Array.isArray(stack) && typeof stack[0] === 'string') return stack[0];
  const from = / imported from (\S+)/.exec(String((cause as Error | null)?.message ?? ''))?.[1];
  if (from === undefined) return undefined;
  return from.startsWith('file:') ? fileURLToPath(from) : from;
}

/** Where a package should go: beside the file that asked for it, else this project, else beside the CLI. */
export function installFor(
  packageName: string,
  cause: unknown,
  cwd: string = process.cwd(),
  cliDirectory: string = cliPackageDirectory(),
): string {
  const requester = requestingFile(cause);
  if (requester?.split(sep).includes('node_modules'))
    return installCommandFor([packageName], classifyInstall(requester), cwd);
  // The CLI looks for adapters in the current project first, so a project here is the place.
  if (findProjectDirectory(cwd) !== undefined) return `npm install ${packageName}`;
  return installCommandFor([packageName], classifyInstall(cliDirectory), cwd);
}

/**
 * A MissingPeerError whose install command fits where the CLI runs from (core's says `npm install`,
 * which a globally installed CLI never sees).
 */
export class CliMissingPeerError extends MissingPeerError {
  /** The command printed in the message. */
  readonly installCommand: string;

  constructor(packageName: string, neededBy: string, installCommand: string, options?: { cause?: unknown }) {
    super(packageName, neededBy, options);
    this.message = `${neededBy} needs the package "${packageName}", which is not installed. Install it with: ${installCommand}`;
    this.installCommand = installCommand;
  }
}

/**
 * A MissingPeerError for a package that is installed but whose entry file is missing (a checkout that
 * was not built, or a broken install); the message says so instead of advising an install.
 */
export class UnbuiltPackageError extends MissingPeerError {
  constructor(packageName: string, neededBy: string, entryFile: string, options?: { cause?: unknown }) {
    super(packageName, neededBy, options);
    this.message =
      `${neededBy} needs the package "${packageName}": it is installed but its entry file ${entryFile} is missing. ` +
      `In a weightspec checkout build it (npx -y pnpm@12.21.0 exec turbo run build --filter=${packageName}); otherwise reinstall it.`;
  }
}

/** The message of a MissingPeerError thrown inside a package, its install command refitted for this CLI. */
export function fitInstallAdvice(error: MissingPeerError, cwd?: string, cliDirectory?: string): string {
  if (error instanceof CliMissingPeerError || error instanceof UnbuiltPackageError) return error.message;
  const command = installFor(error.packageName, (error as { cause?: unknown }).cause, cwd, cliDirectory);
  return error.message.replace(/Install it with: .*$/, `Install it with: ${command}`);
}
