export { parseCsv, splitCsvLine } from './parse-csv.ts';
export type { CsvTable } from './parse-csv.ts';
export {
  loadSeattleWeather,
  splitAndStandardize,
  vegaDatasetPath,
  SEATTLE_WEATHER_CLASSES,
  SEATTLE_WEATHER_FEATURES,
} from './seattle-weather.ts';
export type { ClassificationDataset, SplitOptions } from './seattle-weather.ts';
export { classificationReport } from './classification-metrics.ts';
export type { ClassificationReport } from './classification-metrics.ts';
