// The contract every particle system implements. The UI, the URL, the CLI and the tests only use this.
import type { GpuContext } from '../gpu/context';
import type { TimingReport } from '../gpu/timing';
import type { ParamSchema, Params } from './params';
import type { SimModel } from './model';
import type { SimState } from './state';
import type { SimTool } from './tools';

export interface Preset {
  name: string;
  description: string;
  /** Overrides onto the schema defaults; always includes `seed`. */
  values: Params;
}

export interface Histogram {
  label: string;
  /** n + 1 bin edges. */
  edges: number[];
  counts: number[];
  /** Drawn over it on the same edges, as a line (e.g. an independent reference sample). */
  reference?: { label: string; counts: number[] };
}

export interface Curve {
  label: string;
  x: number[];
  y: number[];
  /** Fitted log-log slope, shown in the legend when present. */
  slope?: number;
  /** A shaded band around the curve at the same x (e.g. mean ± std over seeds). */
  band?: { lo: number[]; hi: number[] };
}

/** One sample of a system's observables, taken from a small GPU reduction (never all particles). */
export interface MetricSample {
  step: number;
  time: number;
  scalars: Record<string, number>;
  histograms?: Record<string, Histogram>;
  /** Curves computed on demand (e.g. a convergence study); the latest value is plotted. */
  curves?: Record<string, Curve[]>;
  /** Set when the state is not finite (NaN/Inf): the lab pauses and shows it. */
  problem?: string;
  /** Which run of the metric log the sample belongs to (a rebuild starts a new one); set by MetricLog. */
  run?: number;
}

export interface MetricInfo {
  name: string;
  label: string;
  unit: string;
  description: string;
}

/**
 * How the lab plots metrics; every system lists its own. A series' `x` is a scalar name, or
 * 'time' / 'step' (the sample's own clock; the default is time). `shown` hides a plot whose
 * scalars the current params never produce (e.g. a comparison that is switched off).
 */
export type PlotSpec = (
  | { kind: 'series'; id: string; title: string; y: string[]; x?: string; logX?: boolean; logY?: boolean; yLabel?: string }
  /** `heights`: 'fraction' (the default) draws each bin as a fraction of the total; 'as-is' draws the counts in the units yLabel names. */
  | { kind: 'histogram'; id: string; title: string; histogram: string; xLabel?: string; yLabel?: string; logY?: boolean; heights?: 'fraction' | 'as-is' }
  /** A histogram's history as a heatmap: x = time, y = bins (e.g. cosine similarity drifting to 1). */
  | { kind: 'histogram-time'; id: string; title: string; histogram: string; yLabel?: string }
  | { kind: 'curves'; id: string; title: string; curves: string; logX?: boolean; logY?: boolean; xLabel?: string; yLabel?: string }
) & { shown?: (params: Params) => boolean };

/** Planes z = const, square from −halfWidth to +halfWidth in x and y (world units) about (centerX, 0). */
export interface PlaneGroup {
  label: string;
  z: readonly number[];
  halfWidth: number;
  /** x of the squares' centre (default 0): a second stack drawn beside the first. */
  centerX?: number;
  /** Linear rgb in [0, 1]. */
  color: readonly [number, number, number];
  opacity: number;
}

/** A colour legend: `colors` (linear rgb) evenly spaced from min to max; the label names the quantity and its unit. */
export interface ColorBarSpec {
  label: string;
  min: number;
  max: number;
  log: boolean;
  colors: readonly (readonly [number, number, number])[];
  /** Where to put numeric ticks (default: d3's nice ticks between min and max). */
  ticks?: readonly number[];
}

