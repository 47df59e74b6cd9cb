/// <reference lib="webworker" />
import type { OnnxRuntimeModule } from '@weightspec/onnx';
import type { TrainingEvent, TrainingRequest } from './training-messages.ts';

// One worker trains one run, so the page stays responsive and Stop can end it at once (terminate).
// Each engine is imported on demand: a tfjs run never loads ONNX Runtime Web, nor the reverse.
const scope = self as unknown as DedicatedWorkerGlobalScope;
const report = (event: TrainingEvent) => scope.postMessage(event);

async function runOnnx(request: TrainingRequest): Promise<void> {
  const [ort, { default: ortWasmUrl }, { runOnnxTraining }] = await Promise.all([
    import('onnxruntime-web/wasm'),
    import('onnxruntime-web/ort-wasm-simd-threaded.wasm?url'),
    import('./onnx-training-run.ts'),
  ]);
  // Served by Vite from the page's origin; one thread, since the page is not cross-origin isolated.
  ort.env.wasm.wasmPaths = { wasm: ortWasmUrl };
  ort.env.wasm.numThreads = 1;
  const runtime = `onnxruntime-web ${ort.env.versions.web ?? ''} (wasm)`;
  await runOnnxTraining(request, ort as unknown as OnnxRuntimeModule, runtime, report);
}

scope.onmessage = async (message: MessageEvent<TrainingRequest>) => {
  const request = message.data;
  try {
    if (request.engine === 'tfjs') await (await import('./tfjs-training-run.ts')).runTfjsTraining(request, report);
    else await runOnnx(request);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    report({
      type: 'failed',
      code: typeof code === 'string' ? code : 'ERROR',
      message: (error as Error).message ?? String(error),
    });
  }
};
