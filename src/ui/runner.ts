// The lab's engine room, separate from the Lit shell: owns the GPU context, the simulation, the
// viewport and the metric log, and runs the frame loop. Per frame it only encodes steps and a
// GPU→GPU copy for the viewport; readbacks (sample()) happen at metric cadence.
import { createContext, deviceLostSoon, onGpuError, type GpuContext } from '../gpu/context';
import { MetricLog } from '../sims/metrics';
import { quote } from '../quote';
import { checkState, type SimState } from '../sims/state';
import { getSystem } from '../sims/registry';
import type { Params } from '../sims/params';
import type { MetricSample, RenderView, SimDefinition, Simulation } from '../sims/types';
import { Viewport } from './viewport/viewport';

export type MessageKind = 'error' | 'warning' | 'info';

export interface RunnerHooks {
  /** Anything the shell shows changed (step, stats, params, playing). */
  changed(): void;
  /** A new metric sample was logged. */
  sampled(sample: MetricSample): void;
  message(kind: MessageKind, text: string): void;
  /** A new simulation replaced the old one after a device loss (models attached to it must be rebuilt). */
  recovered?(): void;
  /** `sim` is about to be destroyed: stop and release the work that drives it (a model's training, inference). */
  releasing?(sim: Simulation): Promise<void>;
}

export interface Stats {
  fps: number;
  stepsPerSecond: number;
  /** GPU time per step (ms) from sim.timings(); undefined before the first report. */
  gpuMsPerStep?: number;
  /** Wall time per step (ms) measured while playing or stepping, with the system's cost then; undefined before any. */
  msPerStep?: { ms: number; cost: number };
  timingMethod?: 'timestamp' | 'queue';
}

