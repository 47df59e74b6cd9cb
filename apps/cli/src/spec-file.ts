import { createReadStream } from 'node:fs';
import { InvalidSpecError, InvalidInputError, formatJsonPath, parseWeightingSpec } from '@weightspec/core';
import type { SpecIssue, WeightingSpec } from '@weightspec/core';
import { fileSystemError } from './file-system-errors.ts';
import { parseJsonc } from './jsonc-document.ts';
import type { JsoncDocument, SourcePosition } from './jsonc-document.ts';

/** A spec read from disk: the parsed spec (defaults filled) and the file it came from. */
export interface SpecFile {
  readonly path: string;
  readonly spec: WeightingSpec;
}

/**
 * Where an issue's value sits in the file: for an unknown key, that key's value; else the value at
 * the issue's path, or the nearest enclosing value's.
 */
function locateIssue(issue: SpecIssue, document: JsoncDocument): SourcePosition | undefined {
  const unknownKey = /Unrecognized keys?: "([^"]+)"/.exec(issue.message)?.[1];
  const keyPosition =
    unknownKey === undefined ? undefined : document.positions.get(formatJsonPath([...issue.path, unknownKey]));
  if (keyPosition) return keyPosition;
  for (let length = issue.path.length; length >= 0; length -= 1) {
    const position = document.positions.get(formatJsonPath(issue.path.slice(0, length)));
    if (position) return position;
  }
  return undefined;
}

/**
 * Parses spec text (JSON or JSONC: `//` and `/* *\/` comments are allowed, so `weightspec init`
 * can explain each field). Every InvalidSpecError issue keeps its JSON path and gains `file:line:column`.
 */
export function parseSpecText(text: string, path: string): WeightingSpec {
  const document = parseJsonc(text, path);
  try {
    return parseWeightingSpec(document.value);
  } catch (error) {
    if (!InvalidSpecError.isInstance(error)) throw error;
    const located = error.issues.map((issue) => {
      const position = locateIssue(issue, document);
      const where = position ? ` (${path}:${position.line}:${position.column})` : '';
      return { ...issue, message: `${issue.message}${where}` };
    });
    throw new InvalidSpecError(located);
  }
}

/** Largest spec file read (characters); a spec is a few hundred bytes, so more is not a spec. */
export const MAX_SPEC_FILE_CHARACTERS = 16 * 2 ** 20;

/** Reads text up to `limit` characters through a stream, so /dev/zero or a huge file fails instead of filling memory. */
async function readTextBounded(path: string, limit: number): Promise<string> {
  let text = '';
  try {
    for await (const chunk of createReadStream(path, { encoding: 'utf8' }) as AsyncIterable<string>) {
      text += chunk;
      if (text.length > limit)
        throw new InvalidInputError(path, `is longer than ${limit} characters; this is not a weighting spec`);
    }
  } catch (cause) {
    throw fileSystemError(path, 'read the spec file', cause);
  }
  return text;
}

/** Reads and validates a spec file; a missing, unreadable or oversized file is an InvalidInputError naming it. */
export async function readSpecFile(path: string): Promise<SpecFile> {
  const text = await readTextBounded(path, MAX_SPEC_FILE_CHARACTERS);
  return { path, spec: parseSpecText(text, path) };
}
