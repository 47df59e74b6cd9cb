/** A ready-to-paste example that trains with the edited spec through one adapter. */
export interface CodeSnippet {
  readonly id: 'tfjs' | 'onnx' | 'onnx-web' | 'mljs' | 'cli';
  readonly title: string;
  readonly language: 'ts' | 'sh';
  readonly code: string;
}

/** What the snippets fill in besides the spec. */
export interface SnippetContext {
  readonly inputSize: number;
  readonly numClasses: number;
  readonly epochs: number;
  readonly batchSize: number;
  /** What the CLI's --data reads: `builtin:seattle-weather` or the user's file name. */
  readonly dataSource: string;
  readonly labelColumn: string;
}

/** The spec as a TypeScript constant: its JSON, indented to sit inside the snippet. */
function specConstant(specDocument: unknown): string {
  return `const spec = ${JSON.stringify(specDocument, null, 2)};`;
}

/** A POSIX shell single-quoted word: safe for any text, quotes included. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * One snippet per adapter (TensorFlow.js fitWeighted, ONNX Runtime for Node and for the web, ml.js, the
 * CLI), each holding the spec document so it runs as pasted once `x`/`X` and `y` are the user's data.
 */
export function codeSnippets(specDocument: unknown, context: SnippetContext): CodeSnippet[] {
  const spec = specConstant(specDocument);
  const { inputSize, numClasses, epochs, batchSize, dataSource, labelColumn } = context;
  const specJson = JSON.stringify(specDocument);
  const shellQuoted = shellQuote(specJson);
  return [
    {
      id: 'tfjs',
      title: 'TensorFlow.js (@weightspec/tfjs)',
      language: 'ts',
      code: `import * as tf from '@tensorflow/tfjs';
import { fitWeighted } from '@weightspec/tfjs';

${spec}
// x: tf.Tensor2D [N, ${inputSize}]; y: class indices [N] as a float tensor; the model outputs ${numClasses} logits.
const history = await fitWeighted(tf, model, x, y, { spec, epochs: ${epochs}, batchSize: ${batchSize}, seed: 1 });
`,
    },
    {
      id: 'onnx',
      title: 'ONNX Runtime, Node (@weightspec/onnx)',
      language: 'ts',
      code: `import { createOnnxTrainer } from '@weightspec/onnx';

${spec}
const trainer = await createOnnxTrainer({ inputSize: ${inputSize}, numClasses: ${numClasses}, hiddenUnits: [16], spec });
await trainer.fit(X, y, { epochs: ${epochs}, batchSize: ${batchSize} });
const modelBytes = trainer.exportInferenceModel(); // a standard .onnx file
`,
    },
    {
      id: 'onnx-web',
      title: 'ONNX Runtime Web, in a browser (@weightspec/onnx + onnxruntime-web)',
      language: 'ts',
      code: `import * as ort from 'onnxruntime-web/wasm';
import { createOnnxTrainer } from '@weightspec/onnx';

${spec}
ort.env.wasm.numThreads = 1;
const trainer = await createOnnxTrainer({ ort, inputSize: ${inputSize}, numClasses: ${numClasses}, hiddenUnits: [16], spec });
await trainer.fit(X, y, { epochs: ${epochs}, batchSize: ${batchSize} });
`,
    },
    {
      id: 'mljs',
      title: 'ml.js logistic regression (@weightspec/mljs)',
      language: 'ts',
      code: `import { trainWeightedLogisticRegression } from '@weightspec/mljs';

${spec}
const model = trainWeightedLogisticRegression(X, y, { numSteps: 2000, learningRate: 1e-3, intercept: true, spec });
model.predict(X);
`,
    },
    {
      id: 'cli',
      title: 'Command line (@weightspec/cli)',
      language: 'sh',
      code: `echo ${shellQuoted} > weighting-spec.json
weightspec validate weighting-spec.json
weightspec train --adapter onnx --data ${shellQuote(dataSource)} --label ${shellQuote(labelColumn)} --spec weighting-spec.json --epochs ${epochs}
`,
    },
  ];
}
