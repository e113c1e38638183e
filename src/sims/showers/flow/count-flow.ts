// Training and sampling the point-count model: flow matching on per-layer ln(n + 0.5), standardised
// per layer, with independent noise (counts are one vector per shower: there is nothing to pair).
// Sampling integrates from t = 1 to 0 with a solver of solvers.ts, reading the small velocity back
// per stage (S × L floats), and rounds back to counts.
import { Readback } from '../../../gpu/buffers';
import { AdamW, TrainStep, type AdamWOptions, type StepStats } from '../../../nn/adamw';
import { MaskedMseLoss } from '../../../nn/losses';
import { run } from '../../../nn/ops';
import { ParamSet } from '../../../nn/params';
import type { View } from '../../../nn/tensor';
import type { Rng } from '../random';
import { conditionRows, conditionWidth } from './batches';
import { CountNetwork, countNetworkLayout, inputWidth, type CountNetworkConfig } from './count-network';
import { countFromFeature, type FeatureStats, type ShowerBatch } from './dataset';
import { interpolate, velocityTarget } from './interpolant';
import { integrate, type SolverName } from './solvers';

/** What the count model learns from and is conditioned on: the fields of a ShowerBatch it reads. */
export type CountSample = Pick<ShowerBatch, 'showers' | 'layers' | 'logCounts' | 'particle' | 'logEnergy' | 'direction'>;

export interface CountFlowOptions {
  hidden: number;
  depth: number;
  timeFeatures: number;
  particles: number;
  /** Showers per training step. */
  batch: number;
  lr: number;
  seed: number;
  /** Other AdamW settings (EMA decay, clipping). */
  adamw?: Partial<AdamWOptions>;
}

/** Per-layer mean and population std of ln(n + 0.5); a layer that never varies gets std 1 (only centred). */
export function countStats(sample: Pick<CountSample, 'showers' | 'layers' | 'logCounts'>): FeatureStats {
  const { showers: S, layers: L, logCounts } = sample;
  const mean = Array.from({ length: L }, (_, l) => {
    let s = 0;
    for (let i = 0; i < S; i++) s += logCounts[i * L + l]!;
    return s / S;
  });
  const std = mean.map((m, l) => {
    let s = 0;
    for (let i = 0; i < S; i++) s += (logCounts[i * L + l]! - m) ** 2;
    const sd = Math.sqrt(s / S);
    return sd > 1e-6 ? sd : 1;
  });
  return { mean, std };
}

/** The count network CountFlow builds for `layers` layers. */
export function countConfig(layers: number, options: Pick<CountFlowOptions, 'timeFeatures' | 'particles' | 'hidden' | 'depth'>): CountNetworkConfig {
  return { layers, conditions: conditionWidth(options.timeFeatures), particles: options.particles, hidden: options.hidden, depth: options.depth };
}

export class CountFlow {
  readonly params: ParamSet;
  readonly cfg: CountNetworkConfig;
  private readonly train: CountNetwork;
  private readonly loss: MaskedMseLoss;
  private readonly step: TrainStep;
  private readonly readback: Readback;
  /** Sampling networks by weights and shower count, built once (their activations live as long as the flow). */
  private readonly samplers = new Map<string, CountNetwork>();
  /** The EMA of the weights as weights, for sampling (built on first use). */
  private emaParams: ParamSet | undefined;

  constructor(
    private readonly device: GPUDevice,
    layers: number,
    readonly stats: FeatureStats,
    readonly options: CountFlowOptions,
  ) {
    this.cfg = countConfig(layers, options);
    this.params = new ParamSet(device, countNetworkLayout(this.cfg), options.seed);
    this.train = new CountNetwork(this.params, this.cfg, options.batch);
    this.loss = new MaskedMseLoss(device, this.train.output, this.train.dOutput, 1 / (options.batch * layers));
    device.queue.writeBuffer(this.loss.mask.buffer, 0, new Float32Array(options.batch).fill(1));
    this.step = new TrainStep(new AdamW(this.params, { ...options.adamw, lr: options.lr }), this.train, this.loss);
    this.readback = new Readback(device, 'count flow readback');
  }

