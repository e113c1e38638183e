// Draws one PlotSpec from a metric history with d3 (no Lit here): series, histogram (bars, and a
// reference as a step line), histogram-time (heatmap) and curves (log–log with fitted slopes in the legend).
import * as d3 from 'd3';
import type { PinnedRun, RunStart } from '../../sims/metrics';
import type { MetricInfo, MetricSample, PlotSpec } from '../../sims/types';
import { currentRun, curveBand, histogramColumns, histogramView, latestCurves, seriesLines, stepLine, type Point } from './plot-data';
import { tickLabeller } from './ticks';

const M = { top: 10, right: 12, bottom: 34, left: 52 };
const PALETTE = ['#58a6ff', '#f78166', '#3fb950', '#d2a8ff', '#e3b341', '#79c0ff', '#ff7b72', '#56d364'];
/** A histogram's reference line: contrasts with the blue bars. */
const REFERENCE = '#e3b341';
const MAX_POINTS = 1500;
const MAX_COLUMNS = 300;

type Scale = d3.ScaleLinear<number, number> | d3.ScaleLogarithmic<number, number>;

export interface PlotContext {
  svg: SVGSVGElement;
  width: number;
  height: number;
  metrics: readonly MetricInfo[];
  /** Where the log's runs begin (a rebuild starts one), for the legend's mark. */
  runs?: readonly RunStart[];
  /** A reference run the user pinned, drawn dotted under the current one. */
  pinned?: PinnedRun;
}

export interface LegendItem {
  label: string;
  color: string;
}

function labelOf(metrics: readonly MetricInfo[], name: string): string {
  const m = metrics.find((x) => x.name === name);
  if (!m) return name;
  return m.unit ? `${m.label} (${m.unit})` : m.label;
}

function scale(log: boolean, domain: [number, number], range: [number, number]): Scale {
  let [a, b] = domain;
  if (!(Number.isFinite(a) && Number.isFinite(b))) [a, b] = log ? [1, 10] : [0, 1];
  if (a === b) {
    if (log) [a, b] = [a / 2, b * 2];
    else [a, b] = [a - (Math.abs(a) || 1) * 0.5, b + (Math.abs(b) || 1) * 0.5];
  }
  return log ? d3.scaleLog().domain([a, b]).range(range).nice() : d3.scaleLinear().domain([a, b]).range(range).nice();
}

/**
 * An axis with readable tick labels (ticks.ts). A log axis keeps d3's sparse labelling (minor ticks
 * unlabelled) and labels the rest the same way.
 */
function labelled(axis: d3.Axis<d3.NumberValue>, s: Scale, count: number): d3.Axis<d3.NumberValue> {
  const label = tickLabeller(s.domain());
  if (!('base' in s)) return axis.ticks(count).tickFormat((v) => label(+v));
  const shown = s.tickFormat(count);
  return axis.ticks(count).tickFormat((v) => (shown(v) === '' ? '' : label(+v)));
}

function frame(ctx: PlotContext, x: Scale, y: Scale, xLabel: string, yLabel: string) {
  const svg = d3.select(ctx.svg);
  svg.selectAll('*').remove();
  svg.attr('viewBox', `0 0 ${ctx.width} ${ctx.height}`).attr('width', ctx.width).attr('height', ctx.height);
  const g = svg.append('g');
  const ticksX = Math.max(2, Math.floor((ctx.width - M.left - M.right) / 70));
  g.append('g')
    .attr('class', 'axis')
    .attr('transform', `translate(0,${ctx.height - M.bottom})`)
    .call(labelled(d3.axisBottom(x), x, ticksX));
  g.append('g').attr('class', 'axis').attr('transform', `translate(${M.left},0)`).call(labelled(d3.axisLeft(y), y, 5));
  g.append('text')
    .attr('class', 'axis-label')
    .attr('x', (M.left + ctx.width - M.right) / 2)
    .attr('y', ctx.height - 4)
    .attr('text-anchor', 'middle')
    .text(xLabel);
  g.append('text')
    .attr('class', 'axis-label')
    .attr('transform', `translate(12,${(M.top + ctx.height - M.bottom) / 2}) rotate(-90)`)
    .attr('text-anchor', 'middle')
    .text(yLabel);
  return g;
}

