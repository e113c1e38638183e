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
}

export interface Curve {
  label: string;
  x: number[];
  y: number[];
  /** Fitted log-log slope, shown in the legend when present. */
  slope?: number;
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
  | { kind: 'histogram'; id: string; title: string; histogram: string; xLabel?: string }
  /** A histogram's history as a heatmap: x = time, y = bins (e.g. cosine similarity drifting to 1). */
  | { kind: 'histogram-time'; id: string; title: string; histogram: string; yLabel?: string }
  | { kind: 'curves'; id: string; title: string; curves: string; logX?: boolean; logY?: boolean; xLabel?: string; yLabel?: string }
) & { shown?: (params: Params) => boolean };

/** What the viewport draws, straight from GPU storage buffers (no CPU copy per frame). */
export interface RenderView {
  count: number;
  /** vec4<f32> per particle: xyz in world units (z = 0 in 2-D), w unused. */
  positions: GPUBuffer;
  /** vec4<f32> per particle: linear rgba in [0, 1]. */
  colors: GPUBuffer;
  dims: 2 | 3;
  /** Particle radius in world units. */
  radius: number;
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
  run(): Promise<void>;
}

export interface Simulation {
  readonly params: Params;
  readonly stepCount: number;
  readonly time: number;
  /** Re-read after setParams/importState/reset: buffers may be rebuilt. */
  readonly render: RenderView;
  readonly actions?: readonly SimAction[];
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
  metrics: readonly MetricInfo[];
  plots: readonly PlotSpec[];
  /** Builds the system for validated params. */
  create(ctx: GpuContext, params: Params): Promise<Simulation>;
  /** Headless verbs beyond `run` (bench, convergence): `lab <verb> <id>`. */
  tools?: readonly SimTool[];
  /** A learned model attached to the system: its panel, weights and tools. */
  model?: SimModel;
}
