import type { z } from 'zod';
import { InvalidSpecError, formatJsonPath } from '../errors/invalid-spec-error.ts';
import type { SpecIssue } from '../errors/invalid-spec-error.ts';
import { UnsupportedVersionError } from '../errors/unsupported-version-error.ts';
import { MAX_JSON_DEPTH, readStrictJson } from '../json/strict-json-reader.ts';
import { describeValue } from '../validate/input-validators.ts';
import { weightingSpecV1Schema } from './v1/spec-v1-schema.ts';
import type { WeightingSpecV1 } from './v1/spec-v1-schema.ts';

/** Spec versions this build reads. */
export const SUPPORTED_SPEC_VERSIONS: readonly number[] = Object.freeze([1]);

/** Any parsed weighting spec; a union over versions as new ones appear. */
export type WeightingSpec = WeightingSpecV1;

const forbiddenKeys = new Set(['__proto__', 'constructor', 'prototype']);

/** Most issues listed in one error; a hostile document with a million bad values gets a short message. */
const MAX_LISTED_ISSUES = 20;

/**
 * Walks the document without recursion (a deep or cyclic object must be a typed error, not a
 * RangeError): finds keys such as `__proto__` anywhere (JSON.parse makes them own properties) and
 * nesting deeper than MAX_JSON_DEPTH. A value reached twice (a cycle or a shared child) is walked once.
 */
function findStructuralIssues(document: object): SpecIssue[] {
  const issues: SpecIssue[] = [];
  const seen = new Set<object>();
  const pending: { value: unknown; path: (string | number)[] }[] = [{ value: document, path: [] }];
  while (pending.length > 0 && issues.length < MAX_LISTED_ISSUES) {
    const { value, path } = pending.pop() as { value: unknown; path: (string | number)[] };
    if (typeof value !== 'object' || value === null || seen.has(value)) continue;
    seen.add(value);
    if (path.length >= MAX_JSON_DEPTH) {
      issues.push(issueAt(path, `arrays and objects are nested deeper than ${MAX_JSON_DEPTH} levels`));
      continue;
    }
    if (Array.isArray(value)) {
      for (let index = value.length - 1; index >= 0; index -= 1)
        pending.push({ value: value[index], path: [...path, index] });
      continue;
    }
    for (const key of Object.keys(value).reverse()) {
      if (forbiddenKeys.has(key)) issues.push(issueAt([...path, key], `the key "${key}" is not allowed`));
      else pending.push({ value: (value as Record<string, unknown>)[key], path: [...path, key] });
    }
  }
  return issues;
}

/**
 * A SpecIssue whose jsonPath cuts long keys and deep paths, so a hostile 5 MB key or 256 levels of
 * `[0]` are not echoed (the `path` segments stay exact for tools that locate the value).
 */
function issueAt(path: readonly (string | number)[], message: string): SpecIssue {
  const shown = path
    .slice(0, 8)
    .map((segment) => (typeof segment === 'string' && segment.length > 40 ? `${segment.slice(0, 40)}…` : segment));
  const deeper = path.length > 8 ? `… (${path.length} levels)` : '';
  return { path, jsonPath: `${formatJsonPath(shown)}${deeper}`, message };
}

/** Throws the issues as one InvalidSpecError, listing at most MAX_LISTED_ISSUES of them. */
function throwIssues(issues: readonly SpecIssue[]): never {
  if (issues.length <= MAX_LISTED_ISSUES) throw new InvalidSpecError(issues);
  const more = issues.length - MAX_LISTED_ISSUES;
  throw new InvalidSpecError([
    ...issues.slice(0, MAX_LISTED_ISSUES),
    issueAt([], `and ${more} more problem${more === 1 ? '' : 's'} not listed`),
  ]);
}

type ZodIssueLike = {
  code: string;
  path: PropertyKey[];
  message: string;
  keys?: string[];
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
    let message = issue.code === 'invalid_key' && issue.issues?.[0] ? issue.issues[0].message : issue.message;
    // zod quotes every unknown key in full; a hostile document may hold a 5 MB key or thousands of them.
    if (issue.code === 'unrecognized_keys' && issue.keys) message = unknownKeysMessage(issue.keys);
    return [issueAt(segments, message)];
  });
}

/** `Unrecognized key(s): "a", "b"` as zod words it, with long keys cut and at most 5 keys listed. */
function unknownKeysMessage(keys: readonly string[]): string {
  const listed = keys.slice(0, 5).map((key) => describeValue(key));
  const more = keys.length > 5 ? ` and ${keys.length - 5} more` : '';
  return `Unrecognized key${keys.length === 1 ? '' : 's'}: ${listed.join(', ')}${more}`;
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
    const read = readStrictJson(document);
    if (!read.ok) {
      const { message, line, column, path } = read.failure;
      throwIssues([issueAt(path, `not valid JSON (line ${line}, column ${column}): ${message}`)]);
    }
    return parseWeightingSpec(read.value);
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw InvalidSpecError.at([], 'a weighting spec must be a JSON object');
  }
  const structural = findStructuralIssues(document);
  if (structural.length > 0) throwIssues(structural);
  const version = (document as { specVersion?: unknown }).specVersion;
  if (version === undefined) throw InvalidSpecError.at(['specVersion'], 'specVersion is required (use 1)');
  switch (version) {
    case 1: {
      const result = weightingSpecV1Schema.safeParse(document);
      if (!result.success) throwIssues(specIssuesFromZod(result.error));
      return deepFreeze(result.data);
    }
    default:
      // UnsupportedVersionError shows the value with JSON.stringify (Infinity would read "null", a
      // 5 MB string would be echoed), so anything but a finite number is an invalid spec, said with describeValue.
      if (typeof version !== 'number' || !Number.isFinite(version))
        throw InvalidSpecError.at(
          ['specVersion'],
          `specVersion must be a number (this build reads ${SUPPORTED_SPEC_VERSIONS.join(', ')}), got ${describeValue(version)}`,
        );
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
