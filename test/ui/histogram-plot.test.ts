// A histogram plot with a reference (e.g. energy per layer of this sample vs an independent one):
// both drawn as fractions of their own totals (or as they are with heights: 'as-is', in the units the yLabel names), a log
// y axis leaves zero bins out instead of breaking, the point count stays the main histogram's, and
// the CSV export holds every bin of both.
import { describe, expect, it } from 'vitest';
import { histogramsCSV } from '../../src/sims/metrics';
import type { Histogram, MetricSample, PlotSpec } from '../../src/sims/types';
import { histogramView, pointCount, stepLine } from '../../src/ui/plots/plot-data';

type HistogramSpec = Extract<PlotSpec, { kind: 'histogram' }>;
const spec = (logY = false, yLabel?: string): HistogramSpec => ({ kind: 'histogram', id: 'layers', title: 'Energy per layer', histogram: 'layers', logY, yLabel, heights: yLabel ? 'as-is' : 'fraction' });
const sample = (step: number, h: Histogram): MetricSample => ({ step, time: step, scalars: {}, histograms: { layers: h } });

// Counts sum to 8 (fractions 0.25, 0, 0.5, 0.25); the reference sums to 4 (0, 0.5, 0.25, 0.25).
const layers: Histogram = {
  label: 'energy per layer',
  edges: [0, 1, 2, 3, 4],
  counts: [2, 0, 4, 2],
  reference: { label: 'reference sample', counts: [0, 2, 1, 1] },
};

describe('histogram plot data', () => {
  it('draws the newest histogram and its reference, each as fractions of its own total', () => {
    const older: Histogram = { label: 'energy per layer', edges: [0, 1], counts: [5] };
    const view = histogramView(spec(), [sample(1, older), sample(7, layers)])!;
    expect(view.step).toBe(7);
    expect(view.domain).toEqual([0, 4]);
    expect(view.bins).toEqual([
      { x0: 0, x1: 1, y: 0.25 },
      { x0: 1, x1: 2, y: 0 },
      { x0: 2, x1: 3, y: 0.5 },
      { x0: 3, x1: 4, y: 0.25 },
    ]);
    expect(view.reference?.label).toBe('reference sample');
    expect(view.reference?.bins.map((b) => b.y)).toEqual([0, 0.5, 0.25, 0.25]);
    // One step line across all four bins: corners at each bin's edges.
    expect(stepLine(view.reference!.bins)).toEqual([[[0, 0], [1, 0], [1, 0.5], [2, 0.5], [2, 0.25], [3, 0.25], [3, 0.25], [4, 0.25]]]);
  });

  it('a log y axis leaves zero bins out: bars are skipped, the reference line breaks there', () => {
    const view = histogramView(spec(true), [sample(3, layers)])!;
    expect(view.bins.map((b) => [b.x0, b.y])).toEqual([[0, 0.25], [2, 0.5], [3, 0.25]]);
    expect(stepLine(view.reference!.bins)).toEqual([[[1, 0.5], [2, 0.5], [2, 0.25], [3, 0.25], [3, 0.25], [4, 0.25]]]);
    const gap = stepLine(view.bins);
    expect(gap).toEqual([[[0, 0.25], [1, 0.25]], [[2, 0.5], [3, 0.5], [3, 0.25], [4, 0.25]]]);
    expect(gap.flat().every(([, y]) => y > 0)).toBe(true);
  });

  it('a plot that names its y axis draws the counts as they are (already in those units)', () => {
    const view = histogramView(spec(true, 'MeV'), [sample(3, layers)])!;
    expect(view.bins.map((b) => b.y)).toEqual([2, 4, 2]);
    expect(view.reference!.bins.map((b) => b.y)).toEqual([2, 1, 1]);
  });

  it("counts the main histogram's points only (the reference is extra)", () => {
    const samples = [sample(3, layers)];
    expect(pointCount(spec(), samples)).toBe(4);
    expect(pointCount(spec(true), samples)).toBe(3);
    // All zero on a log axis: nothing to draw, so the plot reports no points.
    expect(pointCount(spec(true), [sample(0, { label: 'x', edges: [0, 1, 2], counts: [0, 0] })])).toBe(0);
    expect(pointCount(spec(), [])).toBe(0);
  });

  it('a histogram without a reference has no reference series; an empty one is no data', () => {
    const plain: Histogram = { label: 'hits', edges: [0, 10, 20], counts: [1, 3] };
    const view = histogramView(spec(), [sample(0, plain)])!;
    expect(view.reference).toBeUndefined();
    expect(view.bins.map((b) => b.y)).toEqual([0.25, 0.75]);
    expect(histogramView(spec(), [sample(0, { label: 'hits', edges: [0], counts: [] })])).toBeUndefined();
  });
});

describe('histograms CSV', () => {
  it('one row per bin: histogram, edges, count and the reference count (empty without one)', () => {
    const s: MetricSample = {
      step: 5,
      time: 1,
      scalars: {},
      histograms: { layers, 'hits, per shower': { label: 'hits', edges: [0, 10, 20], counts: [1, 3] } },
    };
    expect(histogramsCSV(s).split('\n')).toEqual([
      'histogram,bin_lo,bin_hi,count,reference',
      'layers,0,1,2,0',
      'layers,1,2,0,2',
      'layers,2,3,4,1',
      'layers,3,4,2,1',
      '"hits, per shower",0,10,1,',
      '"hits, per shower",10,20,3,',
      '',
    ]);
    expect(histogramsCSV(undefined)).toBe('histogram,bin_lo,bin_hi,count,reference\n');
  });
});
