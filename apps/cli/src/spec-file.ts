import { readFile } from 'node:fs/promises';
import { InvalidSpecError, InvalidInputError, formatJsonPath, parseWeightingSpec } from '@weightspec/core';
import type { SpecIssue, WeightingSpec } from '@weightspec/core';
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

/** Reads and validates a spec file; a missing or unreadable file is an InvalidInputError naming it. */
export async function readSpecFile(path: string): Promise<SpecFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new InvalidInputError(
      path,
      `cannot read the spec file (${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message})`,
      { cause },
    );
  }
  return { path, spec: parseSpecText(text, path) };
}
