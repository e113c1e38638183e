// The running showers system: one shower per step, made by the generator (in a worker in the
// browser), drawn as cells from GPU buffers, and summarised over the last N showers against a
// reference sample. Shower i depends only on the params and i, so the state is the params and
// the step: a resumed run regenerates the same showers bit for bit.
import type { GpuContext } from '../../gpu/context';
import { GpuTimer, TIMING_INTERVAL_MS, type TimingReport } from '../../gpu/timing';
import { checkAll, needsRebuild, type Params } from '../params';
import { openState, packState, type SimState } from '../state';
import type { MetricSample, PlaneGroup, RenderView, SimAction, SimDownload, Simulation } from '../types';
import type { Detector } from './detector';
import { detectorOf, eventSpec, referenceSpec, type AnyShower, type EventSpec } from './events';
import { showerFile } from './files';
import { observeShower, type ShowerObservables } from './observables';
import { colormapStops } from '../../gpu/colormap';
import { schema, type ShowerParams } from './params';
import { defaultSource, type ShowerSource } from './source';
import { summarise, summariseModel, summaryEdges, ShowerWindow, type SummaryEdges } from './summary';
import type { Hit } from './digitise';
import { CellView, type ColourRange } from './view';

export const SYSTEM_ID = 'showers';

/** Showers generated per request: small enough that the display keeps up, large enough to amortise a worker round trip. */
const CHUNK = 32;
/** Box depth of a drawn cell, mm: about the ECAL layer pitch, so cells read as the thin active slabs they are. */
const CELL_DEPTH = 2;

const ECAL_TINT: [number, number, number] = [0.25, 0.45, 0.9];
const HCAL_TINT: [number, number, number] = [0.9, 0.6, 0.2];

/**
 * A learned model beside the generator (model/): for each generator shower it makes one for the same
 * conditions. The sim draws the latest next to the generator's and summarises both windows.
 */
export interface FlowAttachment {
  /** Model showers' hits for these generator showers' conditions, in order. */
  sample(showers: readonly AnyShower[]): Promise<Hit[][]>;
  /** Training steps of the weights sampled now. */
  readonly steps: number;
  /** What the model side of the view is labelled with ("model (flow, 300 training steps)"). */
  readonly label: string;
  /** Why the model cannot make showers for these params (other cells than it learned); undefined when it can. */
  unfit?(params: ShowerParams): string | undefined;
  /** The attachment draws the model's side itself (showFlow: the lab's flow animation); else the sim draws the latest shower. */
  readonly drawsItself?: boolean;
}

/** Gap between the generator's shower and the model's in the view, mm. */
const SIDE_GAP = 40;

/** Everything built from the rebuild-level params. */
interface Run {
  spec: EventSpec;
  detector: Detector;
  reference: ShowerObservables[];
  edges: SummaryEdges;
  colours: ColourRange;
  view: CellView;
}

/** The hits' log10 energy range: the ECAL threshold up to the reference's largest hit. */
function colourRange(detector: Detector, reference: readonly ShowerObservables[]): ColourRange {
  let high = -Infinity;
  for (const o of reference) for (const e of o.hitEnergy) high = Math.max(high, e);
  const low = Math.log10(Math.min(...detector.layers.map((l) => l.threshold)));
  return { low, high: Number.isFinite(high) ? Math.max(low + 1, Math.log10(high)) : low + 3 };
}

function largestShower(reference: readonly ShowerObservables[]): number {
  return reference.reduce((m, o) => Math.max(m, o.hits), 1);
}

const nextPowerOfTwo = (n: number) => 2 ** Math.ceil(Math.log2(Math.max(1, n)));

export class ShowerSimulation implements Simulation {
  params: ShowerParams;
  stepCount = 0;
  render!: RenderView;
  readonly actions: readonly SimAction[];
  readonly downloads: readonly SimDownload[];
  private run: Run;
  private window: ShowerWindow;
  private recent: AnyShower[] = [];
  private flow: FlowAttachment | undefined;
  private flowWindow: ShowerWindow;
  /** The model's shower drawn now (the latest, or a frame of its flow from noise). */
  private flowShown: readonly Hit[] = [];
  private flowCaption = '';
  /** Showers made so far in this run (the window holds the last of them). */
  private made = 0;
  private pending: Promise<void> = Promise.resolve();
  private failure: string | null = null;
  private readonly timer: GpuTimer;

