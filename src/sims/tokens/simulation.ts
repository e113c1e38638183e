// The running tokens system: one engine (plus one for the other splitting side by side), the
// view buffers and the observables, wired to the Simulation contract.
import { Readback } from '../../gpu/buffers';
import type { GpuContext } from '../../gpu/context';
import { GpuTimer, TIMING_INTERVAL_MS, type TimingReport } from '../../gpu/timing';
import { checkAll, needsRebuild, type Params } from '../params';
import { openState, packState, readF32, type SimState } from '../state';
import type { Curve, MetricSample, RenderView, SimAction, Simulation } from '../types';
import { measureConvergence, SCHEMES, type ConvergenceResult } from './convergence';
import { liveSettings, TokenEngine, TokenWeights, type LiveSettings } from './engine';
import { buildModel, type TokenModel } from './model';
import { cosineEdges, TokenObservables } from './observables';
import { schema, tokenCount, type TokenParams } from './params';
import { TokenView, type Projection } from './view';
import { networkFitsInput, parseTrainedInput, SHIPPED_SHAPES } from './trained/input';
import { shippedPair, TrainedFrames, type NetworkOnCpu } from './trained/frames';
import { layerStepSizes, referenceFrames, solverGapCurves, solverGapOfPair, type SolverGapRow } from './trained/measures';
import { describeOutput } from './trained/output';
import type { SequenceArch } from '../../nn/sequence-transformer';
import type { TokenTask } from './trained/token-net';

export const SYSTEM_ID = 'tokens';

/** The ODE engines (identity or random weights), one per splitting side by side. */
interface OdeSource {
  kind: 'ode';
  model: TokenModel;
  weights: TokenWeights;
  engine: TokenEngine;
  other: TokenEngine | null;
}

/** A shipped trained network's frames on the user's input, and both networks on the CPU for the measures. */
interface TrainedSource {
  kind: 'trained';
  frames: TrainedFrames;
  nets: Record<SequenceArch, NetworkOnCpu>;
  /** |X_{l+1} − X_l| / |X_l| per layer, for both networks. */
  stepSizes: Curve[];
  /** Every frame in float64 (the reference forward), for the view's bounds through its basis. */
  frames64: Float64Array[];
}

/** Everything that depends on the rebuild-level params. */
interface Parts {
  source: OdeSource | TrainedSource;
  /** The tokens the view and the observables read. */
  x: GPUBuffer;
  count: number;
  d: number;
  labels?: string[];
  view: TokenView;
  observables: TokenObservables;
}

export const archOf = (p: TokenParams): SequenceArch => (p.splitting === 'strang' ? 'macaron' : 'standard');
function otherScheme(live: LiveSettings): LiveSettings {
  return { ...live, splitting: live.splitting === 'lie' ? 'strang' : 'lie' };
}

function hue(h: number): [number, number, number] {
  const f = (k: number) => {
    const x = (k + h * 6) % 6;
    return Math.max(0, Math.min(1, Math.abs(x - 3) - 1));
  };
  return [0.15 + 0.8 * f(5), 0.15 + 0.8 * f(3), 0.15 + 0.8 * f(1)];
}

function buildOde(ctx: GpuContext, p: TokenParams): Parts {
  const { device } = ctx;
  const model = buildModel(p);
  const weights = new TokenWeights(device, model);
  const sphere = p.sphere;
  const shared = p.ffnPair === 'shared';
  const live = liveSettings(p);
  const engine = new TokenEngine(device, model, weights, sphere, shared, live, 'tokens');
  const other = p.compare === 'on' ? new TokenEngine(device, model, weights, sphere, shared, otherScheme(live), 'tokens other') : null;
  const sets = [
    { x: engine.x, color: (i: number, n: number) => (other ? ([0.25, 0.55 + (0.4 * i) / n, 1] as [number, number, number]) : hue(i / Math.max(1, n))) },
    ...(other ? [{ x: other.x, color: (i: number, n: number) => [1, 0.45 + (0.3 * i) / n, 0.1] as [number, number, number] }] : []),
  ];
  const view = new TokenView(device, sets, model.count, model.d, p.trailLength, p.projection, p.seed);
  const observables = new TokenObservables(device, engine.x, other?.x ?? null, model.count, model.d);
  return { source: { kind: 'ode', model, weights, engine, other }, x: engine.x, count: model.count, d: model.d, labels: model.words, view, observables };
}

