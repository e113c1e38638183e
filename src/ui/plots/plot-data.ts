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

/** The histogram's history over the current run (one heatmap column per sample). */
export function histogramColumns(spec: Spec<'histogram-time'>, samples: readonly MetricSample[]): MetricSample[] {
  const run = currentRun(samples);
  return samples.filter((s) => (s.run ?? 0) === run && s.histograms?.[spec.histogram]);
}

/** The newest curves of that name, with the points a log axis can show. */
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
      return latestHistogram(spec, samples)?.h.counts.length ?? 0;
    case 'histogram-time':
      return histogramColumns(spec, samples).length;
    case 'curves':
      return latestCurves(spec, samples).points.reduce((n, p) => n + p.length, 0);
  }
}