/** "n 1024 → 4096, phi 0.5 → 0.7": what a parameter change changed. */
function describeChanges(before: Params, after: Params): string {
  const changed = Object.keys(after).filter((k) => before[k] !== after[k]);
  // Text values (a sentence) are quoted and cut, so the legend's mark stays one short line.
  const shown = (v: unknown) => (typeof v === 'string' ? quote(v) : String(v));
  return changed.map((k) => `${k} ${shown(before[k])} → ${shown(after[k])}`).join(', ') || 'a rebuild';
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export class LabRunner {
  sim: Simulation | undefined;
  def!: SimDefinition;
  preset = '';
  log = new MetricLog('none');
  playing = false;
  stepsPerFrame = 1;
  /** Frames between metric samples; 0 turns sampling (and snapshots) off. */
  sampleEvery = 6;
  snapshotEverySeconds = 20;
  readonly stats: Stats = { fps: 0, stepsPerSecond: 0 };
  /**
   * Sees each drawn frame right after it is rendered (the canvas still holds it: a video recording
   * copies it then). Returning false holds the next steps back (the encoder is behind).
   */
  frameWatcher: ((sim: Simulation) => boolean) | undefined;
  private held = false;
  /** A run toward a step (Run to, a long Step N), a chunk of steps per frame sized to ~0.1 s. */
  private target: { step: number; start: number; startedAt: number; chunk: number; lastFrame: number; lastShown: number; done?: () => void } | undefined;
  /** Counters for tests and the readout. */
  frames = 0;
  samples = 0;
  recoveries = 0;

  private queue: Promise<unknown> = Promise.resolve();
  private opDepth = 0;
  private sampling: Promise<void> | undefined;
  private lastSampledStep = -1;
  private rafId = 0;
  /** The current stats window; `played`: the run played throughout it, so its step time is a measurement. */
  private statWindow = { t: performance.now(), frames: 0, steps: 0, gpuMs: 0, played: false, warm: false };
  private snapshot: SimState | undefined;
  private lastSnapshotAt = performance.now();
  private disposed = false;
  private shownView: RenderView | undefined;
  /** A sample's problem paused the run (until play, a reset or a new system). */
  private stoppedByProblem = false;

  private constructor(
    private readonly host: HTMLElement,
    public ctx: GpuContext,
    public viewport: Viewport,
    private readonly hooks: RunnerHooks,
  ) {
    this.watchDevice(ctx);
  }

  static async create(host: HTMLElement, hooks: RunnerHooks): Promise<LabRunner> {
    const ctx = await createContext(navigator.gpu, 'particle-lab');
    const viewport = await Viewport.create(host, ctx.device);
    const runner = new LabRunner(host, ctx, viewport, hooks);
    runner.rafId = requestAnimationFrame(runner.tick);
    return runner;
  }

  /** Hands the viewport a view (and remembers which, so a view the system replaced is picked up next frame). */
  private showView(view: RenderView): void {
    this.shownView = view;
    this.viewport.setView(view);
  }

  get stepCount(): number {
    return this.sim?.stepCount ?? 0;
  }

  /** Step of the last state snapshot kept for device-loss recovery (-1: none). */
  get snapshotStep(): number {
    return this.snapshot?.step ?? -1;
  }

  get busy(): boolean {
    return this.opDepth > 0;
  }

  /** What is in flight now: operations holding the controls, and whether a sample is pending. */
  get pending(): { operations: number; sampling: boolean } {
    return { operations: this.opDepth, sampling: !!this.sampling };
  }

  /** Runs an operation that may rebuild buffers, never concurrently with a sample or another operation. */
  /** `quiet` operations (reads such as snapshots) are serialised too but leave the controls enabled. */
  private exclusive<T>(fn: () => Promise<T>, quiet = false): Promise<T> {
    const job = this.queue.then(async () => {
      if (!quiet) this.opDepth++;
      try {
        await this.sampling;
        return await fn();
      } finally {
        if (!quiet) {
          this.opDepth--;
          this.hooks.changed();
        }
      }
    });
    this.queue = job.catch(() => undefined);
    return job;
  }

  /** Creates (or replaces) the simulation. */
  load(def: SimDefinition, preset: string, params: Params): Promise<void> {
    return this.exclusive(async () => {
      const sim = await def.create(this.ctx, params);
      await this.retire(this.sim);
      this.sim = sim;
      this.def = def;
      this.preset = preset;
      this.log = new MetricLog(def.id);
      this.snapshot = undefined;
      this.lastSampledStep = -1;
      this.stoppedByProblem = false;
      this.showView(sim.render);
      this.viewport.resetCamera();
    });
  }

  /**
   * Applies a parameter change (live or with a rebuild, as the system decides). `update` maps the
   * params current when the change runs to the new ones, so quick successive edits all apply.
   */
  setParams(update: Params | ((current: Params) => Params)): Promise<void> {
    return this.exclusive(async () => {
      const sim = this.need();
      const before = { params: sim.params, step: sim.stepCount, bounds: JSON.stringify(sim.render.bounds) };
      await sim.setParams(typeof update === 'function' ? update(sim.params) : update);
      // A rebuild that restarts the clock starts a new run of the log (plotted apart, not zig-zagging back to t = 0).
      if (sim.stepCount < before.step) this.log.newRun(`after ${describeChanges(before.params, sim.params)}`);
      this.showView(sim.render);
      if (JSON.stringify(sim.render.bounds) !== before.bounds) this.viewport.resetCamera();
      this.lastSampledStep = -1;
      this.stoppedByProblem = false;
    });
  }

  reset(): Promise<void> {
    return this.exclusive(async () => {
      const sim = this.need();
      await sim.reset();
      this.log.clear();
      this.lastSampledStep = -1;
      this.stoppedByProblem = false;
      this.showView(sim.render);
    });
  }

  /** The system's relative cost per step now (1 when it does not say). */
  get cost(): number {
    return this.sim ? (this.def.cost?.(this.sim.params) ?? 1) : 1;
  }

  /** Estimated wall time (ms) of `steps` steps at `cost` (default: now), from the measured step time; undefined before any. */
  estimateMs(steps: number, cost = this.cost): number | undefined {
    const m = this.stats.msPerStep;
    return m ? (m.ms * steps * cost) / m.cost : undefined;
  }

  private measured(ms: number, steps: number): void {
    if (steps > 0 && ms > 0) this.stats.msPerStep = { ms: ms / steps, cost: this.cost };
  }

  /**
   * Takes n steps. When they could take longer than a frame (estimated, or unknown and many), they run
   * as a target over frames with progress instead of one long submit that would freeze the page.
   */
  stepN(n: number, done?: () => void): void {
    const sim = this.sim;
    if (!sim || this.busy) return;
    const estimate = this.estimateMs(n);
    if ((estimate ?? (n > 1000 ? Infinity : 0)) > 250) {
      this.runTo(sim.stepCount + n, done);
      return;
    }
    sim.step(n);
    this.hooks.changed();
    done?.();
  }

  /** Plays until step `step` (never past it), then pauses; progress in `runProgress`. */
  runTo(step: number, done?: () => void): void {
    const sim = this.sim;
    if (!sim || step <= sim.stepCount) return;
    this.target = { step, start: sim.stepCount, startedAt: performance.now(), chunk: this.stepsPerFrame, lastFrame: performance.now(), lastShown: 0, done };
    this.setPlaying(true);
  }

  /** The running target: steps done of total, and the estimated seconds left (from its own pace). */
  get runProgress(): { done: number; total: number; etaSeconds: number | undefined } | undefined {
    const t = this.target;
    if (!t || !this.sim) return undefined;
    const done = this.sim.stepCount - t.start;
    const total = t.step - t.start;
    const elapsed = (performance.now() - t.startedAt) / 1000;
    return { done, total, etaSeconds: done > 0 ? (elapsed * (total - done)) / done : undefined };
  }

  setPlaying(on: boolean): void {
    // Step times are measured over windows of uninterrupted play, from the second one on: not load
    // time, not a pause, not the first frames (pipelines compile then, and a step looks 100× dearer).
    if (on && !this.playing) this.statWindow = { t: performance.now(), frames: this.frames, steps: this.stepCount, gpuMs: this.sim?.timings().totalMs ?? 0, played: true, warm: false };
    if (!on) this.statWindow.played = false;
    this.playing = on;
    if (!on) this.target = undefined; // a pause ends a run toward a step
    if (on) this.stoppedByProblem = false;
    if (!on) void this.takeSnapshot();
    this.hooks.changed();
  }

  runAction(name: string, progress?: (done: number, total: number) => void): Promise<void> {
    return this.exclusive(async () => {
      const action = this.need().actions?.find((a) => a.name === name);
      if (!action) throw new Error(`no action "${name}"`);
      const before = { params: this.need().params, step: this.need().stepCount };
      await action.run(progress);
      // An action may change params and restart the clock (e.g. a new seed): a new run of the log, as for a rebuild.
      if (this.need().stepCount < before.step) this.log.newRun(`after ${action.label}: ${describeChanges(before.params, this.need().params)}`);
      this.showView(this.need().render);
      this.lastSampledStep = -1;
      this.stoppedByProblem = false;
    }).then(() => this.sampleNow());
  }

  exportState(): Promise<SimState> {
    return this.exclusive(() => this.need().exportState());
  }

  /** Imports a state object (already parsed JSON); switches system when the file is for another one. */
  importState(raw: unknown): Promise<void> {
    return this.exclusive(async () => {
      const sys = (raw as { system?: unknown } | null)?.system;
      let def = this.def;
      if (typeof sys === 'string' && sys !== this.def.id) def = getSystem(sys);
      const state = checkState(def.id, def.schema, this.need().params, raw);
      if (def !== this.def) {
        const sim = await def.create(this.ctx, state.params);
        await sim.importState(state);
        await this.retire(this.sim);
        this.sim = sim;
        this.def = def;
        this.preset = def.defaultPreset;
        this.viewport.resetCamera();
      } else {
        await this.need().importState(state);
      }
      this.log = new MetricLog(def.id);
      this.lastSampledStep = -1;
      this.stoppedByProblem = false;
      this.snapshot = state;
      this.showView(this.need().render);
    }).then(() => this.sampleNow());
  }

  // Work in flight on a simulation (a model training on it, its colour refreshes) must stop before
  // its buffers are destroyed: a submit that uses a destroyed buffer is a GPU validation error.
  private async retire(sim: Simulation | undefined): Promise<void> {
    if (!sim) return;
    await this.hooks.releasing?.(sim);
    sim.dispose();
  }

  /** Takes a metric sample now (e.g. after step-N or an action). */
  sampleNow(): Promise<void> {
    // A sample already in flight may predate the latest steps: take a fresh one after it.
    const job: Promise<void> = (this.sampling ?? Promise.resolve()).then(() => this.takeSample()).finally(() => {
      if (this.sampling === job) this.sampling = undefined;
      this.hooks.changed();
    });
    this.sampling = job;
    return job;
  }

  private async takeSample(): Promise<void> {
    const sim = this.sim;
    const ctx = this.ctx;
    if (!sim || this.busy) return;
    try {
      const s = await sim.sample();
      if (sim !== this.sim) return;
      this.lastSampledStep = s.step;
      this.log.push(s);
      this.samples++;
      if (s.problem) {
        // Said once: samples of steps already submitted before the pause would repeat it.
        if (!this.stoppedByProblem) this.hooks.message('error', `Paused at step ${s.step}: ${s.problem}`);
        this.stoppedByProblem = true;
        this.playing = false;
      }
      this.hooks.sampled(s);
    } catch (e) {
      this.playing = false;
      // A read that failed because the device was lost is reported (and recovered) by the loss handler.
      if (this.disposed || (await deviceLostSoon(ctx.device))) return;
      this.hooks.message('error', `Sampling failed: ${errorText(e)}`);
    }
  }

  private async takeSnapshot(): Promise<void> {
    if (!this.sim || this.busy || this.sampleEvery === 0) return;
    this.lastSnapshotAt = performance.now();
    try {
      const sim = this.sim;
      const snap = await this.exclusive(() => sim.exportState(), true);
      if (sim === this.sim) this.snapshot = snap;
    } catch {
      /* a failed snapshot only means recovery restarts from the params */
    }
  }

  private readonly tick = (now: number): void => {
    if (this.disposed) return;
    this.rafId = requestAnimationFrame(this.tick);
    const sim = this.sim;
    if (!sim || this.busy) return;
    if (this.playing && !this.held) this.playFrame(sim);
    // A system may replace its view between operations (a bigger shower grows the buffers; a model's
    // showers drawn beside the generator's widen the bounds, and the camera refits to them).
    if (sim.render !== this.shownView) {
      const moved = JSON.stringify(sim.render.bounds) !== JSON.stringify(this.shownView?.bounds);
      this.showView(sim.render);
      if (moved) this.viewport.resetCamera();
    }
    this.viewport.frame();
    this.held = this.frameWatcher ? !this.frameWatcher(sim) : false;
    this.frames++;
    const w = this.statWindow;
    const dt = now - w.t;
    if (dt >= 1000) {
      const steps = sim.stepCount - w.steps;
      this.stats.fps = ((this.frames - w.frames) * 1000) / dt;
      this.stats.stepsPerSecond = (steps * 1000) / dt;
      const report = sim.timings();
      this.stats.timingMethod = report.method;
      if (steps > 0 && report.totalMs > w.gpuMs) this.stats.gpuMsPerStep = (report.totalMs - w.gpuMs) / steps;
      // The step's own time where the system reports it; wall time (bounded below by the frame rate) otherwise.
      if (steps >= 10 && w.played && w.warm) this.measured(this.stats.gpuMsPerStep !== undefined ? this.stats.gpuMsPerStep * steps : dt, steps);
      this.statWindow = { t: now, frames: this.frames, steps: sim.stepCount, gpuMs: report.totalMs, played: this.playing, warm: w.played && this.playing };
      this.hooks.changed();
    }
    if (this.sampleEvery > 0 && this.frames % this.sampleEvery === 0 && sim.stepCount !== this.lastSampledStep && !this.sampling) {
      void this.sampleNow();
    }
    if (this.playing && this.sampleEvery > 0 && now - this.lastSnapshotAt > this.snapshotEverySeconds * 1000) {
      void this.takeSnapshot();
    }
  };

  // Steps of one playing frame. A run that reaches the system's horizon pauses there (once: play
  // again continues past it).
  private playFrame(sim: Simulation): void {
    const t = this.target;
    if (t) {
      this.targetFrame(sim, t);
      return;
    }
    const h = sim.horizon;
    const left = h && sim.stepCount < h.step ? h.step - sim.stepCount : Infinity;
    sim.step(Math.min(this.stepsPerFrame, left));
    if (h && left <= this.stepsPerFrame) {
      this.setPlaying(false);
      this.hooks.message('info', `Reached ${h.description} at step ${sim.stepCount}; paused. Play continues past it.`);
    }
  }

  /** One frame of a run toward a step: a chunk that doubles while frames stay under 0.1 s and halves past 0.25 s. */
  private targetFrame(sim: Simulation, t: NonNullable<LabRunner['target']>): void {
    const now = performance.now();
    const frameMs = now - t.lastFrame;
    t.lastFrame = now;
    if (frameMs < 100) t.chunk *= 2;
    else if (frameMs > 250) t.chunk = Math.max(1, Math.floor(t.chunk / 2));
    const n = Math.min(t.chunk, t.step - sim.stepCount);
    sim.step(n);
    // The progress bar redraws the shell: a few times a second is enough.
    if (now - t.lastShown > 200) {
      t.lastShown = now;
      this.hooks.changed();
    }
    if (sim.stepCount >= t.step) {
      if (sim.stepCount - t.start >= 100) this.measured(now - t.startedAt, sim.stepCount - t.start); // long enough to outweigh warm-up
      const done = t.done;
      this.setPlaying(false);
      done?.();
    }
  }

  private need(): Simulation {
    if (!this.sim) throw new Error('no simulation is loaded');
    return this.sim;
  }

  // Device loss: a message, then a fresh device, viewport and simulation with the same params and
  // the last state snapshot when there is one. Never a dead page.
  private watchDevice(ctx: GpuContext): void {
    void ctx.lost.then((info) => {
      if (this.disposed || ctx !== this.ctx) return;
      void this.recover(info);
    });
    onGpuError(ctx.device, (error, text) => {
      if (!this.disposed && ctx === this.ctx) this.gpuError(error, text.slice(0, 400));
    });
  }

  // An uncaptured GPU error (invalid pipeline, out of memory, ...) means commands were dropped:
  // the numbers from here on cannot be trusted, so the run pauses and says why (once per message).
  private readonly reportedGpuErrors = new Set<string>();
  private gpuError(error: GPUError, text: string): void {
    this.playing = false;
    if (this.reportedGpuErrors.has(text)) return;
    this.reportedGpuErrors.add(text);
    const kind = error instanceof GPUOutOfMemoryError ? 'out of GPU memory (try a smaller n)' : `GPU error: ${text}`;
    this.hooks.message('error', `Paused at step ${this.stepCount}: ${kind}. Steps after this point may be wrong; reset or reload to continue.`);
    this.hooks.changed();
  }

  // Objects of a lost device are kept referenced for the page's life. Chromium's WebGPU client
  // releases a wrapper's object when it is garbage-collected; after a device loss that release
  // burst blocked the page's main thread for good (a native wait: a debugger could not pause
  // it), at the first collection after the recovery. Device losses are rare; the memory is the
  // lost device's, already freed on the GPU side.
  private readonly lostObjects: unknown[] = [];
  keepAlive(...objects: unknown[]): void {
    this.lostObjects.push(...objects);
  }

  /** Destroys the device on purpose (tests exercise the recovery path with it). */
  loseDevice(): void {
    this.ctx.device.destroy();
  }

  /** Makes the device raise a validation error on purpose (tests exercise the GPU-error path). */
  injectGpuError(): void {
    this.ctx.device.createBuffer({ label: 'injected error', size: 16, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.STORAGE });
  }

  private async recover(info: GPUDeviceLostInfo): Promise<void> {
    const wasPlaying = this.playing;
    this.playing = false;
    this.hooks.message('error', `The GPU device was lost (${info.reason}${info.message ? `: ${info.message}` : ''}). Re-initialising…`);
    const params = this.sim?.params;
    const snapshot = this.snapshot;
    const def = this.def;
    this.keepAlive(this.ctx, this.sim, this.viewport);
    this.opDepth++;
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          try {
            this.sim?.dispose();
          } catch {
            /* the old device is gone */
          }
          this.sim = undefined;
          // A sample in flight on the lost device may never settle: new samples must not queue behind it.
          this.sampling = undefined;
          try {
            this.viewport.dispose();
          } catch {
            /* the old device is gone */
          }
          this.ctx = await createContext(navigator.gpu, 'particle-lab');
          this.watchDevice(this.ctx);
          this.viewport = await Viewport.create(this.host, this.ctx.device);
          const sim = await def.create(this.ctx, params ?? this.def.schema.specs.reduce((a, s) => ({ ...a, [s.name]: s.default }), {}));
          let restored = '';
          if (snapshot) {
            try {
              await sim.importState(snapshot);
              restored = ` and restored the snapshot from step ${snapshot.step}`;
            } catch (e) {
              restored = ` (the snapshot could not be restored: ${errorText(e)})`;
            }
          }
          this.sim = sim;
          this.showView(sim.render);
          this.viewport.resetCamera();
          this.recoveries++;
          this.hooks.recovered?.();
          this.hooks.message('info', `Recovered from the device loss: new device on ${this.ctx.adapterName}, same params${restored}.`);
          this.playing = wasPlaying;
          return;
        } catch (e) {
          if (attempt >= 3) {
            this.hooks.message('error', `Could not re-initialise WebGPU after the device loss: ${errorText(e)}. Reload the page to try again.`);
            return;
          }
          await new Promise((r) => setTimeout(r, 1000 * attempt));
        }
      }
    } finally {
      this.opDepth--;
      this.hooks.changed();
    }
  }

  dispose(): void {
    this.disposed = true;
    cancelAnimationFrame(this.rafId);
    this.sim?.dispose();
    this.viewport.dispose();
  }
}
