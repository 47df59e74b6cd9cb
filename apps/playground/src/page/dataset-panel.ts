import { splitAndStandardize } from '@weightspec/conformance/datasets';
import type { CsvTable } from '@weightspec/conformance/datasets';
import { escapeXml } from '../charts/svg-charts.ts';
import { buildDataset, checkCsvSize, guessLabelColumn, readCsvText } from '../data/csv-dataset.ts';
import type { PlaygroundDataset } from '../data/csv-dataset.ts';
import { element } from './page-dom.ts';

/** A dataset split into stratified train and test parts, features standardized by the train part. */
export interface PreparedDataset {
  readonly dataset: PlaygroundDataset;
  /** What the CLI snippet's --data should say. */
  readonly source: string;
  readonly trainFeatures: number[][];
  readonly trainLabels: number[];
  readonly testFeatures: number[][];
  readonly testLabels: number[];
}

/** Where the build puts the bundled seattle-weather.csv (vite.config.ts copies it from vega-datasets). */
export const SEATTLE_WEATHER_URL = './data/seattle-weather.csv';

/** Splits 75/25 per class with a fixed seed, as the package tests and the CLI do. */
export function prepareDataset(dataset: PlaygroundDataset, source: string): PreparedDataset {
  const split = splitAndStandardize({ ...dataset, dates: [] }, { trainFraction: 0.75, seed: 42 });
  return { dataset, source, ...split };
}

/** Wires the data panel; `onChange` gets each newly loaded dataset, or the error that stopped it. */
export function mountDatasetPanel(onChange: (prepared: PreparedDataset | null, error?: Error) => void): void {
  const status = element('data-status');
  const labelSelect = element<HTMLSelectElement>('label-column');
  const fileInput = element<HTMLInputElement>('csv-file');
  const radios = [...document.querySelectorAll<HTMLInputElement>('input[name="dataset"]')];
  let table: CsvTable | null = null;
  let tableName = '';
  let seattle: CsvTable | null = null;

  const rebuild = () => {
    if (!table) return;
    try {
      const dataset = buildDataset(table, labelSelect.value, tableName);
      const prepared = prepareDataset(dataset, tableName === 'seattle-weather' ? 'builtin:seattle-weather' : tableName);
      const skipped =
        dataset.skippedColumns.length > 0 ? `; skipped (not numeric): ${dataset.skippedColumns.join(', ')}` : '';
      status.className = 'muted';
      status.innerHTML = escapeXml(
        `${dataset.name}: ${dataset.labels.length} rows, ${dataset.classNames.length} classes (${dataset.classNames.join(', ')}); features: ${dataset.featureNames.join(', ')}${skipped}. Train ${prepared.trainLabels.length} / test ${prepared.testLabels.length} rows (stratified, seed 42).`,
      );
      onChange(prepared);
    } catch (error) {
      status.className = 'error';
      status.textContent = (error as Error).message;
      onChange(null, error as Error);
    }
  };
  const useTable = (next: CsvTable, name: string, preferredLabel: string) => {
    table = next;
    tableName = name;
    labelSelect.innerHTML = next.columns
      .map((column) => `<option value="${escapeXml(column)}">${escapeXml(column)}</option>`)
      .join('');
    labelSelect.value = next.columns.includes(preferredLabel) ? preferredLabel : guessLabelColumn(next);
    rebuild();
  };
  const loadSeattle = async () => {
    status.textContent = 'Loading seattle-weather…';
    try {
      if (!seattle) {
        const response = await fetch(SEATTLE_WEATHER_URL);
        if (!response.ok) throw new Error(`${SEATTLE_WEATHER_URL}: HTTP ${response.status}`);
        seattle = readCsvText(await response.text(), 'seattle-weather.csv');
      }
      useTable(seattle, 'seattle-weather', 'weather');
    } catch (error) {
      status.className = 'error';
      status.textContent = (error as Error).message;
      onChange(null, error as Error);
    }
  };
  const loadFile = async () => {
    const file = fileInput.files?.[0];
    if (!file) {
      status.textContent = 'Choose a CSV file (it is read here in the browser, not uploaded).';
      return;
    }
    try {
      checkCsvSize(file.name, file.size);
      useTable(readCsvText(await file.text(), file.name), file.name, '');
    } catch (error) {
      status.className = 'error';
      status.textContent = (error as Error).message;
      onChange(null, error as Error);
    }
  };
  labelSelect.addEventListener('change', rebuild);
  fileInput.addEventListener('change', () => {
    const csvRadio = radios.find((radio) => radio.value === 'csv');
    if (csvRadio) csvRadio.checked = true;
    void loadFile();
  });
  for (const radio of radios)
    radio.addEventListener('change', () => {
      if (radio.checked) void (radio.value === 'seattle' ? loadSeattle() : loadFile());
    });
  void loadSeattle();
}
