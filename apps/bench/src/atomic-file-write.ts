import { renameSync, rmSync, writeFileSync } from 'node:fs';

/**
 * Writes `text` to `path` so that the file is either the old one or the new one, never a truncated
 * mix: the text goes to a temporary sibling first, then replaces `path` with one rename (atomic
 * within a file system). The README and the results JSON are rewritten this way, so an interrupted
 * benchmark run cannot leave either half written.
 */
export function writeFileAtomically(path: string, text: string): void {
  const temporary = `${path}.${process.pid}.partial`;
  try {
    writeFileSync(temporary, text);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}