  private constructor(
    private readonly ctx: GpuContext,
    private readonly source: ShowerSource,
    params: ShowerParams,
    run: Run,
  ) {
    this.params = params;
    this.run = run;
    this.window = new ShowerWindow(params.window);
    this.flowWindow = new ShowerWindow(params.window);
    this.timer = new GpuTimer(ctx.device, ctx.hasTimestamps, TIMING_INTERVAL_MS);
    this.render = this.makeRender();
    this.actions = [
      { name: 'next', label: 'Next shower', description: 'Generates and shows the next shower of the run (one step).', run: async () => this.step(1) },
      {
        name: 'regenerate',
        label: 'Re-generate',
        description: 'A new sample of the same conditions: the next seed (seed + 1), from shower 0; the reference sample is redrawn too.',
        run: () => this.setParams({ ...this.params, seed: (this.params.seed + 1) % 2 ** 32 }),
      },
    ];
    this.downloads = [
      {
        name: 'showers',
        label: 'Showers HDF5',
        description: 'The last N showers (the plots’ window) as an HDF5 file in the layout of `lab generate showers` (h5py: showers, energy, direction, pdg, num_points).',
        ext: '.h5',
        mime: 'application/x-hdf5',
        make: () => this.showersFile(),
      },
    ];
  }

  static async create(ctx: GpuContext, params: Params, source: ShowerSource = defaultSource()): Promise<ShowerSimulation> {
    const p = schema.typed(checkAll(schema, { ...params }));
    return new ShowerSimulation(ctx, source, p, await ShowerSimulation.build(ctx, source, p));
  }

  private static async build(ctx: GpuContext, source: ShowerSource, p: ShowerParams): Promise<Run> {
    const spec = eventSpec(p);
    const detector = detectorOf(spec);
    const reference = (await source.make(referenceSpec(p), 0, p.window)).map((s) => observeShower(detector, s));
    const colours = colourRange(detector, reference);
    // Room for twice the reference's largest shower; a bigger one grows the buffers (a new render view).
    const view = new CellView(ctx.device, detector, nextPowerOfTwo(2 * largestShower(reference)), colours, p.colormap);
    return { spec, detector, reference, edges: summaryEdges(reference, detector.layers.length), colours, view };
  }

  get time(): number {
    return this.stepCount;
  }

  private get hadronic(): boolean {
    const p = this.params;
    return p.particle === 'pion' || p.particle === 'neutron' || p.reference === 'pion' || p.reference === 'neutron';
  }

  /** Half the drawn width of the stack, mm: hadronic showers are wider. */
  private get halfWidth(): number {
    return this.hadronic ? 300 : 120;
  }

  private makeRender(): RenderView {
    const { detector, view, colours } = this.run;
    const hadronic = this.hadronic;
    const ecal = detector.layers.filter((l) => l.section === 'ecal');
    const hcal = detector.layers.filter((l) => l.section === 'hcal');
    const halfWidth = this.halfWidth;
    const z0 = detector.front;
    const z1 = hadronic ? hcal[hcal.length - 1]!.zBack : ecal[ecal.length - 1]!.zBack + 60;
    const planes: PlaneGroup[] = this.params.planes
      ? [
          { label: 'ECAL', z: ecal.map((l) => l.zActive), halfWidth, color: ECAL_TINT, opacity: 0.05 },
          { label: 'HCAL', z: hcal.filter((l) => l.zActive <= z1).map((l) => l.zActive), halfWidth, color: HCAL_TINT, opacity: 0.05 },
        ]
      : [];
    const shown = this.shownGenerator;
    const side = this.flow ? 2 * halfWidth + SIDE_GAP : 0;
    const caption = `shower ${this.stepCount} (${this.params.particle}, ${this.recent.at(-1)?.energy.toFixed(1) ?? '–'} GeV): ${shown} hits`;
    return {
      count: view.capacity,
      positions: view.positions,
      colors: view.colors,
      dims: 3,
      radius: 1,
      perPointSize: true,
      shape: { kind: 'box', depth: CELL_DEPTH },
      bounds: { min: [-halfWidth, -halfWidth, z0], max: [halfWidth + side, halfWidth, z1] },
      planes: this.flow ? [...planes, ...planes.map((g) => ({ ...g, label: `${g.label} (model)`, centerX: side }))] : planes,
      colorBar: { label: 'hit energy, visible (GeV)', min: 10 ** colours.low, max: 10 ** colours.high, log: true, colors: colormapStops(this.params.colormap) },
      caption: this.flow
        ? `left: generator ${caption} · right: ${this.flow.label}, ${this.flowCaption} · z along the stack, mm`
        : `${caption} · z along the stack, mm`,
    };
  }

