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

export const SYSTEM_ID = 'tokens';

/** Everything that depends on the rebuild-level params. */
interface Parts {
  model: TokenModel;
  weights: TokenWeights;
  engine: TokenEngine;
  other: TokenEngine | null;
  view: TokenView;
  observables: TokenObservables;
}

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

function build(ctx: GpuContext, p: TokenParams): Parts {
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
  return { model, weights, engine, other, view, observables };
}

function boundOf(x: Float32Array, d: number): number {
  let m = 0;
  for (let i = 0; i < x.length; i += d) {
    let s = 0;
    for (let c = 0; c < d; c++) s += x[i + c]! ** 2;
    m = Math.max(m, Math.sqrt(s));
  }
  return m;
}

export class TokenSimulation implements Simulation {
  params: TokenParams;
  stepCount = 0;
  time = 0;
  render!: RenderView;
  readonly actions: readonly SimAction[];
  private parts: Parts;
  private readonly timer: GpuTimer;
  private readonly readback: Readback;
  private convergence: ConvergenceResult | null = null;
  private bound = 1;

  constructor(
    private readonly ctx: GpuContext,
    params: Params,
  ) {
    this.params = schema.typed(checkAll(schema, { ...params }));
    this.parts = build(ctx, this.params);
    this.timer = new GpuTimer(ctx.device, ctx.hasTimestamps, TIMING_INTERVAL_MS);
    this.readback = new Readback(ctx.device, 'tokens readback');
    this.actions = [
      {
        name: 'measure-convergence',
        label: 'Measure convergence',
        description: 'Runs Lie/Strang × Euler/RK4 over four step sizes against a fine unsplit-RK4 reference and fits the log-log slopes (plot: convergence).',
        run: async (progress) => {
          this.convergence = await measureConvergence(this.ctx, this.params, { progress });
        },
      },
    ];
    this.afterBuild();
  }

  /** Depth of the network: layers until T. */
  get depth(): number {
    return Math.round(this.params.T / this.params.dt);
  }

  get horizon(): { step: number; description: string } {
    return { step: this.depth, description: `T = ${this.params.T}, the output of the network's last layer (${this.depth} layers),` };
  }

  /** Latest convergence study, if one was run. */
  get convergenceResult(): ConvergenceResult | null {
    return this.convergence;
  }

  private afterBuild(): void {
    const { model, view } = this.parts;
    this.bound = this.params.sphere ? 1 : Math.max(1e-3, boundOf(model.x0, model.d));
    this.render = this.makeRender();
    const encoder = this.ctx.device.createCommandEncoder({ label: 'tokens initial view' });
    const pass = encoder.beginComputePass();
    view.encodePositions(pass);
    pass.end();
    view.pushTrail(encoder);
    this.ctx.device.queue.submit([encoder.finish()]);
  }

  private makeRender(): RenderView {
    const { view, model } = this.parts;
    const b = this.params.sphere ? 1.2 : 1.2 * this.bound;
    const words = model.words;
    return {
      count: view.count,
      positions: view.positions,
      colors: view.colors,
      dims: model.d === 2 ? 2 : 3,
      radius: (this.params.sphere ? 0.025 : 0.025 * b) * Math.min(1, Math.sqrt(64 / model.count)),
      bounds: { min: [-b, -b, -b], max: [b, b, b] },
      sphere: this.params.sphere && model.d === 3,
      trails: view.trails ? { buffer: view.trails, length: this.params.trailLength, head: () => view.headFrame(), filled: () => view.filled() } : undefined,
      labels: words ? { text: words } : undefined,
      caption:
        view.caption +
        (this.params.compare === 'on' ? ` · blue: ${this.params.splitting}, orange: ${this.params.splitting === 'lie' ? 'strang' : 'lie'}` : ''),
    };
  }

