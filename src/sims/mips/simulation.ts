// The mips Simulation: owns the particle buffers and kernels, encodes steps, samples observables
// (decoded in observables.ts, problems in problems.ts) and exports/imports state (codec: state.ts).
import type { GpuContext } from '../../gpu/context';
import { Readback } from '../../gpu/buffers';
import { dispatch } from '../../gpu/pipelines';
import { GpuTimer, TIMING_INTERVAL_MS, type TimingReport } from '../../gpu/timing';
import { uniform4 } from '../../gpu/rng';
import { needsRebuild, type Params } from '../params';
import type { SimState } from '../state';
import type { ColorBarSpec, MetricSample, RenderView, Simulation } from '../types';
import { colormapStops } from '../../gpu/colormap';
import { dispatchItems, dispatchThreads } from '../../gpu/dispatch';
import { COLOR_SCALE, HISTOGRAM_BINS, MipsKernels } from './kernels';
import { decodeSummary, fieldsById } from './observables';
import { schema, type MipsParams } from './params';
import { ParticleBuffers, SUMMARY } from './particles';
import { nonFiniteProblem, overflowProblem } from './problems';
import { openMipsState, packMipsState } from './state';
import type { CellList } from './cell-list';
import { decodeStatus, STATUS_BYTES, type NeighbourStats, type VerletList } from './verlet';

/**
 * A model attached to the simulation (the score network): adds scalars to samples and colours
 * particles for its own colour modes (`colorBy` values it lists).
 */
export interface MipsAttachment {
  readonly colorModes: readonly string[];
  /** Scalars merged into every sample (e.g. eprLearned); runs after the sim's own sample. */
  sample(): Promise<Record<string, number>>;
  /** Records the colouring of the render slots for `mode` (one of colorModes). */
  encodeColors(encoder: GPUCommandEncoder, mode: string): void;
  /** The colour bar of `mode` (one of colorModes). */
  colorBar(mode: string): ColorBarSpec;
}

/** The sim's buffers and cell list for attached models; `generation` changes when they are rebuilt. */
export interface MipsInternals {
  device: GPUDevice;
  generation: number;
  buf: ParticleBuffers;
  cells: CellList;
}

/** How the passes of a batch are opened: one shared pass, or one (timed) pass per kernel. */
interface PassPlan {
  begin(label: string): GPUComputePassEncoder;
  end(pass: GPUComputePassEncoder): void;
}

function sharedPass(pass: GPUComputePassEncoder): PassPlan {
  return { begin: () => pass, end: () => undefined };
}

function timedPasses(encoder: GPUCommandEncoder, timer: GpuTimer): PassPlan {
  return { begin: (label) => timer.pass(encoder, label), end: (pass) => pass.end() };
}

/** Ticks at k·top/parts for k = 0…parts (and their negatives when `signed`): a bar's fixed scale. */
export function fractions(top: number, parts: number, signed = false): number[] {
  const up = Array.from({ length: parts + 1 }, (_, k) => (k * top) / parts);
  return signed ? [...up.slice(1).reverse().map((v) => -v), ...up] : up;
}

/** Density/EPR colouring refreshes its field at most this often while stepping (ms). */
const FIELD_REFRESH_MS = 200;

/** Square lattice with a small jitter (never overlapping below the particle diameter at φ ≤ π/4). */
export function initialPositions(n: number, boxL: number, radius: number, seed: number): Float32Array<ArrayBuffer> {
  const side = Math.ceil(Math.sqrt(n));
  const a = boxL / side;
  const jitter = 0.5 * Math.max(0, a - 2 * radius) * 0.5;
  const out = new Float32Array(n * 4);
  for (let i = 0; i < n; i++) {
    const r = uniform4(i, 0, seed, 9);
    out[4 * i] = ((i % side) + 0.5) * a + jitter * (2 * r[0] - 1);
    out[4 * i + 1] = (Math.floor(i / side) + 0.5) * a + jitter * (2 * r[1] - 1);
    out[4 * i + 3] = i;
  }
  return out;
}

export class MipsSimulation implements Simulation {
  params: MipsParams;
  stepCount = 0;
  time = 0;
  private msdOriginTime = 0;
  private buf: ParticleBuffers;
  private k: MipsKernels;
  private readonly timer: GpuTimer;
  private readonly readback: Readback;
  private disposed = false;
  private fieldsAt = -Infinity;
  private generation = 0;
  private attachment: MipsAttachment | undefined;

  constructor(
    private readonly ctx: GpuContext,
    params: Params,
  ) {
    this.params = schema.typed(params);
    this.timer = new GpuTimer(ctx.device, ctx.hasTimestamps, TIMING_INTERVAL_MS);
    this.readback = new Readback(ctx.device, 'mips readback');
    this.buf = new ParticleBuffers(ctx.device, this.params.n);
    this.k = new MipsKernels(ctx.device, this.params, this.buf);
    this.initialise();
  }