  step(count: number): void {
    const n = Math.floor(count);
    if (!(n > 0)) return;
    this.stepCount += n;
    const target = this.stepCount;
    this.pending = this.pending.then(() => this.catchUp(target)).catch((e: unknown) => {
      this.failure = e instanceof Error ? e.message : String(e);
    });
  }

  /** Makes the showers up to `target`; only the last `window` of them matter, the older ones are skipped. */
  private async catchUp(target: number): Promise<void> {
    if (this.made >= target) return;
    let first = Math.max(this.made, target - this.window.size);
    if (first > this.made) this.window.clear();
    while (first < target) {
      const count = Math.min(CHUNK, target - first);
      const showers = await this.source.make(this.run.spec, first, count);
      for (const s of showers) this.window.push(observeShower(this.run.detector, s));
      if (this.flow) await this.sampleFlow(this.flow, showers);
      this.recent = [...this.recent, ...showers].slice(-this.window.size);
      first += count;
      this.made = first;
    }
    this.show(this.recent.at(-1));
  }

  /** The model's showers for these generator showers; a failure or a non-finite point stops the run with a message. */
  private async sampleFlow(flow: FlowAttachment, showers: readonly AnyShower[]): Promise<void> {
    const unfit = flow.unfit?.(this.params);
    if (unfit) {
      this.flowShown = [];
      this.flowCaption = `no model showers: ${unfit}`;
      return;
    }
    const sampled = await flow.sample(showers);
    sampled.forEach((hits, i) => {
      if (hits.some((h) => !(Number.isFinite(h.x) && Number.isFinite(h.y) && Number.isFinite(h.e)))) {
        throw new Error(`the flow model made a non-finite point for shower ${i} of this chunk: its weights are broken; load or train others`);
      }
      this.flowWindow.push(observeShower(this.run.detector, { ...showers[i]!, hits }));
    });
    if (flow.drawsItself) return;
    this.flowShown = sampled.at(-1) ?? [];
    this.flowCaption = `${this.flowShown.length} cells`;
  }

  private get shownGenerator(): number {
    return this.recent.at(-1)?.hits.length ?? 0;
  }

  /** Draws the generator's latest shower and, beside it, the model's (shifted along x). */
  private show(shower: AnyShower | undefined): void {
    const hits = shower?.hits ?? [];
    const side = this.flow ? 2 * this.halfWidth + SIDE_GAP : 0;
    const model = this.flow ? this.flowShown.map((h) => ({ ...h, x: h.x + side })) : [];
    const total = hits.length + model.length;
    const { view } = this.run;
    if (total > view.capacity) {
      view.destroy();
      this.run.view = new CellView(this.ctx.device, this.run.detector, nextPowerOfTwo(total), this.run.colours, this.params.colormap);
    }
    this.run.view.show(model.length ? [...hits, ...model] : hits);
    this.render = this.makeRender();
  }

  /**
   * Attaches a model (or detaches it with undefined): from the next shower on, each step also makes the
   * model's shower for the same conditions. Its window starts empty.
   */
  async attachFlow(flow: FlowAttachment | undefined): Promise<void> {
    await this.pending;
    this.flow = flow;
    this.flowWindow = new ShowerWindow(this.params.window);
    this.flowShown = [];
    this.flowCaption = 'no shower yet';
    this.show(this.recent.at(-1));
  }

