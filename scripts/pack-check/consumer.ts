// An outside project's program using every published package as its README shows. scripts/pack-check.mjs
// installs the packed tarballs, type-checks this file with `strict` and `skipLibCheck: false` once as
// an ES module project and once as a CommonJS one (`import` compiles to `require` there), runs it, and
// expects the line "consumer ok" last. Each check throws with what it expected and what it got.
import * as tf from '@tensorflow/tfjs';
import { runCli } from '@weightspec/cli';
import { runConformance } from '@weightspec/conformance';
import { classificationReport, loadSeattleWeather } from '@weightspec/conformance/datasets';
import {
  countClasses,
  createReferenceAdapter,
  hasErrorCode,
  parseWeightingSpec,
  resolveWeighting,
} from '@weightspec/core';
import {
  WeightedLogisticRegression,
  createMljsWeightingAdapter,
  trainWeightedLogisticRegression,
} from '@weightspec/mljs';
import { createOnnxTrainer, createOnnxWeightingAdapter } from '@weightspec/onnx';
import { createTfjsWeightingAdapter, fitWeighted, useTfjsBackend } from '@weightspec/tfjs';
import LogisticRegression from 'ml-logistic-regression';

function check(condition: boolean, what: string, got: unknown): void {
  if (!condition) throw new Error(`${what}; got ${JSON.stringify(got)}`);
}

async function checkCore(): Promise<void> {
  const spec = parseWeightingSpec({
    specVersion: 1,
    loss: { kind: 'softmax_cross_entropy' },
    class: { strategy: 'balanced' },
  });
  const resolved = resolveWeighting(spec, { stats: countClasses([0, 0, 0, 1, 2, 2], 3) });
  // balanced: n / (k n_c) = 6 / (3 * [3, 1, 2]) = [2/3, 2, 1], worked by hand.
  const expected = [2 / 3, 2, 1];
  const weights = resolved.classWeights ?? [];
  check(
    expected.every((value, index) => Math.abs((weights[index] ?? Number.NaN) - value) < 1e-12),
    'core: balanced class weights [2/3, 2, 1]',
    weights,
  );
}

async function checkMljs(): Promise<void> {
  // The mljs README example, with the consumer's own import of the untyped ml-logistic-regression.
  const X = [
    [0.5, 1.2],
    [1.5, -0.4],
    [-1.1, 0.3],
    [0.2, -1.3],
    [1.8, 0.6],
    [-0.7, -0.9],
  ];
  const y = [0, 1, 2, 1, 0, 2];
  const model = trainWeightedLogisticRegression(X, y, {
    numSteps: 200,
    learningRate: 1e-3,
    intercept: true,
    spec: { specVersion: 1, loss: { kind: 'softmax_cross_entropy' }, class: { strategy: 'balanced' } },
    sampleWeights: [1, 1, 2, 1, 1, 0.5],
  });
  check(model instanceof LogisticRegression, 'mljs: a genuine LogisticRegression', typeof model);
  const predictions: number[] = model.predict(X);
  check(predictions.length === X.length, 'mljs: one prediction per row', predictions);
  const restored = WeightedLogisticRegression.load(JSON.parse(JSON.stringify(model)));
  check(
    JSON.stringify(restored.predict(X)) === JSON.stringify(predictions),
    'mljs: a reloaded model predicts the same',
    restored.predict(X),
  );
}

async function checkTfjs(): Promise<void> {
  await useTfjsBackend(tf, 'cpu');
  const model = tf.sequential({
    layers: [tf.layers.dense({ units: 4, activation: 'relu', inputShape: [2] }), tf.layers.dense({ units: 2 })],
  });
  const x = tf.tensor2d([
    [0.1, 0.2],
    [0.5, 0.1],
    [0.9, 0.8],
    [0.3, 0.3],
  ]);
  const labels = tf.tensor1d([0, 1, 1, 0]);
  const history = await fitWeighted(tf, model, x, labels, {
    spec: { specVersion: 1, loss: { kind: 'softmax_cross_entropy' }, class: { strategy: 'balanced' } },
    sampleWeights: [1, 2, 1, 0.5],
    epochs: 2,
    batchSize: 2,
  });
  check(JSON.stringify(history).length > 2, 'tfjs: fitWeighted returns a history', history);
  tf.dispose([x, labels]);
}

async function checkOnnx(): Promise<void> {
  const trainer = await createOnnxTrainer({
    inputSize: 2,
    numClasses: 2,
    hiddenUnits: [],
    learningRate: 0.05,
    seed: 1,
    spec: { specVersion: 1, loss: { kind: 'softmax_cross_entropy' }, class: { strategy: 'balanced' } },
  });
  await trainer.fit(
    [
      [0, 1],
      [1, 0],
      [1, 1],
    ],
    [0, 1, 1],
    { epochs: 2, batchSize: 3 },
  );
  const bytes = trainer.exportInferenceModel();
  check(bytes.length > 0, 'onnx: an inference model is exported', bytes.length);
  await trainer.release();
}

async function checkConformance(): Promise<void> {
  // The shipped vectors (found beside the installed package), every adapter of the tarballs.
  const adapters = [
    createReferenceAdapter(),
    createMljsWeightingAdapter(),
    await createOnnxWeightingAdapter(),
    await createTfjsWeightingAdapter({ backend: 'cpu' }),
  ];
  const report = await runConformance({ adapters });
  check(report.vectorCount > 0 && report.failed === 0, 'conformance: shipped vectors all pass', {
    vectors: report.vectorCount,
    passed: report.passed,
    failed: report.failed,
    problems: report.problems,
  });
}

async function checkDatasets(): Promise<void> {
  // vega-datasets is an optional peer, not installed here: loading says which package to install.
  const error = await loadSeattleWeather().then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  check(
    hasErrorCode(error, 'WS_MISSING_PEER') && String((error as Error).message).includes('npm install vega-datasets'),
    'datasets: without vega-datasets, WS_MISSING_PEER naming it',
    String(error),
  );
  const report = classificationReport([0, 1, 1], [0, 1, 0], 2);
  check(report.perClass.length === 2, 'datasets: classificationReport runs without vega-datasets', report);
}

async function checkCli(): Promise<void> {
  let output = '';
  const io = {
    stdout: { write: (text: string) => (output += text) },
    stderr: { write: (text: string) => (output += text) },
    stderrIsTerminal: false,
    terminalColumns: 80,
  };
  const status = await runCli(['--version'], io);
  check(status === 0 && /^\d+\.\d+\.\d+/.test(output), 'cli: runCli --version', { status, output });
}

async function main(): Promise<void> {
  const format = typeof require === 'function' ? 'commonjs' : 'module';
  if (format === 'commonjs')
    check(
      require.resolve('@weightspec/core').endsWith('.cjs'),
      'commonjs: require resolves the CommonJS twin',
      require.resolve('@weightspec/core'),
    );
  for (const [name, run] of [
    ['core', checkCore],
    ['mljs', checkMljs],
    ['tfjs', checkTfjs],
    ['onnx', checkOnnx],
    ['conformance', checkConformance],
    ['datasets', checkDatasets],
    ['cli', checkCli],
  ] as const) {
    await run();
    process.stdout.write(`${format}: ${name} ok\n`);
  }
  process.stdout.write('consumer ok\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
