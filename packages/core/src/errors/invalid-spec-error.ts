import { WeightspecError } from './weightspec-error.ts';

/** One problem found in a spec document, located by its JSON path. */
export interface SpecIssue {
  /** Path segments from the document root, e.g. `['class', 'weights', 2]`. */
  readonly path: readonly (string | number)[];
  /** The same path written as `$.class.weights[2]`. */
  readonly jsonPath: string;
  /** What is wrong, in words. */
  readonly message: string;
}

/** Formats path segments as a JSONPath string (`$`, `.key`, `[index]`). */
export function formatJsonPath(path: readonly (string | number | symbol)[]): string {
  let text = '$';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (typeof segment === 'string' && /^[A-Za-z_$][\w$]*$/.test(segment)) text += `.${segment}`;
    else text += `[${JSON.stringify(String(segment))}]`;
  }
  return text;
}

/** WS_INVALID_SPEC: the spec document breaks the schema; `issues` carry JSON paths. */
export class InvalidSpecError extends WeightspecError {
  /** Every problem found, not only the first. */
  readonly issues: readonly SpecIssue[];

  /** Builds the error from its issues; the message lists each as `path: message`. */
  constructor(issues: readonly SpecIssue[]) {
    const lines = issues.map((issue) => `  ${issue.jsonPath}: ${issue.message}`);
    super('WS_INVALID_SPEC', `Invalid weighting spec:\n${lines.join('\n')}`);
    this.name = 'InvalidSpecError';
    this.issues = issues;
  }

  /** Shorthand for a single issue at `path`. */
  static at(path: readonly (string | number)[], message: string): InvalidSpecError {
    return new InvalidSpecError([{ path, jsonPath: formatJsonPath(path), message }]);
  }

  /** True for an InvalidSpecError from any copy of the package. */
  static override isInstance(error: unknown): error is InvalidSpecError {
    return WeightspecError.isInstance(error) && error.code === 'WS_INVALID_SPEC';
  }
}
