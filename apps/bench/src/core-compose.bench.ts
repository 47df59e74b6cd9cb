import { composeSampleWeights } from '@weightspec/core';
import { compareSides, nodeSide } from './bench-harness.ts';
import type { ComparisonRow } from './bench-harness.ts';
import type { BenchmarkSide, SideRegistry } from './benchmark-sides.ts';

const count = 1_000_000;
const classCount = 5;

/** The same inputs for both sides: labels, class, sample and curriculum weights for `count` samples. */
function composeInputs() {
  const labels = new Int32Array(count);
  const sampleWeights = new Float64Array(count);
  const curriculumWeights = new Float64Array(count);
  for (let index = 0; index < count; index += 1) {
    labels[index] = index % classCount;
    sampleWeights[index] = 0.5 + (index % 7) / 7;
    curriculumWeights[index] = index % 3 === 0 ? 0 : 1;
  }
  return { labels, sampleWeights, curriculumWeights, classWeights: Float64Array.of(1, 2, 0.5, 4, 1.5) };
}

// The baseline is the loop a user would write: a function over typed arrays it is given.
function handWrittenLoop(
  labelArray: Int32Array,
  classArray: Float64Array,
  sampleArray: Float64Array,
  curriculumArray: Float64Array,
  into: Float64Array,
): void {
  for (let index = 0; index < labelArray.length; index += 1)
    into[index] =
      0.8 *
      (classArray[labelArray[index] as number] as number) *
      (sampleArray[index] as number) *
      (curriculumArray[index] as number);
}

/** The two sides: composeSampleWeights (checked against the hand loop once at setup) and the hand loop. */
export const coreComposeSides: SideRegistry = {
  async composed(): Promise<BenchmarkSide> {
    const { labels, sampleWeights, curriculumWeights, classWeights } = composeInputs();
    const output = new Float64Array(count);
    const handOutput = new Float64Array(count);
    const run = () =>
      composeSampleWeights({ labels, classWeights, sampleWeights, sampleWeightScale: 0.8, curriculumWeights, output });
    run();
    handWrittenLoop(labels, classWeights, sampleWeights, curriculumWeights, handOutput);
    for (let index = 0; index < count; index += 997)
      if (Math.abs((output[index] as number) - (handOutput[index] as number)) > 1e-12)
        throw new Error(`composeSampleWeights disagrees with the hand loop at ${index}`);
    return { run };
  },
  async handWritten(): Promise<BenchmarkSide> {
    const { labels, sampleWeights, curriculumWeights, classWeights } = composeInputs();
    const output = new Float64Array(count);
    return { run: () => handWrittenLoop(labels, classWeights, sampleWeights, curriculumWeights, output) };
  },
};

/**
 * Issue 2's target: composing class x sample x curriculum weights for 1e6 samples within 1.5x of a
 * hand-written Float64Array loop doing the same multiplies.
 */
export async function runCoreComposeBenchmark(rounds: number): Promise<ComparisonRow[]> {
  return [
    await compareSides({
      name: 'core: compose 1e6 sample weights (class x sample x curriculum)',
      candidate: nodeSide('composeSampleWeights', 'core', 'composed', 30, 5),
      baseline: nodeSide('hand-written Float64Array loop', 'core', 'handWritten', 30, 5),
      rounds,
      goal: 1.5,
      notes: `N = ${count}, C = ${classCount}; 30 repetitions after 5 warm-ups per round`,
    }),
  ];
}
