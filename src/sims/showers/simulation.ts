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
import { viridis } from './palette';
import { schema, type ShowerParams } from './params';
import { defaultSource, type ShowerSource } from './source';
import { summarise, summaryEdges, ShowerWindow, type SummaryEdges } from './summary';
import { CellView, type ColourRange } from './view';

export const SYSTEM_ID = 'showers';

/** Showers generated per request: small enough that the display keeps up, large enough to amortise a worker round trip. */
const CHUNK = 32;
/** Box depth of a drawn cell, mm: about the ECAL layer pitch, so cells read as the thin active slabs they are. */
const CELL_DEPTH = 2;

const ECAL_TINT: [number, number, number] = [0.25, 0.45, 0.9];
const HCAL_TINT: [number, number, number] = [0.9, 0.6, 0.2];

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
    const view = new CellView(ctx.device, detector, nextPowerOfTwo(2 * largestShower(reference)), colours);
    return { spec, detector, reference, edges: summaryEdges(reference, detector.layers.length), colours, view };
  }

  get time(): number {
    return this.stepCount;
  }

  private makeRender(): RenderView {
    const { detector, view, colours } = this.run;
    const hadronic = this.params.particle === 'pion' || this.params.particle === 'neutron' || this.params.reference === 'pion' || this.params.reference === 'neutron';
    const ecal = detector.layers.filter((l) => l.section === 'ecal');
    const hcal = detector.layers.filter((l) => l.section === 'hcal');
    const halfWidth = hadronic ? 300 : 120;
    const z0 = detector.front;
    const z1 = hadronic ? hcal[hcal.length - 1]!.zBack : ecal[ecal.length - 1]!.zBack + 60;
    const planes: PlaneGroup[] = this.params.planes
      ? [
          { label: 'ECAL', z: ecal.map((l) => l.zActive), halfWidth, color: ECAL_TINT, opacity: 0.05 },
          { label: 'HCAL', z: hcal.filter((l) => l.zActive <= z1).map((l) => l.zActive), halfWidth, color: HCAL_TINT, opacity: 0.05 },
        ]
      : [];
    const shown = view.shown;
    return {
      count: view.capacity,
      positions: view.positions,
      colors: view.colors,
      dims: 3,
      radius: 1,
      perPointSize: true,
      shape: { kind: 'box', depth: CELL_DEPTH },
      bounds: { min: [-halfWidth, -halfWidth, z0], max: [halfWidth, halfWidth, z1] },
      planes,
      colorBar: { label: 'hit energy, visible (GeV)', min: 10 ** colours.low, max: 10 ** colours.high, log: true, colors: viridis() },
      caption: `shower ${this.stepCount} (${this.params.particle}, ${this.recent.at(-1)?.energy.toFixed(1) ?? '–'} GeV): ${shown} hits · z along the stack, mm`,
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
      this.recent = [...this.recent, ...showers].slice(-this.window.size);
      first += count;
      this.made = first;
    }
    this.show(this.recent.at(-1)!);
  }

  private show(shower: AnyShower): void {
    const { view } = this.run;
    if (shower.hits.length > view.capacity) {
      view.destroy();
      this.run.view = new CellView(this.ctx.device, this.run.detector, nextPowerOfTwo(shower.hits.length), this.run.colours);
    }
    this.run.view.show(shower.hits);
    this.render = this.makeRender();
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
    this.params = next;
    this.render = this.makeRender();
  }

  private restart(window = this.window.size): void {
    this.window = new ShowerWindow(window);
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