  /** The view and what it was made from: the runner reads `render` every frame, and a new object each time redraws the legend. */
  private view: { of: readonly unknown[]; view: RenderView } | undefined;

  get render(): RenderView {
    const of = [this.params, this.attachment, this.buf, this.k];
    if (!this.view || this.view.of.some((x, i) => x !== of[i])) this.view = { of, view: this.makeRender() };
    return this.view.view;
  }

  private makeRender(): RenderView {
    const { boxL, radius } = this.k.geometry;
    return {
      count: this.buf.n,
      positions: this.buf.posA,
      colors: this.buf.colors,
      dims: 2,
      radius,
      bounds: { min: [0, 0, 0], max: [boxL, boxL, 0] },
      box: true,
      colorBar: this.colorBar(),
      lengthUnit: this.params.force === 'wca' ? 'σ' : 'r0',
      caption: `L = ${boxL.toFixed(2)}, ${this.k.cells.grid.cellsPerSide}² cells`,
    };
  }

  /** The scale of the particle colours (color.wgsl), or the attached model's for its modes. */
  private colorBar(): ColorBarSpec {
    const mode = this.params.colorBy;
    if (this.attachment?.colorModes.includes(mode)) return this.attachment.colorBar(mode);
    if (mode === 'orientation') return { label: 'heading θ (degrees)', min: -180, max: 180, log: false, colors: colormapStops('cyclic'), ticks: [-180, -90, 0, 90, 180] };
    if (mode === 'density') {
      const top = COLOR_SCALE.densityMax;
      return { label: 'local packing fraction', min: 0, max: top, log: false, colors: colormapStops(this.params.colormap), ticks: fractions(top, 4) };
    }
    const e = COLOR_SCALE.eprScale;
    return { label: 'local EPR σᵢ / |⟨σ⟩| (mean per particle)', min: -e, max: e, log: false, colors: colormapStops('diverging'), ticks: fractions(e, e, true) };
  }

  get geometry() {
    return this.k.geometry;
  }

  get internals(): MipsInternals {
    return { device: this.ctx.device, generation: this.generation, buf: this.buf, cells: this.k.cells };
  }

  /** Attaches (or with undefined detaches) a model such as the score network. */
  attach(model: MipsAttachment | undefined): void {
    this.attachment = model;
    this.refreshColors();
  }

  /** Records a fresh cell list and the cell-sorted copy (posB, bodyB) of the current state. */
  encodeSorted(encoder: GPUCommandEncoder): void {
    const pass = encoder.beginComputePass({ label: 'mips: sort' });
    this.k.cells.encode(() => pass, () => undefined);
    pass.end();
  }

  /** Records n steps (no submit). With a timer, each kernel gets its own timed pass. */
  encodeSteps(encoder: GPUCommandEncoder, n: number, timer?: GpuTimer): void {
    const plan = timer ? undefined : encoder.beginComputePass({ label: 'mips: steps' });
    this.encodeStepPasses(plan ? sharedPass(plan) : timedPasses(encoder, timer!), n);
    plan?.end();
  }

  private encodeStepPasses(passes: PassPlan, n: number): void {
    const k = this.k;
    const n0 = this.buf.n;
    const strang = this.params.splitting === 'strang';
    if (k.verlet) {
      this.encodeVerletSteps(passes, n, k.verlet);
      return;
    }
    for (let s = 0; s < n; s++) {
      if (strang) {
        const p = passes.begin('half flow');
        dispatchItems(p, k.halfFlow, n0, k.perThread);
        passes.end(p);
      }
      // count, scan, scatter (+ copy into cell order), sort within cells
      k.cells.encode((label) => passes.begin(label), (p) => passes.end(p));
      const p = passes.begin('force step');
      dispatchItems(p, k.forceStep, n0, k.perThread);
      dispatch(p, k.tick, 1);
      passes.end(p);
    }
  }

  /**
   * Steps on the Verlet list: [Strang: first half flow, rebuild decision], the rebuild kernels
   * (dispatched indirectly: they run only when the GPU decided so), the step on the list, then
   * the clock (Lie: with the decision for the next step).
   */
  private encodeVerletSteps(passes: PassPlan, n: number, v: VerletList): void {
    const k = this.k;
    const n0 = this.buf.n;
    const strang = this.params.splitting === 'strang';
    for (let s = 0; s < n; s++) {
      const parity = v.parity;
      if (strang) {
        const p = passes.begin('half flow');
        dispatchItems(p, k.halfFlowTracked[parity], n0, k.perThread);
        dispatch(p, v.decide, 1);
        passes.end(p);
      }
      v.encodeRebuild((label) => passes.begin(label), (p) => passes.end(p));
      const p = passes.begin('force step');
      dispatchItems(p, k.verletStep[parity], n0, k.perThread);
      dispatch(p, strang ? k.tick : v.tickDecide, 1);
      passes.end(p);
      v.parity = parity === 0 ? 1 : 0;
    }
  }

