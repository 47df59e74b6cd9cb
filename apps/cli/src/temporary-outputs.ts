import { rmSync } from 'node:fs';

/**
 * Temporary files and folders an output is being written to. While any exists, SIGINT and SIGTERM
 * remove them before the process exits, so an interrupted `--out` leaves no `.partial` or staging
 * file behind (the previous output, if any, was never touched). The handlers are installed only while
 * something is tracked: a Ctrl-C during training keeps Node's default behaviour (exit at once).
 */
const tracked = new Set<string>();

const exitCodes: Readonly<Record<string, number>> = { SIGINT: 130, SIGTERM: 143 };

function onSignal(signal: NodeJS.Signals): void {
  removeTrackedOutputs();
  process.stderr.write(`\ninterrupted (${signal}): the unfinished output was removed; any previous output is intact\n`);
  process.exit(exitCodes[signal] ?? 1);
}

/** Removes every tracked temporary path now (synchronously: this runs in a signal handler). */
export function removeTrackedOutputs(): void {
  for (const path of tracked) rmSync(path, { recursive: true, force: true });
  tracked.clear();
}

/** Where a worker thread sends its tracked paths (signals reach only the main thread); null in the main thread. */
let relay: ((message: { kind: 'track' | 'untrack'; path: string }) => void) | null = null;

/**
 * Makes this thread (a worker running the CLI) hand every tracked path to `send` as well, for the main
 * thread to remove on SIGINT/SIGTERM, instead of installing signal handlers that would never run here.
 */
export function relayTemporaryOutputs(send: (message: { kind: 'track' | 'untrack'; path: string }) => void): void {
  relay = send;
}

/** Tracks a temporary path for removal on SIGINT/SIGTERM until {@link untrackTemporaryOutput}. */
export function trackTemporaryOutput(path: string): void {
  if (relay) relay({ kind: 'track', path });
  else if (tracked.size === 0) for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, onSignal);
  tracked.add(path);
}

/** Stops tracking a path (it was renamed into place or removed). */
export function untrackTemporaryOutput(path: string): void {
  tracked.delete(path);
  if (relay) relay({ kind: 'untrack', path });
  else if (tracked.size === 0) for (const signal of ['SIGINT', 'SIGTERM'] as const) process.off(signal, onSignal);
}
