import { formatJsonPath } from '../errors/invalid-spec-error.ts';

/**
 * One strict JSON reader for every document weightspec reads (spec files, conformance vectors, the
 * CLI's JSONC specs), so they all reject the same things with the same words (SPEC "Bad input gets a
 * typed error"): duplicate keys (JSON.parse keeps the last one silently), numbers that are not JSON
 * decimals or overflow a float64, nesting deeper than a limit (a recursive reader would throw a raw
 * RangeError), and anything after the document. It is iterative, so its stack use does not grow with
 * the nesting, and it never throws: the caller turns a failure into its own typed error.
 */

/** Deepest nesting of arrays and objects accepted by default; weightspec documents need fewer than 10. */
export const MAX_JSON_DEPTH = 256;

/** A 1-based line and column in a text. */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

/** Options for {@link readStrictJson}. */
export interface StrictJsonOptions {
  /** Accept `//` and `/* *\/` comments (JSONC, as VS Code and tsconfig accept); nothing else is relaxed. */
  readonly comments?: boolean;
  /** Deepest nesting accepted (default {@link MAX_JSON_DEPTH}). */
  readonly maxDepth?: number;
  /** Record where every value starts, keyed by its JSON path (`$`, `$.class.weights[2]`); off by default. */
  readonly positions?: boolean;
}

/** Why a text is not a strict JSON document, and where. */
export interface StrictJsonFailure {
  /** What is wrong, in words (hostile content is cut, never echoed in full). */
  readonly message: string;
  readonly line: number;
  readonly column: number;
  /** Path segments of the value being read when the reader stopped. */
  readonly path: readonly (string | number)[];
}

/** The outcome of {@link readStrictJson}: the value (and positions when asked), or the first failure. */
export type StrictJsonResult =
  | { readonly ok: true; readonly value: unknown; readonly positions: ReadonlyMap<string, SourcePosition> }
  | { readonly ok: false; readonly failure: StrictJsonFailure };

type Container =
  | { readonly kind: 'object'; readonly value: Record<string, unknown>; key: string | null }
  | { readonly kind: 'array'; readonly value: unknown[] };

/** Thrown inside the reader only; readStrictJson turns it into a StrictJsonFailure. */
class StopReading {
  constructor(
    readonly message: string,
    readonly index: number,
  ) {}
}

const numberPattern = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const escapes: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/** Shows a piece of the text in a message, cut so a hostile document is not echoed back. */
function excerpt(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}

/** Computes 1-based line and column for indices visited in increasing order (amortized linear). */
function createLineCounter(text: string): (index: number) => SourcePosition {
  let scanned = 0;
  let line = 1;
  let lineStart = 0;
  return (index) => {
    if (index < scanned) {
      scanned = 0;
      line = 1;
      lineStart = 0;
    }
    for (; scanned < index; scanned += 1)
      if (text.charCodeAt(scanned) === 10) {
        line += 1;
        lineStart = scanned + 1;
      }
    return { line, column: index - lineStart + 1 };
  };
}

