import { createSeededRandom } from '@weightspec/core';
import { describe, expect, it } from 'vitest';
import { ONNX_RANKING_CHUNK_ROWS } from './onnx-chunked-rows.ts';
import { loadOnnxRuntime } from './onnx-runtime-loader.ts';
import { createOnnxTrainer } from './onnx-trainer.ts';

const ort = await loadOnnxRuntime();
const inputs = 2;
const classes = 3;

/** Float64 softmax cross-entropy of a linear model (kernel [inputs, classes] row-major, then bias) per row. */
function referenceLosses(theta: Float32Array, values: Float32Array, labels: Int32Array): number[] {
  return Array.from(labels, (label, row) => {
    const logits = Array.from({ length: classes }, (_, output) => {
      let sum = theta[inputs * classes + output] as number;
      for (let input = 0; input < inputs; input += 1)
        sum += (values[row * inputs + input] as number) * (theta[input * classes + output] as number);
      return sum;
    });
    const largest = Math.max(...logits);
    const logSum = largest + Math.log(logits.reduce((sum, logit) => sum + Math.exp(logit - largest), 0));
    return logSum - (logits[label] as number);
  });
}

describe('createOnnxTrainer ranking every row by loss (curriculum difficulty: loss)', () => {
  it('admits in epoch 0 the easiest half by the float64 loss of the initial parameters, over several chunks', async () => {
    // More rows than one ranking chunk, with a short last chunk: the ranking pass runs in pieces.
    const rows = ONNX_RANKING_CHUNK_ROWS * 2 + 123;
    const random = createSeededRandom(8);
    const values = Float32Array.from({ length: rows * inputs }, () => random() * 6 - 3);
    const labels = Int32Array.from({ length: rows }, () => Math.floor(random() * classes));
    const trainer = await createOnnxTrainer({
      ort,
      inputSize: inputs,
      numClasses: classes,
      hiddenUnits: [],
      seed: 2,
      spec: {
        specVersion: 1,
        loss: { kind: 'softmax_cross_entropy' },
        curriculum: { difficulty: 'loss', pacing: { kind: 'linear', start: 0.5 } },
      },
    });
    const losses = referenceLosses(trainer.parameters(), values, labels);
    // SPEC "curriculum" select: rank by loss ascending (ties: lower index), the first ceil(0.5 M) train.
    const ranked = Array.from({ length: rows }, (_, row) => row).sort(
      (left, right) => (losses[left] as number) - (losses[right] as number) || left - right,
    );
    const admittedCount = Math.ceil(0.5 * rows);
    const gap =
      (losses[ranked[admittedCount] as number] as number) - (losses[ranked[admittedCount - 1] as number] as number);
    // float32 rounding (about 1e-7 relative) cannot move a row across a cut this wide.
    expect(gap).toBeGreaterThan(1e-6);
    const admitted: number[] = [];
    await trainer.fit({ values, rows, columns: inputs }, labels, {
      epochs: 1,
      batchSize: rows,
      onBatchBegin: (batch) => admitted.push(...batch.indices),
    });
    await trainer.release();
    expect(admitted.sort((left, right) => left - right)).toEqual(
      ranked.slice(0, admittedCount).sort((left, right) => left - right),
    );
  });
});
