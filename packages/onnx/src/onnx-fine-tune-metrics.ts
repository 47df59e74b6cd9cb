import type { FineTuneBatch } from './onnx-fine-tuner-types.ts';

/**
 * Accuracy of softmax outputs per element: for each sample's channels-first output [C, E] (E = 1 for
 * [N, C] outputs), the argmax over C at each element against that element's label; elements whose
 * label is `maskValue` are skipped. Null when no element counts.
 */
export function elementAccuracy(
  predictions: readonly (readonly number[])[],
  targets: FineTuneBatch['targets'],
  layout: { readonly width: number; readonly rowsPerSample: number },
  maskValue: number | null,
): number | null {
  const { width: classes, rowsPerSample: elements } = layout;
  let correct = 0;
  let counted = 0;
  predictions.forEach((row, index) => {
    const target = targets[index] as number | readonly number[];
    const labels = typeof target === 'number' ? [target] : target;
    for (let element = 0; element < elements; element += 1) {
      if (maskValue !== null && labels[element] === maskValue) continue;
      let best = 0;
      for (let label = 1; label < classes; label += 1)
        if ((row[label * elements + element] as number) > (row[best * elements + element] as number)) best = label;
      counted += 1;
      if (best === labels[element]) correct += 1;
    }
  });
  return counted === 0 ? null : correct / counted;
}