/** Reads a strict JSON (or, with `comments`, JSONC) document; never throws. */
export function readStrictJson(text: string, options: StrictJsonOptions = {}): StrictJsonResult {
  const maxDepth = options.maxDepth ?? MAX_JSON_DEPTH;
  const positions = new Map<string, SourcePosition>();
  const positionAt = createLineCounter(text);
  const stack: Container[] = [];
  const path: (string | number)[] = [];
  let index = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let rootValue: unknown;

  const skipSpace = () => {
    for (;;) {
      const code = text.charCodeAt(index);
      if (code === 32 || code === 9 || code === 10 || code === 13) index += 1;
      else if (options.comments && code === 47 && text.charCodeAt(index + 1) === 47) {
        const end = text.indexOf('\n', index);
        index = end < 0 ? text.length : end;
      } else if (options.comments && code === 47 && text.charCodeAt(index + 1) === 42) {
        const end = text.indexOf('*/', index + 2);
        if (end < 0) throw new StopReading('a /* comment is not closed', index);
        index = end + 2;
      } else return;
    }
  };
  const readString = (): string => {
    const start = index;
    index += 1;
    let result = '';
    let chunkStart = index;
    for (;;) {
      if (index >= text.length) throw new StopReading('a string is not closed before the end of the text', start);
      const code = text.charCodeAt(index);
      if (code === 34) break;
      if (code < 32) throw new StopReading('a control character (such as a line break) inside a string', index);
      if (code !== 92) {
        index += 1;
        continue;
      }
      result += text.slice(chunkStart, index);
      const escaped = text[index + 1] ?? '';
      if (escaped === 'u') {
        const hex = text.slice(index + 2, index + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new StopReading('invalid \\u escape in a string', index);
        result += String.fromCharCode(Number.parseInt(hex, 16));
        index += 6;
      } else if (Object.hasOwn(escapes, escaped)) {
        result += escapes[escaped];
        index += 2;
      } else throw new StopReading(`invalid escape \\${escaped} in a string`, index);
      chunkStart = index;
    }
    result += text.slice(chunkStart, index);
    index += 1;
    return result;
  };
  const readScalar = (): unknown => {
    const code = text.charCodeAt(index);
    if (code === 34) return readString();
    for (const [word, value] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const)
      if (text.startsWith(word, index)) {
        index += word.length;
        return value;
      }
    numberPattern.lastIndex = index;
    const match = numberPattern.exec(text);
    if (!match) {
      if (index >= text.length) throw new StopReading('unexpected end of the text (a value was expected)', index);
      throw new StopReading(`unexpected ${excerpt(text.slice(index, index + 12))} (a JSON value was expected)`, index);
    }
    const value = Number(match[0]);
    if (!Number.isFinite(value))
      throw new StopReading(`the number ${excerpt(match[0])} is beyond the range of a float64`, index);
    index += match[0].length;
    return value;
  };
  /** Stores a finished value in the enclosing container; returns true when it was the root. */
  const store = (value: unknown): boolean => {
    const parent = stack[stack.length - 1];
    if (!parent) {
      rootValue = value;
      return true;
    }
    if (parent.kind === 'array') parent.value.push(value);
    else {
      // defineProperty keeps keys such as "__proto__" as data, so the spec parser can reject them by name.
      Object.defineProperty(parent.value, parent.key as string, {
        value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
      parent.key = null;
    }
    return false;
  };
  /** After a value inside a container: reads `,` or the closing bracket(s); returns true at the root's end. */
  const afterValue = (): boolean => {
    for (;;) {
      const parent = stack[stack.length - 1];
      if (!parent) return true;
      skipSpace();
      const code = text.charCodeAt(index);
      const closing = parent.kind === 'array' ? 93 : 125;
      if (code === 44) {
        index += 1;
        skipSpace();
        if (text.charCodeAt(index) === closing)
          throw new StopReading(`a trailing comma before ${parent.kind === 'array' ? ']' : '}'}`, index);
        if (parent.kind === 'array') path[path.length - 1] = parent.value.length;
        return false;
      }
      if (code !== closing)
        throw new StopReading(
          index >= text.length
            ? `unexpected end of the text (an ${parent.kind} is not closed)`
            : `expected , or ${parent.kind === 'array' ? ']' : '}'}`,
          index,
        );
      index += 1;
      stack.pop();
      path.pop();
      if (store(parent.value)) return true;
    }
  };
  const readKey = (container: { value: Record<string, unknown>; key: string | null }) => {
    skipSpace();
    if (text.charCodeAt(index) !== 34) throw new StopReading('expected a "key" in double quotes', index);
    const keyStart = index;
    const key = readString();
    container.key = key;
    path[path.length - 1] = key;
    if (Object.hasOwn(container.value, key))
      throw new StopReading(`the key ${excerpt(key)} appears twice in one object`, keyStart);
    skipSpace();
    if (text.charCodeAt(index) !== 58) throw new StopReading(`expected : after the key ${excerpt(key)}`, index);
    index += 1;
  };

  /** After a finished value: true at the end of the document, else ready for the next value (key read). */
  const finish = (value: unknown): boolean => {
    if (store(value) || afterValue()) return true;
    const parent = stack[stack.length - 1];
    if (parent?.kind === 'object') readKey(parent);
    return false;
  };

  try {
    for (;;) {
      skipSpace();
      if (options.positions) positions.set(formatJsonPath(path.slice(0, stack.length)), positionAt(index));
      const code = text.charCodeAt(index);
      if (code === 123 || code === 91) {
        if (stack.length >= maxDepth)
          throw new StopReading(`arrays and objects are nested deeper than ${maxDepth} levels`, index);
        index += 1;
        skipSpace();
        const empty = text.charCodeAt(index) === (code === 123 ? 125 : 93);
        const container: Container =
          code === 123 ? { kind: 'object', value: {}, key: null } : { kind: 'array', value: [] };
        if (empty) {
          index += 1;
          if (finish(container.value)) break;
        } else {
          stack.push(container);
          path.push(0);
          if (container.kind === 'object') readKey(container);
        }
        continue;
      }
      if (finish(readScalar())) break;
    }
    skipSpace();
    if (index < text.length) throw new StopReading('unexpected text after the end of the document', index);
    return { ok: true, value: rootValue, positions };
  } catch (error) {
    if (!(error instanceof StopReading)) throw error;
    const { line, column } = positionAt(error.index);
    // An object whose next key is not read yet has only a placeholder segment: the failure is the object's.
    const top = stack[stack.length - 1];
    const depth = top?.kind === 'object' && top.key === null ? stack.length - 1 : stack.length;
    return { ok: false, failure: { message: error.message, line, column, path: path.slice(0, depth) } };
  }
}