  /** The GPU device the run draws with (a model trains and samples on it too). */
  get device(): GPUDevice {
    return this.ctx.device;
  }

  /** The calorimeter of this run. */
  get detector(): Detector {
    return this.run.detector;
  }

  /** Showers of `spec` made off the page thread like the run's (a model's training showers). */
  makeShowers(spec: EventSpec, first: number, count: number): Promise<AnyShower[]> {
    return this.source.make(spec, first, count);
  }

  /** Redraws the model's side with these points (a frame of its flow from noise to the shower). */
  showFlow(points: readonly Hit[], caption: string): void {
    if (!this.flow) return;
    this.flowShown = points;
    this.flowCaption = caption;
    this.show(this.recent.at(-1));
  }

  async setParams(params: Params): Promise<void> {
    const next = schema.typed(checkAll(schema, { ...params }));
    await this.pending;
    if (needsRebuild(schema, this.params, next)) {
      const run = await ShowerSimulation.build(this.ctx, this.source, next);
      this.run.view.destroy();
      this.run = run;
      this.params = next;
      this.restart(next.window);
      return;
    }
    const recolour = next.colormap !== this.params.colormap;
    this.params = next;
    if (recolour) {
      this.run.view.colormap = next.colormap;
      this.show(this.recent.at(-1));
    }
    this.render = this.makeRender();
  }

  private restart(window = this.window.size): void {
    this.window = new ShowerWindow(window);
    this.flowWindow = new ShowerWindow(window);
    this.flowShown = [];
    this.recent = [];
    this.made = 0;
    this.stepCount = 0;
    this.failure = null;
    this.run.view.show([]);
    this.render = this.makeRender();
  }

  async reset(): Promise<void> {
    await this.pending;
    this.restart();
  }

  /** Summarises the window once the showers up to now are made, before any step submitted later. */
  sample(): Promise<MetricSample> {
    const step = this.stepCount;
    const sample = this.pending.then(() => this.summary(step));
    this.pending = sample.then(() => undefined, () => undefined);
    return sample;
  }

  private summary(step: number): MetricSample {
    const { reference, edges } = this.run;
    const label = this.params.reference === 'independent' ? 'reference (independent sample)' : `reference: ${this.params.reference}s`;
    const summary = summarise(this.window.showers, reference, edges, label);
    // Before the first shower only the reference has values.
    const scalars = this.window.showers.length > 0 ? summary.scalars : Object.fromEntries(Object.entries(summary.scalars).filter(([k]) => k === 'showers' || k.startsWith('reference')));
    const sample: MetricSample = { step, time: step, scalars, histograms: summary.histograms };
    if (this.flow && this.flowWindow.showers.length > 0) {
      const floor = this.params.reference === 'independent' ? reference : undefined;
      const model = summariseModel(this.flowWindow.showers, this.window.showers, floor, edges);
      Object.assign(sample.scalars, model.scalars, { flowTrainStep: this.flow.steps });
      Object.assign(sample.histograms!, model.histograms);
    }
    const bad = this.window.showers.filter((o) => !Number.isFinite(o.visibleEnergy)).length;
    if (this.failure) sample.problem = this.failure;
    else if (bad > 0) sample.problem = `${bad} of the last ${this.window.showers.length} showers have a non-finite energy (a generator bug: please report the params and seed)`;
    return sample;
  }

  private async showersFile(): Promise<Uint8Array> {
    await this.pending;
    return showerFile(this.params, this.run.detector, this.recent);
  }

  async exportState(): Promise<SimState> {
    await this.pending;
    return packState(SYSTEM_ID, this, {});
  }

  async importState(raw: SimState): Promise<void> {
    const { state } = openState(SYSTEM_ID, schema, this.params, raw, () => ({}));
    await this.setParams(state.params);
    await this.pending;
    this.restart();
    this.step(state.step);
    await this.pending;
  }

  timings(): TimingReport {
    return this.timer.report();
  }

  dispose(): void {
    this.run.view.destroy();
    this.timer.destroy();
    this.source.dispose();
  }
}
