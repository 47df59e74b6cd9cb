import type { WeightingAdapter } from '@weightspec/core';
import { defaultVectorDirectory, loadVectors } from '../vector/load-vectors.ts';
import type { VectorProblem } from '../vector/load-vectors.ts';
import { parseConformanceVector } from '../vector/conformance-vector.ts';
import type { ConformanceVector } from '../vector/conformance-vector.ts';
import { checkWeightingAdapter, runVectorOnAdapter } from './run-vector.ts';
import type { CaseResult } from './run-vector.ts';

/** The outcome of a conformance run; plain data, safe to JSON.stringify. */
export interface ConformanceReport {
  readonly adapters: readonly string[];
  readonly vectorCount: number;
  readonly results: readonly CaseResult[];
  /** Vector files that could not be read; each counts as a failure. */
  readonly problems: readonly VectorProblem[];
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
}

/** Options of runConformance. */
export interface RunConformanceOptions {
  readonly adapters: readonly WeightingAdapter[];
  /** Folders of vector JSON files; defaults to the vectors shipped with this package. */
  readonly vectorDirectories?: readonly string[];
  /** Vectors already loaded (used instead of folders). */
  readonly vectors?: readonly ConformanceVector[];
  /** Called after each case with the count done and the total. */
  readonly onProgress?: (done: number, total: number, result: CaseResult) => void;
}

/**
 * Vectors handed over as objects get the same check as files (a non-finite expected value or tolerance
 * could never fail); each malformed one becomes a problem instead of a case.
 */
function checkGivenVectors(given: readonly ConformanceVector[]): {
  vectors: ConformanceVector[];
  problems: VectorProblem[];
} {
  const vectors: ConformanceVector[] = [];
  const problems: VectorProblem[] = [];
  given.forEach((vector, index) => {
    // A loaded vector carries the file it came from; the check reads the document without it.
    const { file, ...document } = vector as ConformanceVector & { file?: string };
    try {
      vectors.push(parseConformanceVector(document, file ?? `vectors[${index}]`));
    } catch (error) {
      if (!(error instanceof Error)) throw error;
      problems.push({ file: `vectors[${index}]`, message: error.message });
    }
  });
  return { vectors, problems };
}

/**
 * Runs every vector on every adapter (independent of any test framework, so the CLI can call it).
 * Malformed vector files are reported as problems and make the run fail.
 */
export async function runConformance(options: RunConformanceOptions): Promise<ConformanceReport> {
  options.adapters.forEach((adapter, index) => {
    checkWeightingAdapter(adapter, `adapters[${index}]`);
  });
  let vectors: readonly ConformanceVector[];
  let problems: readonly VectorProblem[] = [];
  if (options.vectors) ({ vectors, problems } = checkGivenVectors(options.vectors));
  else ({ vectors, problems } = await loadVectors(options.vectorDirectories ?? [defaultVectorDirectory()]));
  const total = vectors.length * options.adapters.length;
  const results: CaseResult[] = [];
  for (const adapter of options.adapters)
    for (const vector of vectors) {
      const result = await runVectorOnAdapter(vector, adapter);
      results.push(result);
      options.onProgress?.(results.length, total, result);
    }
  const count = (status: CaseResult['status']) => results.filter((result) => result.status === status).length;
  return {
    adapters: options.adapters.map((adapter) => adapter.id),
    vectorCount: vectors.length,
    results,
    problems,
    passed: count('pass'),
    failed: count('fail') + problems.length,
    skipped: count('skip'),
  };
}
