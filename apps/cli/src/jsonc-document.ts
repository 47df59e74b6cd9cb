import { InvalidSpecError } from '@weightspec/core';

/** A 1-based line and column in a text file. */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

/** A parsed JSONC document: the plain value and where each JSON path's value starts in the text. */
export interface JsoncDocument {
  readonly value: unknown;
  /** Start of every value, keyed by its JSON path (`$`, `$.class.weights[2]`, as core formats them). */
  readonly positions: ReadonlyMap<string, SourcePosition>;
}

type PathSegment = string | number;

/** true, false, null or a JSON number, matched in place (sticky) at the current index. */
const literalPattern = /true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

function pathKey(path: readonly PathSegment[]): string {
  let text = '$';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(segment)) text += `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text;
}

/**
 * Reads JSON with `//` and `/* *\/` comments (JSONC, as VS Code and tsconfig accept), nothing else
 * added: no trailing commas, no single quotes. A syntax error is an InvalidSpecError whose message
 * names the line and column, so `weightspec validate` can point at it.
 */
export function parseJsonc(text: string, source = 'spec'): JsoncDocument {
  const positions = new Map<string, SourcePosition>();
  let index = 0;
  let line = 1;
  let lineStart = 0;

  const here = (): SourcePosition => ({ line, column: index - lineStart + 1 });
  const fail = (message: string): never => {
    const { line: atLine, column } = here();
    throw InvalidSpecError.at([], `${source}:${atLine}:${column}: ${message}`);
  };
  const advance = (count = 1) => {
    for (let step = 0; step < count; step += 1) {
      if (text[index] === '\n') {
        line += 1;
        lineStart = index + 1;
      }
      index += 1;
    }
  };
  const skipSpaceAndComments = () => {
    for (;;) {
      const character = text[index];
      if (character === ' ' || character === '\t' || character === '\n' || character === '\r' || character === '\uFEFF')
        advance();
      else if (character === '/' && text[index + 1] === '/') {
        while (index < text.length && text[index] !== '\n') advance();
      } else if (character === '/' && text[index + 1] === '*') {
        const end = text.indexOf('*/', index + 2);
        if (end < 0) fail('unterminated /* comment');
        advance(end + 2 - index);
      } else return;
    }
  };
  const readString = (): string => {
    const start = index;
    advance();
    while (index < text.length && text[index] !== '"') {
      if (text[index] === '\n') fail('line break inside a string');
      advance(text[index] === '\\' ? 2 : 1);
    }
    if (index >= text.length) fail('unterminated string');
    advance();
    try {
      return JSON.parse(text.slice(start, index)) as string;
    } catch {
      return fail('invalid escape in string');
    }
  };
  const readValue = (path: PathSegment[]): unknown => {
    skipSpaceAndComments();
    positions.set(pathKey(path), here());
    const character = text[index];
    if (character === '{') {
      advance();
      const result: Record<string, unknown> = {};
      skipSpaceAndComments();
      if (text[index] === '}') {
        advance();
        return result;
      }
      for (;;) {
        skipSpaceAndComments();
        if (text[index] !== '"') fail(text[index] === '}' ? 'trailing comma before }' : 'expected a "key"');
        const key = readString();
        skipSpaceAndComments();
        if (text[index] !== ':') fail(`expected : after "${key}"`);
        advance();
        // defineProperty keeps keys such as "__proto__" as data, so core's parser can reject them by name.
        Object.defineProperty(result, key, {
          value: readValue([...path, key]),
          enumerable: true,
          writable: true,
          configurable: true,
        });
        skipSpaceAndComments();
        if (text[index] === ',') advance();
        else if (text[index] === '}') {
          advance();
          return result;
        } else fail('expected , or }');
      }
    }
    if (character === '[') {
      advance();
      const result: unknown[] = [];
      skipSpaceAndComments();
      if (text[index] === ']') {
        advance();
        return result;
      }
      for (;;) {
        skipSpaceAndComments();
        if (text[index] === ']') fail('trailing comma before ]');
        result.push(readValue([...path, result.length]));
        skipSpaceAndComments();
        if (text[index] === ',') advance();
        else if (text[index] === ']') {
          advance();
          return result;
        } else fail('expected , or ]');
      }
    }
    if (character === '"') return readString();
    literalPattern.lastIndex = index;
    const literal = literalPattern.exec(text);
    if (!literal)
      return fail(
        index >= text.length ? 'unexpected end of file' : `unexpected character ${JSON.stringify(character)}`,
      );
    advance(literal[0].length);
    return JSON.parse(literal[0]) as unknown;
  };

  const value = readValue([]);
  skipSpaceAndComments();
  if (index < text.length) fail('unexpected text after the document');
  return { value, positions };
}