function thin<T>(items: T[], max: number): T[] {
  if (items.length <= max) return items;
  const stride = items.length / max;
  const out: T[] = [];
  for (let i = 0; i < max; i++) out.push(items[Math.floor(i * stride)]!);
  out.push(items[items.length - 1]!);
  return out;
}

/** Draws the plot and returns its legend (rendered by the Lit component). */
export function drawPlot(ctx: PlotContext, spec: PlotSpec, samples: readonly MetricSample[]): LegendItem[] {
  switch (spec.kind) {
    case 'series':
      return drawSeries(ctx, spec, samples);
    case 'histogram':
      return drawHistogram(ctx, spec, samples);
    case 'histogram-time':
      return drawHeatmap(ctx, spec, samples);
    case 'curves':
      return drawCurves(ctx, spec, samples);
  }
}

function empty(ctx: PlotContext, text: string): LegendItem[] {
  const svg = d3.select(ctx.svg);
  svg.selectAll('*').remove();
  svg.attr('viewBox', `0 0 ${ctx.width} ${ctx.height}`).attr('width', ctx.width).attr('height', ctx.height);
  svg.append('text').attr('class', 'empty').attr('x', ctx.width / 2).attr('y', ctx.height / 2).attr('text-anchor', 'middle').text(text);
  return [];
}

function drawSeries(ctx: PlotContext, spec: Extract<PlotSpec, { kind: 'series' }>, samples: readonly MetricSample[]): LegendItem[] {
  const logX = !!spec.logX;
  const logY = !!spec.logY;
  const run = currentRun(samples);
  const lines = seriesLines(spec, samples).map((l) => ({ ...l, points: thin(l.points, MAX_POINTS) }));
  // The axes follow the current run; earlier runs (before a rebuild) are drawn faded behind it.
  const current = lines.filter((l) => l.run === run).flatMap((l) => l.points);
  if (current.length === 0) return empty(ctx, 'waiting for samples…');
  // A pinned run: its last run's lines, and the axes take them in so both can be compared.
  const pinnedSamples = ctx.pinned?.samples ?? [];
  const pinnedRun = currentRun(pinnedSamples);
  const pinned = seriesLines(spec, pinnedSamples).filter((l) => l.run === pinnedRun).map((l) => ({ ...l, points: thin(l.points, MAX_POINTS) }));
  const shown = [...current, ...pinned.flatMap((l) => l.points)];
  const x = scale(logX, d3.extent(shown, (p) => p[0]) as [number, number], [M.left, ctx.width - M.right]);
  const yExt = d3.extent(shown, (p) => p[1]) as [number, number];
  const y = scale(logY, logY ? yExt : [Math.min(0, yExt[0]), yExt[1]], [ctx.height - M.bottom, M.top]);
  const xLabel = spec.x && spec.x !== 'time' ? labelOf(ctx.metrics, spec.x) : 'time';
  const yLabel = spec.yLabel ?? (spec.y.length === 1 ? labelOf(ctx.metrics, spec.y[0]!) : '');
  const g = frame(ctx, x, y, xLabel, yLabel);
  const clip = `clip-${spec.id}`;
  g.append('clipPath').attr('id', clip).append('rect')
    .attr('x', M.left).attr('y', M.top).attr('width', ctx.width - M.left - M.right).attr('height', ctx.height - M.top - M.bottom);
  const line = d3
    .line<Point>()
    .x((p) => x(p[0]))
    .y((p) => y(p[1]));
  for (const l of pinned) {
    g.append('path')
      .attr('class', 'series pinned')
      .attr('clip-path', `url(#${clip})`)
      .attr('fill', 'none')
      .attr('stroke', PALETTE[spec.y.indexOf(l.name) % PALETTE.length]!)
      .attr('stroke-width', 1.4)
      .attr('stroke-opacity', 0.7)
      .attr('stroke-dasharray', '1 3')
      .attr('d', line(l.points));
  }
  for (const l of [...lines].sort((a, b) => a.run - b.run)) {
    const earlier = l.run !== run;
    g.append('path')
      .attr('class', earlier ? 'series earlier' : 'series')
      .attr('clip-path', `url(#${clip})`)
      .attr('fill', 'none')
      .attr('stroke', PALETTE[spec.y.indexOf(l.name) % PALETTE.length]!)
      .attr('stroke-width', earlier ? 1 : 1.6)
      .attr('stroke-opacity', earlier ? 0.35 : 1)
      .attr('stroke-dasharray', earlier ? '4 3' : null)
      .attr('d', line(l.points));
    // The newest value as a dot: a run's first sample (a single point) draws no line.
    const last = l.points[l.points.length - 1];
    if (!earlier && last) g.append('circle').attr('class', 'latest').attr('cx', x(last[0])).attr('cy', y(last[1])).attr('r', 2.5)
      .attr('fill', PALETTE[spec.y.indexOf(l.name) % PALETTE.length]!);
  }
  const legend = spec.y.map((name, i) => ({ label: labelOf(ctx.metrics, name), color: PALETTE[i % PALETTE.length]! }));
  if (lines.some((l) => l.run !== run)) {
    const start = ctx.runs?.find((r) => r.run === run)?.label ?? 'after a rebuild';
    legend.push({ label: `dashed: earlier runs · solid: run ${run + 1}, ${start}`, color: '#6e7681' });
  }
  if (pinned.length > 0) legend.push({ label: `dotted: pinned, ${ctx.pinned!.label}`, color: '#8b949e' });
  return legend;
}

