import { InvalidSpecError, UnsupportedVersionError, formatJsonPath, safeParseWeightingSpec } from '@weightspec/core';
import type { SpecIssue, WeightingSpec } from '@weightspec/core';
// The CLI's JSONC reader, which records where every JSON path's value starts; imported by file because
// @weightspec/cli's entry also pulls in its Node-only commands (see the playground README).
import { parseJsonc } from '../../../cli/src/jsonc-document.ts';
import type { JsoncDocument, SourcePosition } from '../../../cli/src/jsonc-document.ts';

/** One problem in the edited spec, placed in the text. */
export interface LocatedIssue {
  /** JSON path as core formats it (`$.class.strategy`); `$` for a syntax error. */
  readonly jsonPath: string;
  /** 1-based line and column of the offending value (or of its nearest enclosing value). */
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

/** The outcome of checking spec text: the parsed spec, or every issue with its place. */
export type SpecValidation =
  | { readonly ok: true; readonly spec: WeightingSpec; readonly document: unknown }
  | { readonly ok: false; readonly issues: readonly LocatedIssue[] };

const syntaxPosition = /:(\d+):(\d+): /;

/**
 * Where an issue's value sits: for an unknown key, that key's value; else the value at the issue's
 * path, or the nearest enclosing value's (a missing required key points at the object that lacks it).
 */
function locate(issue: SpecIssue, document: JsoncDocument): SourcePosition {
  const unknownKey = /Unrecognized keys?: "([^"]+)"/.exec(issue.message)?.[1];
  const keyPosition =
    unknownKey === undefined ? undefined : document.positions.get(formatJsonPath([...issue.path, unknownKey]));
  if (keyPosition) return keyPosition;
  for (let length = issue.path.length; length >= 0; length -= 1) {
    const position = document.positions.get(formatJsonPath(issue.path.slice(0, length)));
    if (position) return position;
  }
  return { line: 1, column: 1 };
}

/**
 * Checks spec text as the page's editor holds it (JSON, `//` comments allowed) with core's own parser,
 * the one the shipped JSON Schema is generated from, so the page and every adapter agree on validity.
 */
export function validateSpecText(text: string): SpecValidation {
  let document: JsoncDocument;
  try {
    document = parseJsonc(text, 'spec');
  } catch (error) {
    if (!InvalidSpecError.isInstance(error)) throw error;
    const message = error.issues[0]?.message ?? error.message;
    const match = syntaxPosition.exec(message);
    return {
      ok: false,
      issues: [
        {
          jsonPath: '$',
          line: Number(match?.[1] ?? 1),
          column: Number(match?.[2] ?? 1),
          message: match ? message.slice((match.index ?? 0) + match[0].length) : message,
        },
      ],
    };
  }
  const result = safeParseWeightingSpec(document.value);
  if (result.success) return { ok: true, spec: result.spec, document: document.value };
  if (UnsupportedVersionError.isInstance(result.error)) {
    const position = document.positions.get('$.specVersion') ?? { line: 1, column: 1 };
    return { ok: false, issues: [{ jsonPath: '$.specVersion', ...position, message: result.error.message }] };
  }
  return {
    ok: false,
    issues: result.error.issues.map((issue) => ({
      jsonPath: issue.jsonPath,
      ...locate(issue, document),
      message: issue.message,
    })),
  };
}
