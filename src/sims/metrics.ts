// A run's metric history, kept on the CPU (small samples only), exportable as CSV and JSON.
// A rebuild (new N, φ, ...) starts a new run: its samples restart at step 0, so they are kept
// apart (`run` on each sample) instead of being drawn or exported as one zig-zagging series.
import { csvFormatRows } from 'd3';
import { LAB_VERSION } from '../version';
import type { MetricInfo, MetricSample } from './types';

/** Where a run of the log begins, and why (e.g. "rebuild: n 1024 → 4096"). */
export interface RunStart {
  run: number;
  label: string;
}

/** A run's samples kept as a reference for the next runs ("Pin curves"), with what it was. */
export interface PinnedRun {
  label: string;
  samples: readonly MetricSample[];
}

export class MetricLog {
  readonly samples: MetricSample[] = [];
  readonly runs: RunStart[] = [{ run: 0, label: 'start' }];

  constructor(
    readonly system: string,
    private readonly limit = 100_000,
  ) {}

  get run(): number {
    return this.runs[this.runs.length - 1]!.run;
  }

  /**
   * Adds a sample to the current run. A second sample of the same step (a pause, "sample now",
   * a live parameter change) replaces the first: one row per step, holding the latest values.
   */
  push(s: MetricSample): void {
    const tagged: MetricSample = { ...s, run: this.run };
    const last = this.latest;
    if (last && last.run === tagged.run && last.step === tagged.step) this.samples[this.samples.length - 1] = tagged;
    else this.samples.push(tagged);
    if (this.samples.length > this.limit) this.samples.splice(0, this.samples.length - this.limit);
  }

  /** Starts a new run (after a rebuild); later samples are plotted and exported apart from earlier ones. */
  newRun(label: string): void {
    this.runs.push({ run: this.run + 1, label });
  }

  clear(): void {
    this.samples.length = 0;
    this.runs.splice(1);
  }

  get latest(): MetricSample | undefined {
    return this.samples[this.samples.length - 1];
  }

  /** The scalars of the samples (and of `more`), in order of first appearance. */
  scalarNames(more: readonly MetricSample[] = []): string[] {
    const names = new Set<string>();
    for (const s of [...this.samples, ...more]) for (const k of Object.keys(s.scalars)) names.add(k);
    return [...names];
  }

  /**
   * step,time,run,<scalars...>, one row per sample; `pinned` curves (a reference run the user kept)
   * follow with run = "pinned". Histograms and curves are in the JSON export (histograms also in histogramsCSV).
   */
  toCSV(pinned?: PinnedRun): string {
    const names = this.scalarNames(pinned?.samples);
    const row = (s: MetricSample, run: string | number) => [s.step, s.time, run, ...names.map((n) => (n in s.scalars ? s.scalars[n] : ''))];
    const rows = [...this.samples.map((s) => row(s, s.run ?? 0)), ...(pinned?.samples ?? []).map((s) => row(s, 'pinned'))];
    return csvFormatRows([['step', 'time', 'run', ...names], ...rows.map((r) => r.map(String))]) + '\n';
  }

  /**
   * Every sample as JSON, with what reads it later: the lab's version, each metric's unit and
   * meaning (`metrics`), and `meta` (params, adapter, the link that reproduces the run …).
   */
  toJSON(meta: Record<string, unknown> = {}, metrics: readonly MetricInfo[] = []): string {
    const units = Object.fromEntries(metrics.map((m) => [m.name, { label: m.label, unit: m.unit, description: m.description }]));
    return JSON.stringify({ system: this.system, version: LAB_VERSION, ...meta, metrics: units, runs: this.runs, samples: this.samples });
  }
}

/** A sample's histograms in long form, one row per bin: histogram,bin_lo,bin_hi,count,reference (empty without one). */
export function histogramsCSV(s: MetricSample | undefined): string {
  const rows = [['histogram', 'bin_lo', 'bin_hi', 'count', 'reference']];
  for (const [name, h] of Object.entries(s?.histograms ?? {})) {
    h.counts.forEach((c, i) => rows.push([name, h.edges[i] ?? '', h.edges[i + 1] ?? '', c, h.reference?.counts[i] ?? ''].map(String)));
  }
  return csvFormatRows(rows) + '\n';
}

/** A metric that is NaN/Inf is no result: it stops a run like a non-finite state. */
export function nonFiniteMetric(s: MetricSample): string | undefined {
  const bad = Object.entries(s.scalars).find(([, v]) => !Number.isFinite(v));
  return bad && `the metric ${bad[0]} is not finite (${bad[1]}) at step ${s.step}`;
}
