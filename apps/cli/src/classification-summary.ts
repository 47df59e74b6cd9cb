import type { ClassificationReport } from '@weightspec/core';
import { formatTextTable } from './text-table.ts';

const score = (value: number | undefined) => (value === undefined ? '-' : value.toFixed(3));

/**
 * Per-class precision, recall and F1 of the model trained with the spec, next to recall and F1 of
 * the same model trained without it.
 */
export function formatPerClassComparison(
  classNames: readonly string[],
  withSpec: ClassificationReport,
  withoutSpec: ClassificationReport | null,
): string {
  const columns = [
    { title: 'class' },
    { title: 'support', align: 'right' as const },
    { title: 'precision', align: 'right' as const },
    { title: 'recall', align: 'right' as const },
    { title: 'F1', align: 'right' as const },
    ...(withoutSpec
      ? [
          { title: 'recall (no spec)', align: 'right' as const },
          { title: 'F1 (no spec)', align: 'right' as const },
        ]
      : []),
  ];
  const rows = classNames.map((name, index) => {
    const entry = withSpec.perClass[index];
    const baseline = withoutSpec?.perClass[index];
    return [
      name,
      String(entry?.support ?? 0),
      score(entry?.precision),
      score(entry?.recall),
      score(entry?.f1),
      ...(withoutSpec ? [score(baseline?.recall), score(baseline?.f1)] : []),
    ];
  });
  return formatTextTable(columns, rows);
}

/** Accuracy, balanced accuracy (= macro recall) and macro F1, with and without the spec. */
export function formatSummaryComparison(
  withSpec: ClassificationReport,
  withoutSpec: ClassificationReport | null,
): string {
  const metrics: [string, (report: ClassificationReport) => number][] = [
    ['balanced accuracy (macro recall)', (report) => report.balancedAccuracy],
    ['macro F1', (report) => report.macroAvg.f1],
    ['accuracy', (report) => report.accuracy],
  ];
  const columns = [
    { title: 'metric' },
    ...(withoutSpec ? [{ title: 'no spec', align: 'right' as const }] : []),
    { title: 'with spec', align: 'right' as const },
  ];
  const rows = metrics.map(([name, read]) => [
    name,
    ...(withoutSpec ? [score(read(withoutSpec))] : []),
    score(read(withSpec)),
  ]);
  return formatTextTable(columns, rows);
}