async function buildTrained(ctx: GpuContext, p: TokenParams, user: NetworkOnCpu | undefined): Promise<Parts> {
  const { device } = ctx;
  const input = parseTrainedInput(p.trainedTask, p.text);
  if (typeof input === 'string') throw new Error(input); // the schema's check refuses it first
  const nets = { ...(await shippedPair(p.trainedTask)) };
  if (user && networkFitsInput(user.settings, p.trainedTask) === null) nets[user.cfg.arch] = user;
  const frames = await TrainedFrames.create(device, nets[archOf(p)], input);
  const { count, d } = frames;
  const view = new TokenView(device, [{ x: frames.x, color: (i, n) => hue(i / Math.max(1, n)) }], count, d, p.trailLength, p.projection, p.seed, { buffer: frames.all, rows: frames.frames * count });
  await view.refreshBasis();
  const observables = new TokenObservables(device, frames.x, null, count, d, true);
  const stepSizes = (Object.values(nets) as NetworkOnCpu[]).map((net) => {
    const y = layerStepSizes(net, input);
    return { label: net.cfg.arch, x: y.map((_, l) => l + 1), y };
  });
  const source: TrainedSource = { kind: 'trained', frames, nets, stepSizes, frames64: referenceFrames(nets[archOf(p)], input) };
  return { source, x: frames.x, count, d, labels: input.labels, view, observables };
}

function build(ctx: GpuContext, p: TokenParams, user?: NetworkOnCpu): Promise<Parts> {
  return p.weights === 'trained' ? buildTrained(ctx, p, user) : Promise.resolve(buildOde(ctx, p));
}

function boundOf(x: ArrayLike<number>, d: number): number {
  let m = 0;
  for (let i = 0; i < x.length; i += d) {
    let s = 0;
    for (let c = 0; c < d; c++) s += x[i + c]! ** 2;
    m = Math.max(m, Math.sqrt(s));
  }
  return m;
}

export class TokenSimulation implements Simulation {
  /** Builds the system; a trained network's weights load first. */
  static async create(ctx: GpuContext, params: Params): Promise<TokenSimulation> {
    const typed = schema.typed(checkAll(schema, { ...params }));
    return new TokenSimulation(ctx, typed, await build(ctx, typed));
  }

  stepCount = 0;
  time = 0;
  render!: RenderView;
  readonly actions: readonly SimAction[];
  private readonly timer: GpuTimer;
  private readonly readback: Readback;
  private convergence: ConvergenceResult | null = null;
  private gaps: SolverGapRow[] | null = null;
  /** A network from a weights file, shown in place of the shipped one of its architecture. */
  private userNetwork: NetworkOnCpu | undefined;
  /** A standard-against-Macaron training in the Networks panel: its learning curves join the samples. */
  private comparison: { learningCurves(): Curve[] } | undefined;
  private bound = 1;
  /** A trained network's view: the box its frames fill. */
  private box: RenderView['bounds'] | undefined;

  private constructor(
    private readonly ctx: GpuContext,
    public params: TokenParams,
    private parts: Parts,
  ) {
    this.timer = new GpuTimer(ctx.device, ctx.hasTimestamps, TIMING_INTERVAL_MS);
    this.readback = new Readback(ctx.device, 'tokens readback');
    this.actions = [
      {
        name: 'measure-convergence',
        label: 'Measure convergence',
        description:
          'Runs Lie/Strang × Euler/RK4 over four step sizes against a fine unsplit-RK4 reference and fits the log-log slopes (plot: convergence). ' +
          'For a trained network: refines each layer’s step with the same weights, for both networks, against the RK4 flow of its sub-flows (plot: ODE-solver gap).',
        run: async (progress) => {
          if (this.parts.source.kind === 'trained') await this.measureSolverGap(this.parts.source, progress);
          else this.convergence = await measureConvergence(this.ctx, this.params, { progress });
        },
      },
    ];
    this.afterBuild();
  }

