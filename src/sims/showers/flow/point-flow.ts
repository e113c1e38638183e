// Training and sampling the point model: flow-matching steps on batches drawn from a pool of
// generator showers (noise paired by layer-wise OT or independent), and sampling for given
// conditions and per-layer counts (true counts of reference showers, or the count model's) by
// integrating from noise at t = 1 to t = 0 with a solver of solvers.ts. The velocity is read back
// per stage (S × K × 3 floats); the points are then mapped back to hits.
import { Readback } from '../../../gpu/buffers';
import type { AdamWOptions, StepStats } from '../../../nn/adamw';
import { ParamSet } from '../../../nn/params';
import type { Detector } from '../detector';
import type { AnyShower } from '../events';
import type { Rng } from '../random';
import { conditionRows, flowBatch } from './batches';
import { batchHits, buildBatch, POINT_DIM, type DatasetStats, type ShowerBatch } from './dataset';
import { FlowLoss, FlowNetwork, flowNetworkLayout, FlowTrainStep, type FlowNetworkConfig } from './network';
import type { Pairing } from './pairing';
import { integrate, type SolverName, type StepObserver } from './solvers';
import type { Hit } from '../digitise';

export interface PointFlowOptions {
  /** Showers per training step. */
  batch: number;
  pairing: Pairing;
  seed: number;
  adamw?: Partial<AdamWOptions>;
}

export interface SampleOptions {
  /** Sample with the EMA of the weights (a copy taken at the call). */
  ema?: boolean;
  observe?: StepObserver;
}

export class PointFlow {
  readonly params: ParamSet;
  private readonly net: FlowNetwork;
  private readonly step: FlowTrainStep;
  private readonly readback: Readback;
  /** Sampling networks by weights and shape, built once (their activations live as long as the flow). */
  private readonly samplers = new Map<string, FlowNetwork>();
  /** The EMA of the weights as weights, for sampling (built on first use). */
  private emaParams: ParamSet | undefined;

  constructor(
    private readonly device: GPUDevice,
    readonly cfg: FlowNetworkConfig,
    readonly stats: DatasetStats,
    private readonly detector: Detector,
    readonly options: PointFlowOptions,
  ) {
    this.params = new ParamSet(device, flowNetworkLayout(cfg), options.seed);
    this.net = new FlowNetwork(this.params, cfg, options.batch);
    this.step = new FlowTrainStep(this.net, new FlowLoss(this.net), options.adamw);
    this.readback = new Readback(device, 'point flow readback');
  }

  /** One step on `batch` showers drawn (with replacement) from `pool`. */
  async trainStep(pool: readonly AnyShower[], rng: Rng): Promise<StepStats> {
    const chosen = Array.from({ length: this.options.batch }, () => pool[Math.floor(rng.uniform() * pool.length)]!);
    const batch = buildBatch(chosen, this.stats, this.detector, this.cfg.tokens);
    this.step.setBatch(batch, flowBatch(batch, rng, { pairing: this.options.pairing, timeFeatures: this.cfg.timeFeatures }));
    return this.step.step();
  }

  /**
   * Standardised points [S · K · 3] for the showers of `batch` (their conditions, layers per token and
   * counts are used; their points are not), from noise drawn with `rng`. K is the batch's: the weights do
   * not depend on it, so a sample may hold more points than the training showers. `ema` samples with the
   * EMA of the weights; `observe` sees the points at every time of the solver's grid (the flow's trajectory).
   */
  async samplePoints(batch: ShowerBatch, rng: Rng, solver: SolverName, steps: number, options: SampleOptions = {}): Promise<Float32Array> {
    const S = batch.showers;
    const K = batch.tokens;
    const net = this.sampler(S, K, options.ema ?? false);
    const real = (r: number) => batch.tok[r]! >= 0;
    const tok = Float32Array.from(batch.tok);
    const counts = Float32Array.from(batch.logCounts);
    const particle = Float32Array.from(batch.particle);
    const velocity = async (t: number, y: Float64Array) => {
      net.setInputs({ points: new Float32Array(y), tok, cond: conditionRows(batch, new Float32Array(S).fill(t), this.cfg.timeFeatures), counts, particle });
      net.forward();
      const v = await this.readback.f32(net.output.buffer, 0, S * K * POINT_DIM * 4);
      // Padding tokens stay at 0: their velocity is never trained.
      return Float64Array.from(v, (x, k) => (real(Math.floor(k / POINT_DIM)) ? x : 0));
    };
    const z = Float64Array.from({ length: S * K * POINT_DIM }, (_, k) => (real(Math.floor(k / POINT_DIM)) ? rng.normal() : 0));
    return Float32Array.from(await integrate(solver, steps, z, velocity, options.observe));
  }

  /** The sampling network for S showers of K tokens, on the weights or on a copy of their EMA taken now. */
  private sampler(S: number, K: number, ema: boolean): FlowNetwork {
    const params = ema ? (this.emaParams ??= new ParamSet(this.device, this.params.layout)) : this.params;
    if (ema) this.params.copyEmaTo(params);
    const key = `${ema ? 'ema' : 'theta'} ${S}x${K}`;
    const net = this.samplers.get(key) ?? new FlowNetwork(params, { ...this.cfg, tokens: K }, S);
    this.samplers.set(key, net);
    return net;
  }

  /** Sampled showers' hits (mm, GeV) for the conditions and counts of `batch`. */
  async sample(batch: ShowerBatch, rng: Rng, solver: SolverName, steps: number, options: SampleOptions = {}): Promise<Hit[][]> {
    const points = await this.samplePoints(batch, rng, solver, steps, options);
    const sampled = { tokens: batch.tokens, points, tok: batch.tok };
    return Array.from({ length: batch.showers }, (_, s) => batchHits(sampled, this.stats, s));
  }

  destroy(): void {
    this.readback.destroy();
    this.params.destroy();
    this.emaParams?.destroy();
  }
}
