/**
 * A full garbage collection where the runtime exposes one (the training worker: see
 * runCliInWorkerThread), a no-op elsewhere. `train` calls it between reading the data and training:
 * the reader's garbage (record strings promoted to the old generation by the worker's small young
 * generation) is all dead by then, and collecting it keeps it from adding to training's peak.
 */
export function collectGarbageIfExposed(): void {
  (globalThis as { gc?: () => void }).gc?.();
}