  get device(): GPUDevice {
    return this.ctx.device;
  }

  /** Steps to the last layer's output: T/dt layers, or a trained network's sub-layers. */
  get depth(): number {
    const s = this.parts.source;
    return s.kind === 'trained' ? s.frames.frames - 1 : Math.round(this.params.T / this.params.dt);
  }

  get horizon(): { step: number; description: string } {
    const s = this.parts.source;
    if (s.kind === 'trained') return { step: this.depth, description: `the ${s.frames.arch} network's output (${s.frames.net.cfg.layers} layers, ${this.depth} sub-layers; past it the tokens stay there)` };
    return { step: this.depth, description: `T = ${this.params.T}, the output of the network's last layer (${this.depth} layers),` };
  }

  /** Latest convergence study, if one was run. */
  get convergenceResult(): ConvergenceResult | null {
    return this.convergence;
  }

  private async measureSolverGap(s: TrainedSource, progress?: (done: number, total: number) => void): Promise<void> {
    this.gaps = await solverGapOfPair(s.nets, s.frames.input, progress);
  }

  private afterBuild(): void {
    const { view, source } = this.parts;
    if (source.kind === 'trained') this.box = this.trainedBox(source);
    else this.bound = this.params.sphere ? 1 : Math.max(1e-3, boundOf(source.model.x0, source.model.d));
    this.render = this.makeRender();
    const encoder = this.ctx.device.createCommandEncoder({ label: 'tokens initial view' });
    this.showFrame(encoder);
    const pass = encoder.beginComputePass();
    view.encodePositions(pass);
    pass.end();
    view.pushTrail(encoder);
    this.ctx.device.queue.submit([encoder.finish()]);
  }

  /** The box every frame fills as the view projects it (padded by a tenth; the stream is not centred): the view frames the whole trajectory. */
  private trainedBox(s: TrainedSource): RenderView['bounds'] {
    const { min, max } = this.parts.view.projectedBox(s.frames64, this.parts.count);
    const pad = 0.1 * Math.max(1e-3, ...max.map((m, r) => m - min[r]!));
    return { min: [min[0] - pad, min[1] - pad, min[2] - pad], max: [max[0] + pad, max[1] + pad, max[2] + pad] };
  }

  /** A trained network: copies the frame of the current step into the tokens (outside a pass). */
  private showFrame(encoder: GPUCommandEncoder): void {
    const s = this.parts.source;
    if (s.kind === 'trained') s.frames.show(encoder, this.stepCount);
  }

  private get onSphere(): boolean {
    return this.params.sphere && this.parts.source.kind === 'ode';
  }

  private makeRender(): RenderView {
    const { view, count, d, labels, source } = this.parts;
    const box = source.kind === 'trained' ? this.box : undefined;
    const b = this.onSphere ? 1.2 : box ? Math.max(...box.max.map((m, r) => m - box.min[r]!)) / 2 : 1.2 * this.bound;
    let caption = view.caption;
    if (source.kind === 'trained') caption += ` · ${describeOutput(source.frames)}`;
    else if (this.params.compare === 'on') caption += ` · blue: ${this.params.splitting}, orange: ${this.params.splitting === 'lie' ? 'strang' : 'lie'}`;
    return {
      count: view.count,
      positions: view.positions,
      colors: view.colors,
      dims: d === 2 ? 2 : 3,
      radius: (this.onSphere ? 0.025 : 0.025 * b) * Math.min(1, Math.sqrt(64 / count)),
      bounds: box ?? { min: [-b, -b, -b], max: [b, b, b] },
      sphere: this.onSphere && d === 3,
      trails: view.trails ? { buffer: view.trails, length: this.params.trailLength, head: () => view.headFrame(), filled: () => view.filled() } : undefined,
      labels: labels ? { text: labels } : undefined,
      caption,
    };
  }

  /** Time per step: dt, or one sub-layer of a trained network (time counts layers). */
  private get stepTime(): number {
    const s = this.parts.source;
    return s.kind === 'trained' ? 1 / s.frames.perLayer : this.params.dt;
  }

