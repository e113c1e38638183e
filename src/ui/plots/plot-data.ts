// What a PlotSpec draws, as plain numbers (no DOM): draw.ts renders these, and the conformance
// tests count them, so "every plot draws" is checked on the same data the user sees.
import type { Curve, Histogram, MetricSample, PlotSpec } from '../../sims/types';

export type Point = [number, number];
type Spec<K extends PlotSpec['kind']> = Extract<PlotSpec, { kind: K }>;

/** A series' x: the sample's own clock ('time', the default, or 'step'), else a scalar. */
export function xValue(s: MetricSample, x: string | undefined): number {
  if (x === undefined || x === 'time') return s.time;
  if (x === 'step') return s.step;
  return s.scalars[x] ?? NaN;
}

function usable(v: number, log: boolean): boolean {
  return Number.isFinite(v) && (!log || v > 0);
}

/** The run shown in full: the latest one (earlier runs of the log are drawn faded behind it). */
export function currentRun(samples: readonly MetricSample[]): number {
  return samples[samples.length - 1]?.run ?? 0;
}

export interface SeriesLine {
  /** The scalar drawn. */
  name: string;
  run: number;
  points: Point[];
}

/** One line per (y scalar, run), points in sample order, dropping values a log axis cannot show. */
export function seriesLines(spec: Spec<'series'>, samples: readonly MetricSample[]): SeriesLine[] {
  const lines: SeriesLine[] = [];
  const byKey = new Map<string, SeriesLine>();
  for (const s of samples) {
    const x = xValue(s, spec.x);
    if (!usable(x, !!spec.logX)) continue;
    for (const name of spec.y) {
      const y = s.scalars[name];
      if (y === undefined || !usable(y, !!spec.logY)) continue;
      const run = s.run ?? 0;
      const key = `${run}|${name}`;
      let line = byKey.get(key);
      if (!line) {
        line = { name, run, points: [] };
        byKey.set(key, line);
        lines.push(line);
      }
      line.points.push([x, y]);
    }
  }
  return lines;
}

/** The newest histogram of that name. */
export function latestHistogram(spec: Spec<'histogram'>, samples: readonly MetricSample[]): { h: Histogram; step: number } | undefined {
  for (let i = samples.length - 1; i >= 0; i--) {
    const h = samples[i]!.histograms?.[spec.histogram];
    if (h && h.counts.length > 0) return { h, step: samples[i]!.step };
  }
  return undefined;
}

/** One bin as drawn: its edges and its height (see histogramView). */
export interface Bin {
  x0: number;
  x1: number;
  y: number;
}

export interface HistogramView {
  label: string;
  step: number;
  /** The x range: the first and last edge. */
  domain: [number, number];
  /** The counts as drawn; bins a log axis cannot show (zeros) are left out. */
  bins: Bin[];
  /** The reference on the same edges, drawn the same way (as fractions: of its own total, as its sample size may differ). */
  reference?: { label: string; bins: Bin[] };
}

/** One Bin per pair of edges: the count, or its fraction of the (finite) total. */
function toBins(edges: readonly number[], counts: readonly number[], fractions: boolean, log: boolean): Bin[] {
  const n = Math.min(counts.length, edges.length - 1);
  let total = 0;
  if (fractions) for (let i = 0; i < n; i++) if (Number.isFinite(counts[i])) total += counts[i]!;
  const bins: Bin[] = [];
  for (let i = 0; i < n; i++) {
    const y = fractions ? counts[i]! / (total || 1) : counts[i]!;
    if (usable(y, log)) bins.push({ x0: edges[i]!, x1: edges[i + 1]!, y });
  }
  return bins;
}

/**
 * The newest histogram of that name, and its reference, as the bins the plot draws: fractions of
 * their own totals, or with `heights: 'as-is'` the counts in the units the plot's yLabel names
 * (e.g. mean MeV per layer, a share of showers).
 */
export function histogramView(spec: Spec<'histogram'>, samples: readonly MetricSample[]): HistogramView | undefined {
  const latest = latestHistogram(spec, samples);
  if (!latest) return undefined;
  const { h, step } = latest;
  const bins = (counts: readonly number[]) => toBins(h.edges, counts, spec.heights !== 'as-is', !!spec.logY);
  const view: HistogramView = { label: h.label, step, domain: [h.edges[0]!, h.edges[h.edges.length - 1]!], bins: bins(h.counts) };
  if (h.reference) view.reference = { label: h.reference.label, bins: bins(h.reference.counts) };
  return view;
}

/**
 * Bins as a step line: one polyline per run of adjacent bins (corners at each bin's edges), broken
 * where a bin is left out, so a log axis shows a gap instead of a line across a missing bin.
 */
export function stepLine(bins: readonly Bin[]): Point[][] {
  const lines: Point[][] = [];
  let line: Point[] = [];
  bins.forEach((b, i) => {
    if (i > 0 && bins[i - 1]!.x1 !== b.x0) {
      lines.push(line);
      line = [];
    }
    line.push([b.x0, b.y], [b.x1, b.y]);
  });
  if (line.length > 0) lines.push(line);
  return lines;
}

/** The histogram's history over the current run (one heatmap column per sample). */
export function histogramColumns(spec: Spec<'histogram-time'>, samples: readonly MetricSample[]): MetricSample[] {
  const run = currentRun(samples);
  return samples.filter((s) => (s.run ?? 0) === run && s.histograms?.[spec.histogram]);
}

/** The newest curves of that name, with the points a log axis can show. */
/** A curve's band as [x, lo, hi] where all three can be drawn on the plot's axes. */
export function curveBand(spec: Spec<'curves'>, c: Curve): [number, number, number][] {
  if (!c.band) return [];
  const rows = c.x.map((x, i) => [x, c.band!.lo[i] ?? NaN, c.band!.hi[i] ?? NaN] as [number, number, number]);
  return rows.filter(([x, lo, hi]) => usable(x, !!spec.logX) && usable(lo, !!spec.logY) && usable(hi, !!spec.logY));
}

export function latestCurves(spec: Spec<'curves'>, samples: readonly MetricSample[]): { curves: Curve[]; points: Point[][] } {
  let curves: Curve[] = [];
  for (let i = samples.length - 1; i >= 0; i--) {
    const c = samples[i]!.curves?.[spec.curves];
    if (c) {
      curves = c;
      break;
    }
  }
  const points = curves.map((c) => c.x.map((x, i) => [x, c.y[i] ?? NaN] as Point).filter(([a, b]) => usable(a, !!spec.logX) && usable(b, !!spec.logY)));
  return { curves, points };
}

/** How many data points the plot draws now (0: it shows its empty message). */
export function pointCount(spec: PlotSpec, samples: readonly MetricSample[]): number {
  switch (spec.kind) {
    case 'series':
      return seriesLines(spec, samples).reduce((n, l) => n + l.points.length, 0);
    case 'histogram':
      return histogramView(spec, samples)?.bins.length ?? 0;
    case 'histogram-time':
      return histogramColumns(spec, samples).length;
    case 'curves':
      return latestCurves(spec, samples).points.reduce((n, p) => n + p.length, 0);
  }
}
