import type { ConformanceReport } from './run-conformance.ts';

const statusMark = { pass: 'pass', fail: 'FAIL', skip: 'skip' } as const;

function formatError(value: number): string {
  if (!Number.isFinite(value)) return '-';
  return value === 0 ? '0' : value.toExponential(1);
}

/**
 * A plain-text table: one row per vector, one column per adapter with pass/FAIL/skip and the largest
 * relative error; then failures and skips with their reasons, and a summary line.
 */
export function formatConformanceTable(report: ConformanceReport): string {
  const vectorIds = [...new Set(report.results.map((result) => result.vectorId))];
  const cell = (vectorId: string, adapterId: string) => {
    const result = report.results.find((entry) => entry.vectorId === vectorId && entry.adapterId === adapterId);
    if (!result) return '';
    return result.status === 'skip' ? 'skip' : `${statusMark[result.status]} ${formatError(result.maxRelativeError)}`;
  };
  const header = ['vector', ...report.adapters];
  const rows = vectorIds.map((vectorId) => [
    vectorId,
    ...report.adapters.map((adapterId) => cell(vectorId, adapterId)),
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((text, column) => text.padEnd(widths[column] as number))
      .join('  ')
      .trimEnd();
  const out = [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)];
  const failures = report.results.filter((result) => result.status === 'fail');
  if (failures.length > 0) {
    out.push('', 'Failures:');
    for (const failure of failures) out.push(`  ${failure.adapterId} ${failure.vectorId}: ${failure.reason ?? ''}`);
  }
  const skips = report.results.filter((result) => result.status === 'skip');
  if (skips.length > 0) {
    out.push('', 'Skipped (declared unsupported by the adapter):');
    for (const skip of skips) out.push(`  ${skip.adapterId} ${skip.vectorId}: ${skip.reason ?? ''}`);
  }
  if (report.problems.length > 0) {
    out.push('', 'Malformed vector files:');
    for (const problem of report.problems) out.push(`  ${problem.message}`);
  }
  out.push(
    '',
    `${report.passed} passed, ${report.failed} failed, ${report.skipped} skipped (${report.vectorCount} vectors x ${report.adapters.length} adapters)`,
  );
  return out.join('\n');
}
