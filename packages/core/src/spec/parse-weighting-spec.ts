import type { z } from 'zod';
import { InvalidSpecError, formatJsonPath } from '../errors/invalid-spec-error.ts';
import type { SpecIssue } from '../errors/invalid-spec-error.ts';
import { UnsupportedVersionError } from '../errors/unsupported-version-error.ts';
import { weightingSpecV1Schema } from './v1/spec-v1-schema.ts';
import type { WeightingSpecV1 } from './v1/spec-v1-schema.ts';

/** Spec versions this build reads. */
export const SUPPORTED_SPEC_VERSIONS: readonly number[] = Object.freeze([1]);

/** Any parsed weighting spec; a union over versions as new ones appear. */
export type WeightingSpec = WeightingSpecV1;

const forbiddenKeys = new Set(['__proto__', 'constructor', 'prototype']);

/** Finds keys such as `__proto__` anywhere in the document (JSON.parse makes them own properties). */
function findForbiddenKeys(value: unknown, path: (string | number)[], issues: SpecIssue[]): void {
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      findForbiddenKeys(item, [...path, index], issues);
    });
  } else if (typeof value === 'object' && value !== null) {
    for (const key of Object.keys(value)) {
      const childPath = [...path, key];
      if (forbiddenKeys.has(key))
        issues.push({
          path: childPath,
          jsonPath: formatJsonPath(childPath),
          message: `the key "${key}" is not allowed`,
        });
      else findForbiddenKeys((value as Record<string, unknown>)[key], childPath, issues);
    }
  }
}

type ZodIssueLike = {
  code: string;
  path: PropertyKey[];
  message: string;
  errors?: ZodIssueLike[][];
  issues?: ZodIssueLike[];
};

/**
 * Flattens zod issues to SpecIssues with JSON paths. A failed union ("Invalid input") is replaced by
 * the issues of the branch whose type matched the value (e.g. the map form of class weights), so the
 * user sees what is wrong inside it rather than a bare "Invalid input".
 */
function flattenIssues(issues: readonly ZodIssueLike[], prefix: PropertyKey[]): SpecIssue[] {
  return issues.flatMap((issue) => {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'invalid_union' && issue.errors && issue.errors.length > 0) {
      const typeMatched = issue.errors.filter(
        (branch) => !branch.some((inner) => inner.code === 'invalid_type' && inner.path.length === 0),
      );
      if (typeMatched.length === 1) return flattenIssues(typeMatched[0] as ZodIssueLike[], path);
    }
    const segments = path.map((segment) => (typeof segment === 'symbol' ? String(segment) : segment));
    // A bad record key carries the key's own message (e.g. "class map keys must be ...") one level down.
    const message = issue.code === 'invalid_key' && issue.issues?.[0] ? issue.issues[0].message : issue.message;
    return [{ path: segments, jsonPath: formatJsonPath(segments), message }];
  });
}

/** Converts zod issues to SpecIssues with JSON paths. */
export function specIssuesFromZod(error: z.ZodError): SpecIssue[] {
  return flattenIssues(error.issues as unknown as ZodIssueLike[], []);
}

/**
 * Parses and validates a weighting spec, dispatching on `specVersion`. Returns a frozen spec with every
 * default filled in. Throws InvalidSpecError (with JSON paths) or UnsupportedVersionError.
 */
export function parseWeightingSpec(document: unknown): WeightingSpec {
  if (typeof document === 'string') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(document);
    } catch (cause) {
      throw InvalidSpecError.at([], `not valid JSON: ${(cause as Error).message}`);
    }
    return parseWeightingSpec(parsed);
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw InvalidSpecError.at([], 'a weighting spec must be a JSON object');
  }
  const forbidden: SpecIssue[] = [];
  findForbiddenKeys(document, [], forbidden);
  if (forbidden.length > 0) throw new InvalidSpecError(forbidden);
  const version = (document as { specVersion?: unknown }).specVersion;
  if (version === undefined) throw InvalidSpecError.at(['specVersion'], 'specVersion is required (use 1)');
  switch (version) {
    case 1: {
      const result = weightingSpecV1Schema.safeParse(document);
      if (!result.success) throw new InvalidSpecError(specIssuesFromZod(result.error));
      return deepFreeze(result.data);
    }
    default:
      throw new UnsupportedVersionError(version, SUPPORTED_SPEC_VERSIONS);
  }
}

/** Like parseWeightingSpec but returns the error instead of throwing. */
export function safeParseWeightingSpec(
  document: unknown,
): { success: true; spec: WeightingSpec } | { success: false; error: InvalidSpecError | UnsupportedVersionError } {
  try {
    return { success: true, spec: parseWeightingSpec(document) };
  } catch (error) {
    if (InvalidSpecError.isInstance(error) || UnsupportedVersionError.isInstance(error))
      return { success: false, error };
    throw error;
  }
}

/** Freezes an object graph so resolved numbers cannot be changed by accident. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
