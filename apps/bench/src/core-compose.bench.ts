import { composeSampleWeights } from '@weightspec/core';
import { interleavedMedians } from './benchmark-report.ts';
import type { BenchmarkComparison } from './benchmark-report.ts';

/**
 * Issue 2's target: composing class x sample x curriculum weights for 1e6 samples within 1.5x of a
 * hand-written Float64Array loop doing the same multiplies.
 */
export async function runCoreComposeBenchmark(): Promise<BenchmarkComparison[]> {
  const count = 1_000_000;
  const classCount = 5;
  const labels = new Int32Array(count);
  const sampleWeights = new Float64Array(count);
  const curriculumWeights = new Float64Array(count);
  for (let index = 0; index < count; index += 1) {
    labels[index] = index % classCount;
    sampleWeights[index] = 0.5 + (index % 7) / 7;
    curriculumWeights[index] = index % 3 === 0 ? 0 : 1;
  }
  const classWeights = Float64Array.of(1, 2, 0.5, 4, 1.5);
  const output = new Float64Array(count);
  const handOutput = new Float64Array(count);
  // The baseline is the loop a user would write: a function over typed arrays it is given.
  const handWrittenLoop = (
    labelArray: Int32Array,
    classArray: Float64Array,
    sampleArray: Float64Array,
    curriculumArray: Float64Array,
    into: Float64Array,
  ) => {
    for (let index = 0; index < labelArray.length; index += 1)
      into[index] =
        0.8 *
        (classArray[labelArray[index] as number] as number) *
        (sampleArray[index] as number) *
        (curriculumArray[index] as number);
  };
  const handWritten = () => handWrittenLoop(labels, classWeights, sampleWeights, curriculumWeights, handOutput);
  const composed = () =>
    composeSampleWeights({ labels, classWeights, sampleWeights, sampleWeightScale: 0.8, curriculumWeights, output });
  const medians = await interleavedMedians(composed, handWritten, 30, 5);
  for (let index = 0; index < count; index += 997)
    if (Math.abs((output[index] as number) - (handOutput[index] as number)) > 1e-12)
      throw new Error(`composeSampleWeights disagrees with the hand loop at ${index}`);
  const ratio = medians.candidate / medians.baseline;
  return [
    {
      name: 'core: compose 1e6 sample weights (class x sample x curriculum)',
      candidate: { label: 'composeSampleWeights', medianMilliseconds: medians.candidate },
      baseline: { label: 'hand-written Float64Array loop', medianMilliseconds: medians.baseline },
      ratio,
      goal: '<= 1.5',
      met: ratio <= 1.5,
      notes: `N = ${count}, C = ${classCount}, 30 interleaved repetitions after 5 warm-ups, median`,
    },
  ];
}
