// The contract of a learned model attached to a system (mips: the score network). The lab draws
// one generic panel from it, the CLI reads `--weights` and `--set <prefix>KEY=V` through it, and
// its tools (train, bench) are listed with the system's.
import type { Checkpoint, TrainProgress } from '../nn';
import type { ParamSchema, Params } from './params';
import type { Releasable, SimTool } from './tools';
import type { PlotSpec, Simulation } from './types';

/** A span of a panel row; `id` becomes the test id `<model id>-<id>`. */
export interface ViewPart {
  text: string;
  id?: string;
  tone?: 'strong' | 'muted' | 'ok' | 'error';
}

export interface ViewButton {
  label: string;
  id?: string;
  press(): void;
}

/** A control of a panel row: a choice among options, or a slider; `id` becomes the test id. */
export interface ViewControl {
  id: string;
  label: string;
  /** The current value as text (an option's value, or the slider's number). */
  value: string;
  /** A choice (drawn as a select) … */
  options?: readonly { value: string; label: string }[];
  /** … or a slider over [min, max] in steps of `step`. */
  range?: { min: number; max: number; step: number };
  /** Called with the new value (one of `options`, or a number within `range`, as text). */
  change(value: string): void;
}

/** One row of the panel's model-specific part: text, an optional progress bar, controls, buttons. */
export interface ViewRow {
  id?: string;
  /** data-* attributes (e.g. a count tests wait on). */
  data?: Record<string, string>;
  parts: ViewPart[];
  progress?: { done: number; total: number };
  controls?: ViewControl[];
  buttons?: ViewButton[];
}

/** A square map of values drawn blue (< 0) – grey – red (> 0), y up as the viewport. */
export interface ViewMap {
  id: string;
  title: string;
  /** The quantity and its unit, under the map's colour bar. */
  label: string;
  binsPerSide: number;
  /** binsPerSide² values, row-major from y = 0; NaN: empty bin. */
  values: ArrayLike<number>;
}

export interface ModelView {
  rows: ViewRow[];
  map?: ViewMap;
}

/** What the lab gives a model session. */
export interface ModelHooks {
  say(kind: 'info' | 'error', text: string): void;
  /** A result worth a sample now (a finished evaluation). */
  sampled(): void;
  /** Sets a parameter of the system as if typed in the panel (validated there). */
  setParam(name: string, text: string): void;
  nextFrame(): Promise<void>;
}

/** A model's live session on one simulation: training, weights, and what its panel shows. */
export interface ModelSession {
  readonly sim: Simulation;
  readonly training: boolean;
  readonly progress: TrainProgress | undefined;
  /** What a load is doing now; '' when idle. */
  readonly loading: string;
  /** Where the weights came from. */
  readonly source: string;
  /** The latest weights on the CPU (restored on a new device after a loss). */
  readonly checkpoint: Checkpoint | undefined;
  readonly lossHistory: ReadonlyArray<{ step: number; loss: number }>;
  /** The loaded network in a few words; undefined when there is none. */
  describe(): string | undefined;
  /** Settings of the network Train builds, as the model's prefixed params. */
  settingsParams(): Params;
  /** Takes validated settings (model.settings schema) for the next new network. */
  useSettings(values: Params): void;
  subscribe(listener: () => void): () => void;
  start(total: number): void;
  stop(): Promise<void>;
  save(): Promise<Uint8Array<ArrayBuffer>>;
  load(bytes: Uint8Array, source: string): Promise<void>;
  loadUrl(url: string, label: string): Promise<void>;
  view(): ModelView;
  dispose(): Promise<void>;
}

export interface SimModel {
  /** Names the model on the command line (`lab bench score`), in test ids and file names. */
  id: string;
  title: string;
  description: string;
  /** Prefix of its settings among a run's params (`score.`). */
  prefix: string;
  /** Settings of a new network; every name carries the prefix. */
  settings: ParamSchema;
  /** Plots of its panel, from the run's samples (they name the system's metrics). */
  plots: readonly PlotSpec[];
  /** Pretrained weights by preset, relative to the site root (public/). */
  defaultWeights: Readonly<Record<string, string>>;
  /** Checks a weights file against params on the CPU, as loading would; throws WeightsFormatError. */
  checkWeights(bytes: Uint8Array, params: Params): void;
  /** Headless: loads weights onto a simulation so its samples carry the model's scalars. */
  attach(sim: Simulation, bytes: Uint8Array): Promise<Releasable>;
  createSession(sim: Simulation, hooks: ModelHooks): ModelSession;
  /** Headless verbs of the model (train, bench). */
  tools?: readonly SimTool[];
}
