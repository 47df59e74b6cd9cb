import { describe, expect, it } from 'vitest';
import type { CliIo } from './cli-io.ts';
import { createProgressDisplay, epochProgressHandler } from './progress-display.ts';

function capture(stderrIsTerminal: boolean): { io: CliIo; written: string[] } {
  const written: string[] = [];
  const sink = { write: (text: string) => written.push(text) };
  return { io: { stdout: sink, stderr: sink, stderrIsTerminal, terminalColumns: 80 }, written };
}

describe('createProgressDisplay', () => {
  it('redraws one bar in place on a terminal and ends it with a newline', () => {
    const { io, written } = capture(true);
    const display = createProgressDisplay(io, 'mljs', true);
    display.update(1, 4, 'loss 0.5');
    display.update(4, 4, 'loss 0.25');
    display.finish();
    // 30-column bar (80 columns leave room for the widest bar): 1/4 -> round(7.5) = 8 filled, 4/4 -> 30.
    expect(written).toEqual([
      `\rmljs [${'#'.repeat(8)}${'-'.repeat(22)}] 1/4 loss 0.5\u001b[K`,
      `\rmljs [${'#'.repeat(30)}] 4/4 loss 0.25\u001b[K`,
      '\n',
    ]);
  });

  it('writes one plain line per update when piped, or nothing when asked for silence', () => {
    const piped = capture(false);
    const display = createProgressDisplay(piped.io, 'tfjs', true);
    epochProgressHandler(display)({
      epoch: 0,
      totalEpochs: 2,
      loss: 0.123456,
      admittedSamples: 10,
      effectiveWeight: 10,
    });
    display.finish();
    expect(piped.written).toEqual(['tfjs 1/2 epoch loss 0.12346\n']);
    const quiet = capture(false);
    createProgressDisplay(quiet.io, 'conformance', false).update(3, 9);
    expect(quiet.written).toEqual([]);
  });
});