function drawHistogram(ctx: PlotContext, spec: Extract<PlotSpec, { kind: 'histogram' }>, samples: readonly MetricSample[]): LegendItem[] {
  const view = histogramView(spec, samples);
  const ref = view?.reference;
  const heights = [...(view?.bins ?? []), ...(ref?.bins ?? [])].map((b) => b.y);
  if (!view || heights.length === 0) return empty(ctx, 'waiting for samples…');
  const logY = !!spec.logY;
  const x = scale(false, view.domain, [M.left, ctx.width - M.right]);
  const [lo, hi] = d3.extent(heights) as [number, number];
  // A log axis starts below the smallest bar (else that bar has no height); a linear one at 0.
  const y = scale(logY, logY ? [lo / 2, hi] : [0, hi], [ctx.height - M.bottom, M.top]);
  const floor = logY ? y.range()[0]! : y(0);
  const g = frame(ctx, x, y, spec.xLabel ?? view.label, spec.yLabel ?? (spec.heights === 'as-is' ? '' : 'fraction'));
  g.append('g')
    .selectAll('rect')
    .data(view.bins)
    .join('rect')
    .attr('class', 'bar')
    .attr('x', (b) => x(b.x0))
    .attr('width', (b) => Math.max(0.5, x(b.x1) - x(b.x0) - 1))
    .attr('y', (b) => y(b.y))
    .attr('height', (b) => Math.max(0, floor - y(b.y)))
    .attr('fill', PALETTE[0]!);
  const legend = [{ label: `${view.label} at step ${view.step}`, color: PALETTE[0]! }];
  if (!ref) return legend;
  const line = d3
    .line<Point>()
    .x((p) => x(p[0]))
    .y((p) => y(p[1]));
  for (const points of stepLine(ref.bins)) {
    g.append('path').attr('class', 'reference').attr('fill', 'none').attr('stroke', REFERENCE).attr('stroke-width', 1.6).attr('d', line(points));
  }
  return [...legend, { label: ref.label, color: REFERENCE }];
}

function drawHeatmap(ctx: PlotContext, spec: Extract<PlotSpec, { kind: 'histogram-time' }>, samples: readonly MetricSample[]): LegendItem[] {
  const cols = thin(histogramColumns(spec, samples), MAX_COLUMNS);
  if (cols.length === 0) return empty(ctx, 'waiting for samples…');
  const edges = cols[cols.length - 1]!.histograms![spec.histogram]!.edges;
  const t0 = cols[0]!.time;
  const t1 = cols[cols.length - 1]!.time;
  const x = scale(false, [t0, t1 > t0 ? t1 : t0 + 1], [M.left, ctx.width - M.right - HEATMAP_BAR]);
  const y = scale(false, [edges[0]!, edges[edges.length - 1]!], [ctx.height - M.bottom, M.top]);
  const g = frame(ctx, x, y, 'time', spec.yLabel ?? cols[0]!.histograms![spec.histogram]!.label);
  const color = d3.scaleSequential(d3.interpolateInferno).domain([0, 1]);
  verticalColorBar(g, color, ctx.width - M.right - HEATMAP_BAR + 12, y.range() as [number, number]);
  const cells: { x0: number; x1: number; y0: number; y1: number; v: number }[] = [];
  cols.forEach((s, c) => {
    const h = s.histograms![spec.histogram]!;
    const max = d3.max(h.counts) || 1;
    const xa = x(s.time);
    const xb = c + 1 < cols.length ? x(cols[c + 1]!.time) : Math.max(xa + 2, x.range()[1]!);
    h.counts.forEach((n, b) => {
      if (n > 0) cells.push({ x0: xa, x1: xb, y0: y(h.edges[b + 1] ?? h.edges[b]!), y1: y(h.edges[b]!), v: n / max });
    });
  });
  g.append('g')
    .selectAll('rect')
    .data(cells)
    .join('rect')
    .attr('x', (d) => d.x0)
    .attr('width', (d) => Math.max(1, d.x1 - d.x0))
    .attr('y', (d) => d.y0)
    .attr('height', (d) => Math.max(1, d.y1 - d.y0))
    .attr('fill', (d) => color(d.v));
  return [{ label: 'count per column (normalised)', color: color(0.8) }];
}

