import { parseWeightingSpec } from '@weightspec/core';
import { describe, expect, it } from 'vitest';
import { presetById } from '../spec/spec-presets.ts';
import { renderSpecPlots } from './spec-plots.ts';

const setup = { labels: [0, 0, 0, 1], classNames: ['common', 'rare'], epochs: 20, stepsPerEpoch: 1 };
const chartIds = (html: string) => [...html.matchAll(/data-testid="([\w-]+)"/g)].map((match) => match[1]);

describe('renderSpecPlots', () => {
  it('draws the four charts, both weight distributions when a schedule changes them', () => {
    const html = renderSpecPlots(parseWeightingSpec(presetById('deferred').document), setup);
    expect(chartIds(html)).toEqual(['chart-class-weights', 'chart-schedule', 'chart-pacing', 'chart-sample-weights']);
    expect(html).toContain('rows, epoch 0');
    expect(html).toContain('rows, epoch 19');
    const balanced = renderSpecPlots(parseWeightingSpec(presetById('balanced').document), setup);
    expect(balanced).not.toContain('rows, epoch 0');
  });

  it('refuses losses the page cannot plot with WS_UNSUPPORTED_FEATURE', () => {
    const regression = parseWeightingSpec({ specVersion: 1, loss: { kind: 'mse' } });
    expect(() => renderSpecPlots(regression, setup)).toThrow(
      expect.objectContaining({ code: 'WS_UNSUPPORTED_FEATURE' }),
    );
  });
});
