import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { InvalidInputError } from '@weightspec/core';

/**
 * Decodes every cell in a worker. apache-arrow trusts the lengths in a file's metadata: a damaged
 * 650-byte file can make tableFromIPC allocate until V8 aborts the whole process (a fatal error no
 * try/catch sees). The worker has a heap limit, so a damaged file kills only the worker.
 */
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
import(workerData.arrowUrl).then((arrow) => {
  try {
    const table = arrow.tableFromIPC(workerData.bytes);
    if (!Number.isSafeInteger(table.numRows) || table.numRows > workerData.bytes.length * 8)
      throw new Error('it claims ' + table.numRows + ' rows in ' + workerData.bytes.length + ' bytes');
    for (const field of table.schema.fields) {
      const column = table.getChild(field.name);
      for (let row = 0; row < table.numRows; row += 1) column?.get(row);
    }
    parentPort.postMessage({ ok: true });
  } catch (error) {
    parentPort.postMessage({ ok: false, message: String(error && error.message ? error.message : error) });
  }
}, (error) => parentPort.postMessage({ ok: false, message: 'cannot load apache-arrow: ' + error.message }));
`;

/**
 * Resolves when `bytes` decode as an Arrow IPC file within a bounded heap (128 MB or 8 x the file,
 * whichever is larger) and time (10 s plus 1 s per MB); otherwise an InvalidInputError naming `path`.
 */
export function assertArrowDecodes(path: string, bytes: Uint8Array): Promise<void> {
  const arrowUrl = pathToFileURL(createRequire(import.meta.url).resolve('apache-arrow')).href;
  const megabytes = bytes.length / 2 ** 20;
  const worker = new Worker(workerSource, {
    eval: true,
    workerData: { arrowUrl, bytes },
    resourceLimits: { maxOldGenerationSizeMb: Math.max(128, Math.ceil(8 * megabytes)) },
    stdout: true,
    stderr: true,
  });
  return new Promise((resolve, reject) => {
    const fail = (message: string) => reject(new InvalidInputError(path, `damaged Arrow file: ${message}`));
    const timer = setTimeout(
      () => {
        fail('decoding it did not finish in time');
        void worker.terminate();
      },
      10_000 + 1000 * megabytes,
    );
    worker.once('message', (result: { ok: boolean; message?: string }) => {
      clearTimeout(timer);
      void worker.terminate();
      if (result.ok) resolve();
      else fail(result.message ?? 'it cannot be decoded');
    });
    worker.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      fail(
        error.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? 'decoding it needs more memory than the file can justify'
          : error.message,
      );
    });
  });
}
