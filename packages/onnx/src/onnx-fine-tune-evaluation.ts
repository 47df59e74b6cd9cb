import { runtimeCall } from './onnx-fine-tune-checks.ts';
import type { GraphSession } from './onnx-fine-tune-sessions.ts';
import type { FineTuneGraph } from './onnx-fine-tune-step.ts';
import type { OnnxRuntimeTensor } from './onnx-fine-tuner-types.ts';

/** Rows per evaluation or prediction run. */
const EVALUATION_ROWS = 256;
/** Smallest normal float32: the weighted-loss graph's floor under a zero denominator. */
const FLOAT32_SMALLEST_NORMAL = 1.1754943508222875e-38;

/** What evaluateInChunks runs: the rows, the graph session per chunk size, and the feeds per chunk. */
export interface ChunkedEvaluation {
  readonly rows: number;
  readonly reduction: string;
  readonly isSoftmax: boolean;
  readonly session: (batchSize: number) => Promise<GraphSession>;
  readonly feeds: (graph: FineTuneGraph, indices: Int32Array, start: number) => Record<string, OnnxRuntimeTensor>;
}

/**
 * Runs an evaluation graph over the rows in chunks of EVALUATION_ROWS and combines them: the loss as
 * sum(loss_k * denominator_k) / sum(denominator_k) (the whole set's SPEC reduction; `sum` adds the
 * chunks) and the summed denominator, the outputs per row, the raw loss per sample (the mean over its unmasked elements, as the
 * tfjs trainer ranks `difficulty: loss`) and per element, and which elements are unmasked (keep 1).
 */
export async function evaluateInChunks(evaluation: ChunkedEvaluation) {
  const { rows, isSoftmax } = evaluation;
  const elementLoss: number[] = [];
  const unmasked: number[] = [];
  let numerator = 0;
  let denominator = 0;
  const predictions: number[][] = [];
  const sampleLoss = new Float32Array(rows);
  for (let start = 0; start < rows; start += EVALUATION_ROWS) {
    const indices = Int32Array.from({ length: Math.min(EVALUATION_ROWS, rows - start) }, (_, offset) => start + offset);
    const { session, graph } = await evaluation.session(indices.length);
    const feeds = evaluation.feeds(graph, indices, start);
    const result = await runtimeCall('could not run the evaluation graph made from this model', () =>
      session.run(feeds),
    );
    const read = (name: string) => (result[name] as OnnxRuntimeTensor).data as Float32Array;
    const values = read('predictions');
    for (let row = 0; row < indices.length; row += 1)
      predictions.push(Array.from(values.subarray(row * graph.outputSize, (row + 1) * graph.outputSize)));
    const chunkDenominator = read('denominator')[0] as number;
    numerator += (read('loss')[0] as number) * Math.max(chunkDenominator, FLOAT32_SMALLEST_NORMAL);
    denominator += chunkDenominator;
    const raw = read('raw_loss');
    const keep = (feeds.keep as OnnxRuntimeTensor).data as Float32Array;
    for (let element = 0; element < raw.length; element += 1) {
      elementLoss.push(raw[element] as number);
      unmasked.push(keep[element] as number);
    }
    const perRow = graph.rowsPerSample * (isSoftmax ? 1 : graph.width);
    for (let row = 0; row < indices.length; row += 1) {
      let sum = 0;
      let kept = 0;
      for (let element = row * perRow; element < (row + 1) * perRow; element += 1)
        if (keep[element]) {
          sum += raw[element] as number;
          kept += 1;
        }
      sampleLoss[start + row] = kept === 0 ? 0 : sum / kept;
    }
  }
  return {
    denominator,
    loss: evaluation.reduction === 'sum' ? numerator : numerator / Math.max(denominator, FLOAT32_SMALLEST_NORMAL),
    predictions,
    sampleLoss,
    elementLoss: Float32Array.from(elementLoss),
    unmasked: Uint8Array.from(unmasked),
  };
}