  step(count: number): void {
    const n = Math.floor(count);
    if (!(n > 0)) return;
    const { source, view } = this.parts;
    const { device } = this.ctx;
    const encoder = device.createCommandEncoder({ label: 'tokens steps' });
    const perLayerFrames = view.trails !== null;
    const batches = perLayerFrames ? n : 1;
    for (let b = 0; b < batches; b++) {
      const layers = perLayerFrames ? 1 : n;
      if (source.kind === 'trained') {
        source.frames.show(encoder, this.stepCount + (b + 1) * layers);
        const pass = encoder.beginComputePass({ label: 'trained tokens view' });
        view.encodePositions(pass);
        pass.end();
      } else {
        const pass = this.timer.pass(encoder, 'layer step', layers);
        source.engine.encode(pass, layers);
        source.other?.encode(pass, layers);
        view.encodePositions(pass);
        pass.end();
      }
      view.pushTrail(encoder);
    }
    this.timer.resolve(encoder);
    device.queue.submit([encoder.finish()]);
    this.timer.collect().catch(() => undefined); // the sim may be disposed before the read lands
    this.stepCount += n;
    // A trained network's clock is its depth: past the output the tokens (and the layer) stay.
    this.time = source.kind === 'trained' ? Math.min(this.stepCount, this.depth) * this.stepTime : this.time + n * this.stepTime;
  }

  async setParams(params: Params): Promise<void> {
    const next = schema.typed(checkAll(schema, { ...params }));
    // A trained network's splitting is its architecture: another network.
    const otherNetwork = next.weights === 'trained' && archOf(next) !== archOf(this.params);
    if (needsRebuild(schema, this.params, next) || otherNetwork) {
      await this.rebuild(next);
      return;
    }
    this.params = next;
    const { source, view } = this.parts;
    if (source.kind === 'ode') {
      const live = liveSettings(next);
      source.engine.setLive(live);
      source.other?.setLive(otherScheme(live));
    }
    view.setProjection(next.projection as Projection);
    if (source.kind === 'trained') {
      await view.refreshBasis();
      this.box = this.trainedBox(source);
    }
    this.render = this.makeRender();
  }

  /** Builds the parts for `next` first, so a failed build leaves the run as it was. */
  private async rebuild(next: TokenParams): Promise<void> {
    const parts = await build(this.ctx, next, this.userNetwork);
    this.disposeParts();
    this.params = next;
    this.parts = parts;
    this.stepCount = 0;
    this.time = 0;
    this.gaps = null;
    this.afterBuild();
  }

  /** Shows `net` (read from a weights file; checked to fit the view) in place of the shipped network of its architecture; undefined: the shipped ones. */
  async useNetwork(net: NetworkOnCpu | undefined): Promise<void> {
    const before = this.userNetwork;
    this.userNetwork = net;
    if (this.params.weights !== 'trained') return;
    try {
      await this.rebuild(this.params);
    } catch (e) {
      this.userNetwork = before;
      throw e;
    }
  }

  /** Adds a comparison's learning curves to every sample (undefined: no more). */
  showComparison(c: { learningCurves(): Curve[] } | undefined): void {
    this.comparison = c;
  }

  async reset(): Promise<void> {
    const { source, view } = this.parts;
    if (source.kind === 'ode') {
      source.engine.write(source.model.x0);
      source.other?.write(source.model.x0);
    }
    view.clearTrails();
    this.stepCount = 0;
    this.time = 0;
    this.afterBuild();
  }