  /** Cell-sorted copy of the current state, then density field, per-particle fields and totals. */
  private encodeFields(encoder: GPUCommandEncoder): void {
    encoder.clearBuffer(this.buf.histogram);
    const pass = encoder.beginComputePass({ label: 'mips: observables' });
    const k = this.k;
    k.cells.encode(() => pass, () => undefined);
    dispatchThreads(pass, k.density, k.binsPerSide ** 2);
    dispatchThreads(pass, k.observe, this.buf.n);
    dispatch(pass, k.reduce, 1);
    pass.end();
  }

  private encodeColors(encoder: GPUCommandEncoder): void {
    const mode = this.params.colorBy;
    if (this.attachment?.colorModes.includes(mode)) {
      this.attachment.encodeColors(encoder, mode);
      return;
    }
    const pass = encoder.beginComputePass({ label: 'mips: colours' });
    dispatchThreads(pass, this.k.color, this.buf.n);
    pass.end();
  }

  step(n: number): void {
    if (this.disposed || n <= 0) return;
    const encoder = this.ctx.device.createCommandEncoder({ label: 'mips: step' });
    // GPU time of the step passes (timings()): timed a few times a second, scaled to all steps.
    const pass = this.timer.pass(encoder, 'steps', n);
    this.encodeStepPasses(sharedPass(pass), n);
    pass.end();
    this.timer.resolve(encoder);
    // Density/EPR colours need the observables pass (a cell list and a pair loop): at most every
    // FIELD_REFRESH_MS, not every frame (at N = 65536 in Chromium on SwiftShader it cost ~210 ms).
    const now = performance.now();
    if (this.usesFields() && now - this.fieldsAt >= FIELD_REFRESH_MS) {
      this.encodeFields(encoder);
      this.fieldsAt = now;
    }
    this.encodeColors(encoder);
    this.ctx.device.queue.submit([encoder.finish()]);
    this.timer.collect().catch(() => undefined); // the sim may be disposed before the read lands
    this.stepCount += n;
    this.time += n * this.params.dt;
  }

  async setParams(next: Params): Promise<void> {
    const before = this.params;
    const params = schema.typed(next);
    this.params = params;
    if (needsRebuild(schema, before, params)) {
      this.rebuild();
      this.initialise();
      return;
    }
    if (!this.k.fits(params)) {
      this.k.destroy();
      this.k = new MipsKernels(this.ctx.device, params, this.buf);
      this.generation++;
    } else {
      this.k.setParams(params);
    }
    this.k.verlet?.requestRebuild(false);
    if (before.model !== params.model) {
      // A new propulsion state from the stationary law; the MSD origin restarts.
      const encoder = this.ctx.device.createCommandEncoder();
      const pass = encoder.beginComputePass();
      dispatchThreads(pass, this.k.init, this.buf.n);
      pass.end();
      this.ctx.device.queue.submit([encoder.finish()]);
      this.msdOriginTime = this.time;
    }
    this.refreshColors();
  }

  async reset(): Promise<void> {
    this.initialise();
  }

  async sample(): Promise<MetricSample> {
    const { device } = this.ctx;
    const k = this.k;
    const n = this.buf.n;
    // The clock when the sample is encoded: steps submitted while its readback is in flight belong to later samples.
    const step = this.stepCount;
    const time = this.time;
    const encoder = device.createCommandEncoder({ label: 'mips: sample' });
    this.encodeFields(encoder);
    const pass = encoder.beginComputePass({ label: 'mips: clusters' });
    dispatchThreads(pass, k.clusterInit, n);
    dispatchThreads(pass, k.clusterHook, n);
    dispatchThreads(pass, k.clusterCount, n);
    dispatchThreads(pass, k.clusterLargest, n);
    pass.end();
    encoder.copyBufferToBuffer(this.buf.total, 0, this.buf.summary, SUMMARY.totalOffset, 32);
    encoder.copyBufferToBuffer(this.buf.largest, 0, this.buf.summary, SUMMARY.largestOffset, 4);
    encoder.copyBufferToBuffer(this.buf.histogram, 0, this.buf.summary, SUMMARY.histogramOffset, HISTOGRAM_BINS * 4);
    const verlet = k.verlet;
    if (verlet) encoder.copyBufferToBuffer(verlet.status, 0, this.buf.summary, SUMMARY.statusOffset, STATUS_BYTES);
    device.queue.submit([encoder.finish()]);
    const raw = await this.readback.read(this.buf.summary, 0, SUMMARY.bytes);
    const p = this.params;
    const msdTime = time - this.msdOriginTime;
    const summary = decodeSummary(raw, { params: p, n, step, time, msdTime, listCapacity: verlet?.capacity });
    const sample = summary.sample;
    if (this.attachment) Object.assign(sample.scalars, await this.attachment.sample());
    // A blow-up overflows the list too (NaN positions share a cell): it is the one to report.
    const problem = nonFiniteProblem(p, step, n, summary.nonFinite, sample.scalars) ?? overflowProblem(p, summary.list);
    if (problem) sample.problem = problem;
    this.refreshColors();
    return sample;
  }