/** Room right of a heatmap for its colour bar (px). */
const HEATMAP_BAR = 40;

/** A colour bar for values 0…1 of `color`: a gradient from y0 (bottom, 0) to y1 (top, 1) with ticks. */
function verticalColorBar(g: d3.Selection<SVGGElement, unknown, null, undefined>, color: (v: number) => string, x: number, [y0, y1]: [number, number]): void {
  const id = `bar-${Math.random().toString(36).slice(2)}`;
  const gradient = g.append('defs').append('linearGradient').attr('id', id).attr('x1', 0).attr('y1', 1).attr('x2', 0).attr('y2', 0);
  for (let i = 0; i <= 10; i++) gradient.append('stop').attr('offset', i / 10).attr('stop-color', color(i / 10));
  const bar = g.append('g').attr('class', 'color-bar');
  bar.append('rect').attr('x', x).attr('y', y1).attr('width', 8).attr('height', y0 - y1).attr('fill', `url(#${id})`);
  const axis = d3.scaleLinear([0, 1], [y0, y1]);
  bar.append('g').attr('class', 'axis').attr('transform', `translate(${x + 8},0)`).call(d3.axisRight(axis).ticks(3).tickFormat(d3.format('~g')));
}

function drawCurves(ctx: PlotContext, spec: Extract<PlotSpec, { kind: 'curves' }>, samples: readonly MetricSample[]): LegendItem[] {
  const { curves, points: pts } = latestCurves(spec, samples);
  const bands = curves.map((c) => curveBand(spec, c));
  const all = [...pts.flat(), ...bands.flat().flatMap(([x, lo, hi]) => [[x, lo], [x, hi]] as Point[])];
  if (pts.flat().length === 0) return empty(ctx, 'no curve yet (run the action)');
  const x = scale(!!spec.logX, d3.extent(all, (p) => p[0]) as [number, number], [M.left, ctx.width - M.right]);
  const y = scale(!!spec.logY, d3.extent(all, (p) => p[1]) as [number, number], [ctx.height - M.bottom, M.top]);
  const g = frame(ctx, x, y, spec.xLabel ?? 'x', spec.yLabel ?? 'y');
  const line = d3
    .line<Point>()
    .x((p) => x(p[0]))
    .y((p) => y(p[1]));
  const area = d3
    .area<[number, number, number]>()
    .x((b) => x(b[0]))
    .y0((b) => y(b[1]))
    .y1((b) => y(b[2]));
  pts.forEach((p, i) => {
    const color = PALETTE[i % PALETTE.length]!;
    if (bands[i]!.length > 0) g.append('path').attr('class', 'band').attr('fill', color).attr('fill-opacity', 0.2).attr('stroke', 'none').attr('d', area(bands[i]!));
    g.append('path').attr('class', 'curve').attr('fill', 'none').attr('stroke', color).attr('stroke-width', 1.6).attr('d', line(p));
    g.append('g')
      .selectAll('circle')
      .data(p)
      .join('circle')
      .attr('cx', (d) => x(d[0]))
      .attr('cy', (d) => y(d[1]))
      .attr('r', 2.5)
      .attr('fill', color);
  });
  return curves.map((c, i) => ({
    label: c.slope !== undefined && Number.isFinite(c.slope) ? `${c.label} (slope ${c.slope.toFixed(2)})` : c.label,
    color: PALETTE[i % PALETTE.length]!,
  }));
}
