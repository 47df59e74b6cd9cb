import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { summarizeTimes } from './bench-harness.ts';
import type { ComparisonRow, ScaleRow } from './bench-harness.ts';
import { README_END, README_START, formatResultsTable, writeReadmeTable } from './readme-table.ts';
import type { BenchmarkResults } from './readme-table.ts';

const quietLoad = { loadAverageBefore: [0.2, 0.3, 0.4], settleSeconds: 0, otherProcessesCores: 0.05, quiet: true };
const side = (label: string, median: number) => ({
  label,
  minMilliseconds: median - 1,
  medianMilliseconds: median,
  maxMilliseconds: median + 2,
  count: 10,
  roundMedians: [median],
  details: [],
});
const row: ComparisonRow = {
  kind: 'comparison',
  name: 'onnx vs PyTorch CPU: MLP training step',
  candidate: side('ONNX', 3),
  baseline: side('PyTorch', 8),
  ratio: 0.375,
  ratioSpread: [0.35, 0.4],
  goal: '<= 0.4',
  met: true,
  notes: 'notes',
  load: quietLoad,
};
const results = (overrides: Partial<BenchmarkResults> = {}): BenchmarkResults => ({
  command: 'pnpm bench',
  argv: [],
  cwd: '/',
  startedAt: '2026-11-23T00:00:00.000Z',
  finishedAt: '2026-11-23T00:30:00.000Z',
  groups: ['onnx'],
  complete: true,
  rounds: 5,
  quietLoadPerCore: 0.5,
  quiet: true,
  threads: {},
  machine: {
    cpuModel: 'test CPU',
    cores: 2,
    totalMemoryBytes: 1,
    kernel: 'k',
    node: 'v20',
    packages: {},
    python: {},
    gitCommit: null,
    gitDirty: null,
  },
  rows: [row],
  ...overrides,
});

function readmeWithMarkers(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'bench-readme-')), 'README.md');
  writeFileSync(path, `# Title\n\nbefore\n\n${README_START}\n\nold table\n\n${README_END}\n\nafter\n`);
  return path;
}

describe('summarizeTimes', () => {
  it('gives min, median (mean of the middle two for an even count) and max, worked by hand', () => {
    expect(summarizeTimes([5, 1, 3])).toEqual({
      minMilliseconds: 1,
      medianMilliseconds: 3,
      maxMilliseconds: 5,
      count: 3,
    });
    expect(summarizeTimes([4, 1, 3, 10]).medianMilliseconds).toBe(3.5);
    expect(() => summarizeTimes([])).toThrow();
  });
});

describe('README benchmark table', () => {
  it('shows each side as median (min-max) and the ratio with its round spread', () => {
    const table = formatResultsTable(results());
    expect(table).toContain('3.00 ms (2.00-5.00)');
    expect(table).toContain('0.375x (0.350-0.400)');
    expect(table).toContain('quiet');
  });

  it('replaces only the text between the markers, from a quiet full run', () => {
    const path = readmeWithMarkers();
    writeReadmeTable(results(), path);
    const text = readFileSync(path, 'utf8');
    expect(text).not.toContain('old table');
    expect(text).toContain('0.375x');
    expect(text.startsWith('# Title\n\nbefore\n\n')).toBe(true);
    expect(text.endsWith(`${README_END}\n\nafter\n`)).toBe(true);
  });

  it('refuses a run that was not quiet or not complete, leaving README untouched', () => {
    const path = readmeWithMarkers();
    const before = readFileSync(path, 'utf8');
    const noisy = results({
      quiet: false,
      rows: [{ ...row, load: { ...quietLoad, otherProcessesCores: 1.7, quiet: false } }],
    });
    expect(() => writeReadmeTable(noisy, path)).toThrow(/not quiet.*onnx vs PyTorch/);
    expect(() => writeReadmeTable(results({ complete: false }), path)).toThrow(/covered only onnx/);
    expect(readFileSync(path, 'utf8')).toBe(before);
  });

  it("shows a scale row's median time with the range of its runs, and one run without a range", () => {
    const scale: ScaleRow = {
      kind: 'scale',
      name: 'weights (generated)',
      command: 'weightspec weights',
      measurements: [
        {
          rows: 1000,
          seconds: 2,
          secondsPerRun: [2, 1, 3],
          rowsPerSecond: 500,
          peakRssBytes: 1048576,
          dataFloat32Bytes: 4,
        },
        { rows: 2000, seconds: 4, rowsPerSecond: 500, peakRssBytes: 1048576, dataFloat32Bytes: 8 },
      ],
      perRowTimeGrowth: 1,
      goal: 'linear',
      met: true,
      notes: 'notes',
      load: quietLoad,
    };
    const table = formatResultsTable(results({ rows: [scale] }));
    expect(table).toContain('| 2.00 s (1.00-3.00) |');
    expect(table).toMatch(/\| 4\.00 s +\|/);
  });
});