  async sample(): Promise<MetricSample> {
    const { observables, view, source, count } = this.parts;
    const beta = this.params.beta;
    // The clock when the sample is encoded: layers submitted while its readback is in flight belong to later samples.
    const step = this.stepCount;
    const time = this.time;
    const s = await observables.measure(beta);
    if (source.kind === 'ode') await view.refreshBasis();
    if (source.kind === 'ode' && !this.onSphere && Number.isFinite(s.maxNorm) && s.maxNorm > this.bound) {
      this.bound = s.maxNorm;
      this.render = this.makeRender();
    }
    const scalars: Record<string, number> = {
      meanCosine: s.meanCosine,
      energy: s.energy,
      clusters: s.clusters,
      closePairs: s.closePairs,
      meanNorm: s.meanNorm,
      layer: source.kind === 'trained' ? time : step,
    };
    if (source.kind === 'ode' && source.other) scalars.gap = s.gap;
    const sample: MetricSample = {
      step,
      time,
      scalars,
      histograms: { cosine: { label: 'pairwise cosine similarity', edges: cosineEdges(), counts: s.cosineCounts } },
    };
    const curves: Record<string, Curve[]> = {};
    if (this.convergence) curves.convergence = convergenceCurves(this.convergence);
    if (source.kind === 'trained') curves.stepSize = source.stepSizes;
    if (this.gaps) curves.solverGap = solverGapCurves(this.gaps);
    if (this.comparison) curves.learning = this.comparison.learningCurves();
    if (Object.keys(curves).length > 0) sample.curves = curves;
    if (s.nonFinite > 0) sample.problem = `${s.nonFinite} of ${count} tokens are not finite (NaN/Inf) at layer ${step}; try a smaller dt or β`;
    return sample;
  }

  async exportState(): Promise<SimState> {
    const { source, count, d, x } = this.parts;
    const bytes = count * d * 4;
    const own = await this.readback.f32(x, 0, bytes);
    const rows = [count, d];
    const other = source.kind === 'ode' ? source.other : null;
    return packState(SYSTEM_ID, this, other ? { x: own, xOther: await this.readback.f32(other.x, 0, bytes) } : { x: own }, { x: rows, xOther: rows });
  }

  async importState(raw: SimState): Promise<void> {
    // Decode first so a bad file leaves the running system untouched.
    const count = (p: Params) => tokenCount(schema.typed(p)) * this.widthFor(schema.typed(p));
    const { state, data } = openState(SYSTEM_ID, schema, this.params, raw, (p) => ({ x: count(p) }));
    const { x } = data;
    // Side by side, the other run resumes from its own tokens; a state saved without it starts both from x.
    const xOther = state.params.compare === 'on' && state.buffers.xOther ? readF32(state, 'xOther', count(state.params)) : x;
    await this.setParams(state.params);
    const { source, view } = this.parts;
    view.clearTrails();
    this.stepCount = state.step;
    this.time = state.time;
    this.afterBuild();
    // The tokens as saved (a trained network's frame at that step, as the file holds it).
    this.ctx.device.queue.writeBuffer(this.parts.x, 0, x);
    if (source.kind === 'ode') source.other?.write(xOther);
    const encoder = this.ctx.device.createCommandEncoder({ label: 'tokens imported view' });
    const pass = encoder.beginComputePass();
    view.encodePositions(pass);
    pass.end();
    view.clearTrails();
    view.pushTrail(encoder);
    this.ctx.device.queue.submit([encoder.finish()]);
  }

  /** Channels of every token for these params: d, or the width of the trained network they would show. */
  private widthFor(p: TokenParams): number {
    if (p.weights !== 'trained') return p.d;
    const user = this.userNetwork;
    return user && user.cfg.arch === archOf(p) && networkFitsInput(user.settings, p.trainedTask) === null ? user.cfg.width : SHIPPED_SHAPES[p.trainedTask].width;
  }

  timings(): TimingReport {
    return this.timer.report();
  }

  private disposeParts(): void {
    const { source, view, observables } = this.parts;
    if (source.kind === 'ode') {
      source.engine.destroy();
      source.other?.destroy();
      source.weights.destroy();
    } else source.frames.destroy();
    view.destroy();
    observables.destroy();
  }

  dispose(): void {
    this.disposeParts();
    this.timer.destroy();
    this.readback.destroy();
  }
}

export function convergenceCurves(r: ConvergenceResult): Curve[] {
  return SCHEMES.map((s) => {
    const rows = r.rows.filter((row) => row.scheme === s.name);
    const slope = r.orders[s.name];
    return { label: s.name, x: rows.map((row) => row.dt), y: rows.map((row) => row.error), slope };
  });
}
