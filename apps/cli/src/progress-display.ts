import type { TrainingProgress } from '@weightspec/core';
import type { CliIo } from './cli-io.ts';
import { formatNumber } from './text-table.ts';

/** A progress display on stderr: redrawn in place on a terminal, one line per update otherwise. */
export interface ProgressDisplay {
  /** Shows `done` of `total` with an optional note (e.g. the epoch's loss). */
  update(done: number, total: number, note?: string): void;
  /** Ends the display (a newline on a terminal). */
  finish(): void;
}

/**
 * Creates a progress display. On a terminal it draws `label [#####-----] 3/10 note` with carriage
 * returns; piped, it writes a plain line per update when `lineEveryUpdate`, else nothing, so piped
 * output stays clean.
 */
export function createProgressDisplay(io: CliIo, label: string, lineEveryUpdate: boolean): ProgressDisplay {
  let drawn = false;
  return {
    update(done, total, note = '') {
      if (!io.stderrIsTerminal) {
        if (lineEveryUpdate) io.stderr.write(`${label} ${done}/${total}${note ? ` ${note}` : ''}\n`);
        return;
      }
      const width = Math.max(10, Math.min(30, io.terminalColumns - label.length - note.length - 20));
      const filled = total === 0 ? width : Math.round((done / total) * width);
      io.stderr.write(
        `\r${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total} ${note}\u001b[K`,
      );
      drawn = true;
    },
    finish() {
      if (drawn) io.stderr.write('\n');
      drawn = false;
    },
  };
}

/** Adapts a progress display to a trainer's per-epoch `onProgress`, showing the epoch's loss. */
export function epochProgressHandler(display: ProgressDisplay): (progress: TrainingProgress) => void {
  return (progress) =>
    display.update(progress.epoch + 1, progress.totalEpochs, `epoch loss ${formatNumber(progress.loss, 5)}`);
}
