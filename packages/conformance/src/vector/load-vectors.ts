import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, relative } from 'node:path';
import { readStrictJson } from '@weightspec/core';
import { MalformedVectorError, parseConformanceVector } from './conformance-vector.ts';
import type { ConformanceVector } from './conformance-vector.ts';

/** The vectors shipped with this package (the `vectors` folder beside `src` and `dist`). */
export function defaultVectorDirectory(): string {
  return fileURLToPath(new URL('../../vectors', import.meta.url));
}

/** A file that could not be read as a vector. */
export interface VectorProblem {
  readonly file: string;
  readonly message: string;
}

/** Every `*.json` under `root`, walked with a queue (no recursion, no spread of a folder's listing). */
function listJsonFiles(root: string): string[] {
  const files: string[] = [];
  const folders = [root];
  for (let next = 0; next < folders.length; next += 1) {
    const directory = folders[next] as string;
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) folders.push(path);
      else if (entry.isFile() && entry.name.endsWith('.json')) files.push(path);
    }
  }
  return files.sort();
}

/**
 * Reads every `*.json` under the given folders (recursively). Malformed files are returned as
 * problems with their path and the JSON path of the bad field, not thrown, so one bad file does not
 * hide the rest. Duplicate ids across files are problems too. Synchronous, so test files can register
 * one test per vector without top-level await.
 */
export function loadVectorsSync(directories: readonly string[]): {
  vectors: ConformanceVector[];
  problems: VectorProblem[];
} {
  const vectors: ConformanceVector[] = [];
  const problems: VectorProblem[] = [];
  const seen = new Map<string, string>();
  for (const directory of directories) {
    let files: string[];
    try {
      files = listJsonFiles(directory);
    } catch (error) {
      problems.push({ file: directory, message: `cannot read the folder: ${(error as Error).message}` });
      continue;
    }
    if (files.length === 0) problems.push({ file: directory, message: 'no *.json vector files in this folder' });
    for (const file of files) {
      const shown = relative(process.cwd(), file) || file;
      try {
        // Core's strict reader: duplicate keys, non-decimal numbers and deep nesting are problems of
        // this file (the reader is iterative, so a 3000-deep file cannot abort the run with a RangeError).
        const read = readStrictJson(readFileSync(file, 'utf8'));
        if (!read.ok) {
          const { line, column, path, message } = read.failure;
          // At most 8 levels of the path are named (line and column locate the rest).
          throw new MalformedVectorError(
            shown,
            path.slice(0, 8),
            `${path.length > 8 ? `(${path.length} levels deep) ` : ''}not valid JSON (line ${line}, column ${column}): ${message}`,
          );
        }
        const vector = parseConformanceVector(read.value, shown);
        const earlier = seen.get(vector.id);
        if (earlier) throw new MalformedVectorError(shown, ['id'], `duplicate id "${vector.id}" (also in ${earlier})`);
        seen.set(vector.id, shown);
        vectors.push(vector);
      } catch (error) {
        // Any failure is this file's problem (an unreadable file, or a bug the file triggers), so one file
        // never hides the others.
        if (error instanceof MalformedVectorError) problems.push({ file: shown, message: error.message });
        else
          problems.push({
            file: shown,
            message: `${shown}: cannot load: ${(error as Error).message ?? String(error)}`,
          });
      }
    }
  }
  return { vectors, problems };
}

/** Asynchronous form of loadVectorsSync, for callers that prefer a Promise. */
export async function loadVectors(
  directories: readonly string[],
): Promise<{ vectors: ConformanceVector[]; problems: VectorProblem[] }> {
  return loadVectorsSync(directories);
}