  async exportState(): Promise<SimState> {
    const n = this.buf.n;
    const pos = await this.readback.f32(this.buf.posA, 0, n * 16);
    const body = await this.readback.f32(this.buf.bodyA, 0, n * 16);
    return packMipsState(this, pos, body, this.msdOriginTime);
  }

  async importState(raw: SimState): Promise<void> {
    // Decoded and checked first, so a bad file leaves the running system untouched.
    const { state, pos, body, msdOriginTime } = openMipsState(raw, this.params);
    await this.setParams(state.params);
    const q = this.ctx.device.queue;
    q.writeBuffer(this.buf.posA, 0, pos);
    q.writeBuffer(this.buf.bodyA, 0, body);
    q.writeBuffer(this.buf.clock, 0, Uint32Array.of(state.step));
    this.k.verlet?.requestRebuild(true);
    this.stepCount = state.step;
    this.time = state.time;
    this.msdOriginTime = msdOriginTime;
    this.refreshColors();
  }

  /**
   * GPU time of the step passes, per label and in total, over every step() so far. Steps are
   * timed while no timestamp read is in flight; the total is scaled from the timed steps to all.
   */
  timings(): TimingReport {
    return this.timer.report();
  }

  /** Test/debug access: the Verlet list's rebuild count and fill (read back on request), or undefined when skin = 0. */
  async neighbourStats(): Promise<NeighbourStats | undefined> {
    const v = this.k.verlet;
    if (!v) return undefined;
    return decodeStatus(await this.readback.read(v.status, 0, STATUS_BYTES), 0, v.capacity);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.k.destroy();
    this.buf.destroy();
    this.timer.destroy();
    this.readback.destroy();
  }

  /** Test/debug access: per-particle (density, epr) fields in id order, for the current state. */
  async readFields(): Promise<{ density: Float64Array; epr: Float64Array }> {
    const n = this.buf.n;
    const encoder = this.ctx.device.createCommandEncoder();
    this.encodeFields(encoder);
    this.ctx.device.queue.submit([encoder.finish()]);
    const fields = await this.readback.f32(this.buf.fields, 0, n * 8);
    return fieldsById(fields, await this.readback.f32(this.buf.posA, 0, n * 16));
  }

  private rebuild(): void {
    this.k.destroy();
    this.buf.destroy();
    this.buf = new ParticleBuffers(this.ctx.device, this.params.n);
    this.k = new MipsKernels(this.ctx.device, this.params, this.buf);
    this.generation++;
  }

  private initialise(): void {
    const { boxL, radius } = this.k.geometry;
    const q = this.ctx.device.queue;
    q.writeBuffer(this.buf.posA, 0, initialPositions(this.buf.n, boxL, radius, this.params.seed));
    q.writeBuffer(this.buf.clock, 0, Uint32Array.of(0));
    this.k.verlet?.requestRebuild(true);
    const encoder = this.ctx.device.createCommandEncoder({ label: 'mips: init' });
    const pass = encoder.beginComputePass();
    dispatchThreads(pass, this.k.init, this.buf.n);
    pass.end();
    q.submit([encoder.finish()]);
    this.stepCount = 0;
    this.time = 0;
    this.msdOriginTime = 0;
    this.refreshColors();
  }

  private refreshColors(): void {
    const encoder = this.ctx.device.createCommandEncoder({ label: 'mips: colours' });
    if (this.usesFields()) this.encodeFields(encoder);
    this.fieldsAt = performance.now();
    this.encodeColors(encoder);
    this.ctx.device.queue.submit([encoder.finish()]);
  }

  /** The sim's own density / EPR colour modes need the observables pass. */
  private usesFields(): boolean {
    const mode = this.params.colorBy;
    return mode === 'density' || mode === 'epr';
  }
}
