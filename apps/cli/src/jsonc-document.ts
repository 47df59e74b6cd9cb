import { InvalidSpecError, formatJsonPath, readStrictJson } from '@weightspec/core';
import type { SourcePosition } from '@weightspec/core';

export type { SourcePosition } from '@weightspec/core';

/** A parsed JSONC document: the plain value and where each JSON path's value starts in the text. */
export interface JsoncDocument {
  readonly value: unknown;
  /** Start of every value, keyed by its JSON path (`$`, `$.class.weights[2]`, as core formats them). */
  readonly positions: ReadonlyMap<string, SourcePosition>;
}

/**
 * Reads JSON with `//` and `/* *\/` comments (JSONC, as VS Code and tsconfig accept), nothing else
 * added: no trailing commas, no single quotes. Core's strict reader does the work, so duplicate keys,
 * hexadecimal numbers and nesting deeper than MAX_JSON_DEPTH are rejected here as in parseWeightingSpec.
 * A failure is an InvalidSpecError whose message names `source:line:column`, so `weightspec validate`
 * can point at it.
 */
export function parseJsonc(text: string, source = 'spec'): JsoncDocument {
  const read = readStrictJson(text, { comments: true, positions: true });
  if (read.ok) return { value: read.value, positions: read.positions };
  const { line, column, path, message } = read.failure;
  // A failure 256 levels deep names the first levels only; line:column points at the place.
  const deeper = path.length > 8 ? `… (${path.length} levels)` : '';
  throw new InvalidSpecError([
    {
      path,
      jsonPath: `${formatJsonPath(path.slice(0, 8))}${deeper}`,
      message: `${source}:${line}:${column}: ${message}`,
    },
  ]);
}
