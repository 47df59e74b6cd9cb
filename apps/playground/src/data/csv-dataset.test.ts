import { readFileSync } from 'node:fs';
import { vegaDatasetPath } from '@weightspec/conformance/datasets';
import { describe, expect, it } from 'vitest';
import { MAX_CSV_BYTES, buildDataset, checkCsvSize, guessLabelColumn, readCsvText } from './csv-dataset.ts';

const errorOf = (action: () => unknown) => {
  try {
    action();
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected an error');
};

describe('CSV datasets parsed in the browser', () => {
  it('keeps numeric columns as features, skips the rest, and sorts class names (LabelEncoder)', () => {
    const table = readCsvText('when,size,"kind",weight\n2024-01-01,1.5,"b, big",3\n2024-01-02,-2,a,4\n', 'mine.csv');
    expect(guessLabelColumn(table)).toBe('kind');
    const dataset = buildDataset(table, 'kind', 'mine.csv');
    expect(dataset.featureNames).toEqual(['size', 'weight']);
    expect(dataset.skippedColumns).toEqual(['when']);
    expect(dataset.classNames).toEqual(['a', 'b, big']);
    expect(dataset.labels).toEqual([1, 0]);
    expect(dataset.features).toEqual([
      [1.5, 3],
      [-2, 4],
    ]);
  });

  it('keeps integer labels as class indices, as the CLI does', () => {
    const dataset = buildDataset(readCsvText('x,y\n1,2\n2,0\n3,2\n', 'ints.csv'), 'y', 'ints.csv');
    expect(dataset.classNames).toEqual(['0', '1', '2']);
    expect(dataset.labels).toEqual([2, 0, 2]);
  });

  it('rejects hexadecimal and empty cells as numbers, so such columns are skipped, not zeroed', () => {
    const dataset = buildDataset(readCsvText('a,b,c,label\n0x10,1,,p\n2,3,4,q\n', 'hex.csv'), 'label', 'hex.csv');
    expect(dataset.featureNames).toEqual(['b']);
    expect(dataset.skippedColumns).toEqual(['a', 'c']);
  });

  it('names the line and column of bad input', () => {
    expect(errorOf(() => readCsvText('a,b\n1,2\n3\n', 'short.csv')).message).toContain('short.csv:3');
    expect(errorOf(() => readCsvText('a,b\n', 'empty.csv')).code).toBe('WS_INVALID_INPUT');
    const table = readCsvText('x,label\n1,p\n2,\n', 'gap.csv');
    expect(errorOf(() => buildDataset(table, 'label', 'gap.csv')).message).toContain('gap.csv:3');
    expect(errorOf(() => buildDataset(table, 'nope', 'gap.csv')).message).toContain('"nope" is not a column');
    expect(errorOf(() => buildDataset(readCsvText('x,l\n1,p\n2,p\n', 'one.csv'), 'l', 'one.csv')).message).toContain(
      'one class',
    );
    expect(errorOf(() => buildDataset(readCsvText('x,l\n1,p\n2,q\n', 'id.csv'), 'x', 'id.csv')).message).toContain(
      'no numeric feature',
    );
  });

  it('refuses files over the size limit before reading them', () => {
    expect(() => checkCsvSize('ok.csv', MAX_CSV_BYTES)).not.toThrow();
    expect(errorOf(() => checkCsvSize('big.csv', 30 * 1024 * 1024)).message).toContain('big.csv: is 30.0 MB');
  });

  it('reads seattle-weather.csv (vega-datasets) as the page bundles it', () => {
    const text = readFileSync(vegaDatasetPath('seattle-weather.csv'), 'utf8');
    const table = readCsvText(text, 'seattle-weather.csv');
    const dataset = buildDataset(table, guessLabelColumn(table), 'seattle-weather');
    // 1461 days from 2012-01-01 to 2015-12-31 (366 + 365 + 365 + 365), one row each.
    expect(dataset.labels).toHaveLength(366 + 365 * 3);
    expect(dataset.labelColumn).toBe('weather');
    expect(dataset.classNames).toEqual(['drizzle', 'fog', 'rain', 'snow', 'sun']);
    expect(dataset.featureNames).toEqual(['precipitation', 'temp_max', 'temp_min', 'wind']);
    expect(dataset.skippedColumns).toEqual(['date']);
  });
});
