// window.__lab: a small read-mostly hook for e2e tests (assert on metrics, not pixels).
import type { MetricSample } from '../sims/types';
import type { Params } from '../sims/params';
import type { ParticleLab } from './lab-app';
import { readbacksInFlight } from '../gpu/buffers';
import { listSystems } from '../sims/registry';

export interface LabHook {
  readonly ready: boolean;
  readonly system: string | undefined;
  readonly preset: string | undefined;
  readonly params: Params | undefined;
  readonly step: number;
  readonly time: number;
  readonly playing: boolean;
  /** Frames drawn by the render loop. */
  readonly frames: number;
  /** Metric samples taken (each is one small readback). */
  readonly samples: number;
  readonly latest: MetricSample | undefined;
  readonly recoveries: number;
  /** Step of the last state snapshot kept for device-loss recovery (-1: none). */
  readonly snapshotStep: number;
  readonly count: number;
  /** Text labels the viewport draws (they follow their particles on the GPU). */
  readonly labels: number;
  /** In-flight work, for diagnosing a stalled page: operations, a pending sample, readback maps. */
  readonly pending: { operations: number; sampling: boolean; readbacks: number };
  /** The world rectangle the 2-D view shows (x0, y0, x1, y1), and the system's bounds. */
  view(): { visible: number[] | undefined; bounds: { min: number[]; max: number[] } | undefined };
  /** Systems and their presets (with N where the system has one), from the registry. */
  catalog(): { id: string; presets: { name: string; n?: number }[]; params: { name: string; kind: string }[] }[];
  /** The plots on the page and how many points each draws now. */
  plots(): { id: string; kind: string; points: number }[];
  /** Every MetricSample of the run so far. */
  history(): MetricSample[];
  play(on: boolean): void;
  /** Frames between samples; 0 stops sampling (and state snapshots). */
  setSampleEvery(frames: number): void;
  setStepsPerFrame(n: number): void;
  sampleNow(): Promise<MetricSample | undefined>;
  /** Destroys the GPUDevice to exercise device-loss recovery. */
  loseDevice(): void;
  /** Raises a GPU validation error (an invalid buffer) to exercise the error path. */
  injectGpuError(): void;
}

declare global {
  interface Window {
    /** The first lab on the page (test builds only). */
    __lab?: LabHook;
    /** Every lab on the page, in the order they connected (test builds only). */
    __labs?: LabHook[];
  }
}

export function installTestHook(app: ParticleLab): void {
  const r = () => app.runner;
  const hook: LabHook = {
    get ready() {
      return !!r()?.sim && !r()!.busy;
    },
    get system() {
      return r()?.sim ? r()!.def.id : undefined;
    },
    get preset() {
      return r()?.preset;
    },
    get params() {
      return r()?.sim ? { ...r()!.sim!.params } : undefined;
    },
    get step() {
      return r()?.stepCount ?? 0;
    },
    get time() {
      return r()?.sim?.time ?? 0;
    },
    get playing() {
      return r()?.playing ?? false;
    },
    get frames() {
      return r()?.frames ?? 0;
    },
    get samples() {
      return r()?.samples ?? 0;
    },
    get latest() {
      return r()?.log.latest;
    },
    get recoveries() {
      return r()?.recoveries ?? 0;
    },
    get snapshotStep() {
      return r()?.snapshotStep ?? -1;
    },
    get count() {
      return r()?.sim?.render.count ?? 0;
    },
    get labels() {
      return r()?.viewport.labelCount ?? 0;
    },
    get pending() {
      return { ...(r()?.pending ?? { operations: 0, sampling: false }), readbacks: readbacksInFlight() };
    },
    view: () => ({ visible: r()?.viewport.visibleRect(), bounds: r()?.sim?.render.bounds }),
    catalog: () =>
      listSystems().map((d) => ({
        id: d.id,
        presets: d.presets.map((p) => ({ name: p.name, n: typeof p.values.n === 'number' ? p.values.n : undefined })),
        params: d.schema.specs.map((s) => ({ name: s.name, kind: s.kind })),
      })),
    plots: () =>
      [...(app.shadowRoot?.querySelectorAll('lab-plot') ?? [])].map((el) => ({
        id: el.spec.id,
        kind: el.spec.kind,
        points: Number(el.shadowRoot?.querySelector('svg')?.dataset.points ?? 0),
      })),
    history: () => [...(r()?.log.samples ?? [])],
    play: (on) => r()?.setPlaying(on),
    setSampleEvery: (n) => {
      if (r()) r()!.sampleEvery = n;
    },
    setStepsPerFrame: (n) => {
      if (r()) r()!.stepsPerFrame = n;
    },
    sampleNow: async () => {
      await r()?.sampleNow();
      return r()?.log.latest;
    },
    loseDevice: () => r()?.loseDevice(),
    injectGpuError: () => r()?.injectGpuError(),
  };
  window.__labs = [...(window.__labs ?? []), hook];
  window.__lab ??= hook;
}
