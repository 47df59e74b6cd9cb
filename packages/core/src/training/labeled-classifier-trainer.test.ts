import { describe, expect, it } from 'vitest';
import type { ClassifierTrainingRequest } from '../adapter/classifier-trainer.ts';
import { withClassLabels } from './labeled-classifier-trainer.ts';
import { isDenseFeatureMatrix } from '../validate/input-validators.ts';

/** A stand-in trainer: remembers the request and predicts each row's first feature as the class index. */
function recordingTrainer() {
  const seen: ClassifierTrainingRequest[] = [];
  const trainer = withClassLabels({
    id: 'recording',
    async train(request) {
      seen.push(request);
      return {
        async predict(features) {
          // Answers the first feature of each row, in either feature form.
          if (isDenseFeatureMatrix(features))
            return Array.from({ length: features.rows }, (_, row) => features.values[row * features.columns] as number);
          return features.map((row) => row[0] as number);
        },
        async save() {
          return [];
        },
      };
    },
  });
  return { trainer, seen };
}

const base = { features: [[2], [0], [1], [0]], spec: null, epochs: 1, batchSize: 2, seed: 0 };

describe('withClassLabels', () => {
  it('encodes string labels in sorted order (LabelEncoder) and decodes predictions back', async () => {
    const { trainer, seen } = recordingTrainer();
    const trained = await trainer.train({ ...base, labels: ['sun', 'fog', 'rain', 'fog'] });
    // Sorted by code point: fog (0), rain (1), sun (2).
    expect(seen[0]?.labels).toEqual([2, 0, 1, 0]);
    expect(seen[0]?.numClasses).toBe(3);
    expect(trained.classes).toEqual(['fog', 'rain', 'sun']);
    expect(await trained.predictLabels([[2], [1]])).toEqual(['sun', 'rain']);
  });

  it('keeps the order of a given class list and rejects a label outside it', async () => {
    const { trainer, seen } = recordingTrainer();
    const classes = ['sun', 'rain', 'fog', 'snow'];
    await trainer.train({ ...base, labels: ['sun', 'fog', 'rain', 'fog'], classes });
    expect(seen[0]?.labels).toEqual([0, 2, 1, 2]);
    expect(seen[0]?.numClasses).toBe(4);
    await expect(trainer.train({ ...base, labels: ['sun', 'hail', 'rain', 'fog'], classes })).rejects.toMatchObject({
      code: 'WS_INVALID_INPUT',
      message: expect.stringMatching(/labels\[1\]/),
    });
  });

  it('passes integer class indices through unchanged, with numClasses as given', async () => {
    const { trainer, seen } = recordingTrainer();
    const trained = await trainer.train({ ...base, labels: [0, 3, 1, 0], numClasses: 5 });
    expect(seen[0]?.labels).toEqual([0, 3, 1, 0]);
    expect(seen[0]?.numClasses).toBe(5);
    expect(await trained.predictLabels([[4]])).toEqual([4]);
    const many = Array.from({ length: 200_000 }, (_, index) => index % 3);
    await trainer.train({ ...base, features: many.map(() => [0]), labels: many });
    expect(seen[1]?.numClasses).toBe(3);
  });
});
