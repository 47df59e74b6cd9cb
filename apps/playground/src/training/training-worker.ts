/// <reference lib="webworker" />
import * as ort from 'onnxruntime-web/wasm';
import ortWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';
import type { OnnxRuntimeModule } from '@weightspec/onnx';
import { runOnnxTraining } from './onnx-training-run.ts';
import { runTfjsTraining } from './tfjs-training-run.ts';
import type { TrainingEvent, TrainingRequest } from './training-messages.ts';

// One worker trains one run, so the page stays responsive and Stop can end it at once (terminate).
const scope = self as unknown as DedicatedWorkerGlobalScope;
const report = (event: TrainingEvent) => scope.postMessage(event);

scope.onmessage = async (message: MessageEvent<TrainingRequest>) => {
  const request = message.data;
  try {
    if (request.engine === 'tfjs') await runTfjsTraining(request, report);
    else {
      // Served by Vite from the page's origin; one thread, since the page is not cross-origin isolated.
      ort.env.wasm.wasmPaths = { wasm: ortWasmUrl };
      ort.env.wasm.numThreads = 1;
      await runOnnxTraining(
        request,
        ort as unknown as OnnxRuntimeModule,
        `onnxruntime-web ${ort.env.versions.web ?? ''} (wasm)`.replace('  ', ' '),
        report,
      );
    }
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    report({
      type: 'failed',
      code: typeof code === 'string' ? code : 'ERROR',
      message: (error as Error).message ?? String(error),
    });
  }
};
