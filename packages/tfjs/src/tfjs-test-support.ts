import { loadTfjs, useTfjsBackend } from './tfjs-peer.ts';
import type { Tfjs } from './tfjs-peer.ts';

/** The tfjs namespace on the cpu backend, for tests. */
export async function cpuTfjs(): Promise<Tfjs> {
  const tf = await loadTfjs();
  await useTfjsBackend(tf, 'cpu');
  return tf;
}
