// An adapter module for the fault tests: its model is one large file (MODEL_BYTES bytes, every byte
// equal to seed % 256) written in 1 MiB pieces with a pause between them, so a test can interrupt the
// CLI while the model is being written and then tell a complete model of either run from a truncated one.
import { mkdir, open } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const MODEL_BYTES = 32 * 2 ** 20;

export function createClassifierTrainer() {
  return {
    id: 'large-model',
    async train(request) {
      process.stderr.write('large-model: training\n');
      return {
        async predict(rows) {
          return rows.map(() => 0);
        },
        async save(directory) {
          await mkdir(directory, { recursive: true });
          const file = join(directory, 'model.bin');
          process.stderr.write('large-model: saving\n');
          const handle = await open(file, 'w');
          const piece = Buffer.alloc(2 ** 20, request.seed % 256);
          for (let written = 0; written < MODEL_BYTES; written += piece.length) {
            await handle.write(piece);
            await sleep(20);
          }
          await handle.close();
          return [file];
        },
      };
    },
  };
}
