import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WeightingAdapter } from '@weightspec/core';
import { defaultVectorDirectory, loadVectorsSync } from '../vector/load-vectors.ts';
import { InvalidInputError, WeightspecError } from '@weightspec/core';
import { checkWeightingAdapter, runVectorOnAdapter } from '../runner/run-vector.ts';

/** Options of describeConformance. */
export interface DescribeConformanceOptions {
  /** Title of the describe block; defaults to "conformance: <adapter id>". */
  readonly name?: string;
  /** Vector folders; defaults to the vectors shipped with @weightspec/conformance. */
  readonly vectorDirectories?: readonly string[];
}

/**
 * Registers the conformance suite for one adapter in vitest: one test per vector. A case that uses a
 * feature the adapter declares unsupported is skipped (vitest reports it as skipped, with the reason
 * in the test output); everything else must match within tolerance. Call it from the adapter's own
 * test file, so heavy frameworks stay in the adapter's package.
 */
export function describeConformance(
  createAdapter: () => WeightingAdapter | Promise<WeightingAdapter>,
  options: DescribeConformanceOptions = {},
): void {
  const { vectors, problems } = loadVectorsSync(options.vectorDirectories ?? [defaultVectorDirectory()]);
  let adapter: WeightingAdapter | undefined;
  describe(options.name ?? 'conformance', () => {
    beforeAll(async () => {
      let created: unknown;
      try {
        created = await createAdapter();
      } catch (error) {
        if (WeightspecError.isInstance(error)) throw error;
        throw new InvalidInputError(
          'createAdapter',
          `the adapter factory threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
          { cause: error },
        );
      }
      adapter = checkWeightingAdapter(created, 'createAdapter()');
    });
    afterAll(async () => {
      await adapter?.dispose?.();
    });
    it('reads every vector file', () => {
      expect(problems).toEqual([]);
      expect(vectors.length).toBeGreaterThan(0);
    });
    for (const vector of vectors) {
      it(vector.id, async (context) => {
        if (!adapter) throw new Error('the adapter was not created');
        const result = await runVectorOnAdapter(vector, adapter);
        if (result.status === 'skip') {
          context.skip(`${adapter.id} declares unsupported: ${result.reason ?? ''}`);
          return;
        }
        expect(result.reason, `${vector.id} on ${adapter.id}`).toBeUndefined();
        expect(result.status).toBe('pass');
      });
    }
  });
}
