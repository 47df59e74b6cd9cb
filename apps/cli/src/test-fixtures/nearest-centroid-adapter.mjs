// A third-party adapter module for the end-to-end tests: a nearest-centroid classifier whose
// centroids are means weighted by the spec's resolved class weights (resolved with core), so the
// CLI's plumbing (spec, sample weights, progress, save) is checked without a framework.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { countClasses, createReferenceAdapter, resolveWeighting, sampleWeightStatistics } from '@weightspec/core';

export function createClassifierTrainer() {
  return {
    id: 'centroid',
    async train(request) {
      const { features, labels, numClasses, spec } = request;
      const resolved = spec
        ? resolveWeighting(spec, {
            stats: countClasses(labels, numClasses),
            numClasses,
            sampleWeights: request.sampleWeights ? sampleWeightStatistics(request.sampleWeights) : null,
          })
        : null;
      // Loss 1/(epoch+1): a known sequence the tests can find in the progress lines.
      for (let epoch = 0; epoch < request.epochs; epoch += 1)
        request.onProgress?.({
          epoch,
          totalEpochs: request.epochs,
          loss: 1 / (epoch + 1),
          admittedSamples: labels.length,
          effectiveWeight: labels.length,
        });
      const width = features[0].length;
      const sums = Array.from({ length: numClasses }, () => new Array(width).fill(0));
      const totals = new Array(numClasses).fill(0);
      labels.forEach((label, row) => {
        const weight = spec && request.sampleWeights ? request.sampleWeights[row] : 1;
        totals[label] += weight;
        features[row].forEach((value, column) => {
          sums[label][column] += weight * value;
        });
      });
      const centroids = sums.map((sum, label) => sum.map((value) => value / (totals[label] || 1)));
      const distance = (row, centroid) =>
        row.reduce((total, value, column) => total + (value - centroid[column]) ** 2, 0);
      return {
        async predict(rows) {
          return rows.map((row) =>
            centroids.reduce(
              (best, centroid, label) => (distance(row, centroid) < distance(row, centroids[best]) ? label : best),
              0,
            ),
          );
        },
        async save(directory) {
          await mkdir(directory, { recursive: true });
          const file = join(directory, 'centroids.json');
          const record = {
            centroids,
            classWeights: resolved?.classWeights ?? null,
            epochs: request.epochs,
            batchSize: request.batchSize,
            seed: request.seed,
          };
          await writeFile(file, JSON.stringify(record));
          return [file];
        },
      };
    },
  };
}

export function createWeightingAdapter() {
  return { ...createReferenceAdapter(), id: 'centroid' };
}