/** What the viewport draws, straight from GPU storage buffers (no CPU copy per frame). */
export interface RenderView {
  count: number;
  /** vec4<f32> per particle: xyz in world units (z = 0 in 2-D); w is the size with `perPointSize`, else unused. */
  positions: GPUBuffer;
  /** vec4<f32> per particle: linear rgba in [0, 1]. */
  colors: GPUBuffer;
  dims: 2 | 3;
  /** Particle radius in world units (without `perPointSize`). */
  radius: number;
  /** Each particle's size is its positions.w (world units): a disc's diameter, a box's edge across x and y; 0 hides it. */
  perPointSize?: boolean;
  /** Camera-facing discs (the default), or boxes `depth` long along z (e.g. calorimeter cells). */
  shape?: { kind: 'disc' } | { kind: 'box'; depth: number };
  /** Translucent planes across z, in groups that share a tint (e.g. a detector's layers, ECAL and HCAL). */
  planes?: readonly PlaneGroup[];
  /** A colour legend beside the view. */
  colorBar?: ColorBarSpec;
  /** The unit of world lengths, for a figure's scale bar (2-D views). */
  lengthUnit?: string;
  bounds: { min: [number, number, number]; max: [number, number, number] };
  /** Extra things to draw. */
  box?: boolean;
  sphere?: boolean;
  /** Past positions: a ring of `length` frames of `count` vec4<f32>; `head()` is the newest frame. */
  trails?: { buffer: GPUBuffer; length: number; head: () => number; filled: () => number };
  /** Text labels attached to the first particles (e.g. words); drawn at `positions` on the GPU, never read back. */
  labels?: { text: string[] };
  /** A line shown under the viewport (e.g. which projection is used for d > 3). */
  caption?: string;
}

/** An on-demand action in the UI (e.g. "measure convergence"). */
export interface SimAction {
  name: string;
  label: string;
  description: string;
  /** `progress(done, total)` as it goes (any unit, e.g. steps), so the lab can show a bar and the time left. */
  run(progress?: (done: number, total: number) => void): Promise<void>;
}

/** A file the system offers for download (e.g. its last showers as HDF5), made on demand. */
export interface SimDownload {
  name: string;
  label: string;
  description: string;
  /** File extension, without the dot; the lab names the file like its other exports. */
  ext: string;
  mime: string;
  make(): Promise<Uint8Array | string>;
}

export interface Simulation {
  readonly params: Params;
  readonly stepCount: number;
  readonly time: number;
  /** Re-read after setParams/importState/reset: buffers may be rebuilt. */
  readonly render: RenderView;
  readonly actions?: readonly SimAction[];
  /** Files offered in the export bar, one button each. */
  readonly downloads?: readonly SimDownload[];
  /** A step where a run naturally ends (e.g. a network's last layer): playing pauses there once. */
  readonly horizon?: { step: number; description: string };
  /** Encodes and submits n steps; no readback. */
  step(n: number): void;
  /** Applies a validated full parameter set: live where possible, rebuilding (and freeing) buffers otherwise. */
  setParams(params: Params): Promise<void>;
  /** Back to the initial state of the current params and seed. */
  reset(): Promise<void>;
  /** Observables from a small GPU reduction. */
  sample(): Promise<MetricSample>;
  exportState(): Promise<SimState>;
  importState(state: SimState): Promise<void>;
  timings(): TimingReport;
  dispose(): void;
}

export interface SimDefinition {
  id: string;
  title: string;
  description: string;
  schema: ParamSchema;
  presets: readonly Preset[];
  defaultPreset: string;
  /** Relative cost of one step for these params (e.g. N for a neighbour-list system): the lab scales a measured step time by it to warn before heavy work. */
  cost?(params: Params): number;
  /** One sentence on what the viewport shows for these params (shown above it; built from the values, so it stays true). */
  headline(params: Params): string;
  metrics: readonly MetricInfo[];
  plots: readonly PlotSpec[];
  /** Builds the system for validated params. */
  create(ctx: GpuContext, params: Params): Promise<Simulation>;
  /** Headless verbs beyond `run` (bench, convergence): `lab <verb> <id>`. */
  tools?: readonly SimTool[];
  /** A learned model attached to the system: its panel, weights and tools. */
  model?: SimModel;
  /** The science for users: equations, estimators, references (the "About this system" panel). */
  about: SystemAbout;
}

/** One part of a system's "About" panel. */
export interface AboutSection {
  id: string;
  title: string;
  /** Paragraphs as trusted static markup: text, <p>, <em>, and MathML (<math>) the browser renders natively. */
  html: string;
}

export interface SystemAbout {
  sections: readonly AboutSection[];
  /** Full citations, cited in the sections as [key]. */
  references: readonly { key: string; text: string }[];
}