  /** x: the standardised ln(n + 0.5) rows of the chosen showers [rows · L]. */
  private standardised(sample: CountSample, chosen: readonly number[]): Float32Array<ArrayBuffer> {
    const L = sample.layers;
    const x = new Float32Array(chosen.length * L);
    chosen.forEach((s, r) => {
      for (let l = 0; l < L; l++) x[r * L + l] = (sample.logCounts[s * L + l]! - this.stats.mean[l]!) / this.stats.std[l]!;
    });
    return x;
  }

  /** Input rows [y (L) | conditions (C) | one-hot particle (P)] for the chosen showers at times t. */
  private inputRows(sample: CountSample, chosen: readonly number[], y: ArrayLike<number>, t: ArrayLike<number>): Float32Array<ArrayBuffer> {
    const { layers: L, conditions: C } = this.cfg;
    const width = inputWidth(this.cfg);
    const pick = {
      showers: chosen.length,
      logEnergy: Float32Array.from(chosen, (s) => sample.logEnergy[s]!),
      direction: Float32Array.from(chosen.flatMap((s) => [...sample.direction.subarray(3 * s, 3 * s + 3)])),
    };
    const conditions = conditionRows(pick, t, this.options.timeFeatures);
    const rows = new Float32Array(chosen.length * width);
    chosen.forEach((s, r) => {
      for (let l = 0; l < L; l++) rows[r * width + l] = y[r * L + l]!;
      rows.set(conditions.subarray(r * C, (r + 1) * C), r * width + L);
      rows[r * width + L + C + sample.particle[s]!] = 1;
    });
    return rows;
  }

  private write(view: View, data: Float32Array<ArrayBuffer>): void {
    this.device.queue.writeBuffer(view.buffer, view.offset * 4, data);
  }

  /** One step on a batch drawn from `sample` with `rng` (showers with replacement, t ~ U(0, 1), z ~ N(0, I)). */
  async trainStep(sample: CountSample, rng: Rng): Promise<StepStats> {
    const B = this.options.batch;
    const L = sample.layers;
    const chosen = Array.from({ length: B }, () => Math.floor(rng.uniform() * sample.showers));
    const x = this.standardised(sample, chosen);
    const t = Float32Array.from({ length: B }, () => rng.uniform());
    const z = Float32Array.from({ length: B * L }, () => rng.normal());
    const y = interpolate(x, z, t, new Float32Array(B * L));
    this.write(this.train.input, this.inputRows(sample, chosen, y, t));
    const u = new Float32Array(B * L);
    velocityTarget(x, z, u);
    this.write(this.loss.target, u);
    return this.step.step();
  }

  /** Counts per layer [S · L] for every shower of `conditions`, from noise drawn with `rng` (`ema`: with the EMA of the weights). */
  async sample(conditions: CountSample, rng: Rng, solver: SolverName, steps: number, ema = false): Promise<Int32Array> {
    const S = conditions.showers;
    const L = this.cfg.layers;
    const params = ema ? (this.emaParams ??= new ParamSet(this.device, this.params.layout)) : this.params;
    if (ema) this.params.copyEmaTo(params);
    const key = `${ema ? 'ema' : 'theta'} ${S}`;
    const net = this.samplers.get(key) ?? new CountNetwork(params, this.cfg, S);
    this.samplers.set(key, net);
    const chosen = Array.from({ length: S }, (_, s) => s);
    {
      const velocity = async (t: number, y: Float64Array) => {
        this.write(net.input, this.inputRows(conditions, chosen, y, new Float32Array(S).fill(t)));
        run(this.device, net.forwardOps(), 'count flow sample');
        return Float64Array.from(await this.readback.f32(net.output.buffer, 0, S * L * 4));
      };
      const z = Float64Array.from({ length: S * L }, () => rng.normal());
      const x = await integrate(solver, steps, z, velocity);
      return Int32Array.from(x, (v, k) => countFromFeature(v * this.stats.std[k % L]! + this.stats.mean[k % L]!));
    }
  }

  destroy(): void {
    this.readback.destroy();
    this.params.destroy();
    this.emaParams?.destroy();
  }
}