  step(count: number): void {
    const n = Math.floor(count);
    if (!(n > 0)) return;
    const { engine, other, view } = this.parts;
    const { device } = this.ctx;
    const encoder = device.createCommandEncoder({ label: 'tokens steps' });
    const perLayerFrames = view.trails !== null;
    const batches = perLayerFrames ? n : 1;
    for (let b = 0; b < batches; b++) {
      const layers = perLayerFrames ? 1 : n;
      const pass = this.timer.pass(encoder, 'layer step', layers);
      engine.encode(pass, layers);
      other?.encode(pass, layers);
      view.encodePositions(pass);
      pass.end();
      view.pushTrail(encoder);
    }
    this.timer.resolve(encoder);
    device.queue.submit([encoder.finish()]);
    this.timer.collect().catch(() => undefined); // the sim may be disposed before the read lands
    this.stepCount += n;
    this.time += n * this.params.dt;
  }

  async setParams(params: Params): Promise<void> {
    const next = schema.typed(checkAll(schema, { ...params }));
    if (needsRebuild(schema, this.params, next)) {
      this.disposeParts();
      this.params = next;
      this.parts = build(this.ctx, next);
      this.stepCount = 0;
      this.time = 0;
      this.afterBuild();
      return;
    }
    this.params = next;
    const live = liveSettings(next);
    this.parts.engine.setLive(live);
    this.parts.other?.setLive(otherScheme(live));
    this.parts.view.setProjection(next.projection as Projection);
    this.render = this.makeRender();
  }

  async reset(): Promise<void> {
    const { engine, other, model, view } = this.parts;
    engine.write(model.x0);
    other?.write(model.x0);
    view.clearTrails();
    this.stepCount = 0;
    this.time = 0;
    this.afterBuild();
  }

  async sample(): Promise<MetricSample> {
    const { observables, view } = this.parts;
    const beta = this.params.beta;
    // The clock when the sample is encoded: layers submitted while its readback is in flight belong to later samples.
    const step = this.stepCount;
    const time = this.time;
    const s = await observables.measure(beta);
    await view.refreshBasis();
    if (this.params.sphere !== true && Number.isFinite(s.maxNorm) && s.maxNorm > this.bound) {
      this.bound = s.maxNorm;
      this.render = this.makeRender();
    }
    const scalars: Record<string, number> = {
      meanCosine: s.meanCosine,
      energy: s.energy,
      clusters: s.clusters,
      closePairs: s.closePairs,
      meanNorm: s.meanNorm,
      layer: step,
    };
    if (this.parts.other) scalars.gap = s.gap;
    const sample: MetricSample = {
      step,
      time,
      scalars,
      histograms: { cosine: { label: 'pairwise cosine similarity', edges: cosineEdges(), counts: s.cosineCounts } },
    };
    if (this.convergence) sample.curves = { convergence: convergenceCurves(this.convergence) };
    if (s.nonFinite > 0) sample.problem = `${s.nonFinite} of ${this.parts.model.count} tokens are not finite (NaN/Inf) at layer ${step}; try a smaller dt or β`;
    return sample;
  }

  async exportState(): Promise<SimState> {
    const { engine, other, model } = this.parts;
    const bytes = model.count * model.d * 4;
    const x = await this.readback.f32(engine.x, 0, bytes);
    const rows = [model.count, model.d];
    return packState(SYSTEM_ID, this, other ? { x, xOther: await this.readback.f32(other.x, 0, bytes) } : { x }, { x: rows, xOther: rows });
  }

  async importState(raw: SimState): Promise<void> {
    // Decode first so a bad file leaves the running system untouched.
    const count = (p: Params) => tokenCount(schema.typed(p)) * schema.typed(p).d;
    const { state, data } = openState(SYSTEM_ID, schema, this.params, raw, (p) => ({ x: count(p) }));
    const { x } = data;
    // Side by side, the other run resumes from its own tokens; a state saved without it starts both from x.
    const xOther = state.params.compare === 'on' && state.buffers.xOther ? readF32(state, 'xOther', count(state.params)) : x;
    await this.setParams(state.params);
    this.parts.engine.write(x);
    this.parts.other?.write(xOther);
    this.parts.view.clearTrails();
    this.stepCount = state.step;
    this.time = state.time;
    this.afterBuild();
  }

  timings(): TimingReport {
    return this.timer.report();
  }

  private disposeParts(): void {
    const { weights, engine, other, view, observables } = this.parts;
    engine.destroy();
    other?.destroy();
    view.destroy();
    observables.destroy();
    weights.destroy();
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
