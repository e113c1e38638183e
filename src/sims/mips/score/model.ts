// The score network of a running mips simulation: online DSM training on its snapshots, and
// inference over every particle (learned EPR, local current and local EPR fields, binned map).
// Training and inference share one GPU device with the sim; nothing but a few stats and the
// binned map comes back to the CPU.
import { Readback } from '../../../gpu/buffers';
import { AdamW, NonFiniteStepError, type StepStats } from '../../../nn/adamw';
import { loadParams, saveParams, type Weights } from '../../../nn/io';
import { LocalTransformer, localTransformerLayout, type LocalTransformerConfig } from '../../../nn/local-transformer';
import { DsmLoss } from '../../../nn/losses';
import { fill, type Op } from '../../../nn/ops';
import { ParamSet } from '../../../nn/params';
import { columns } from '../../../nn/tensor';
import type { Params } from '../../params';
import { geometry } from '../params';
import type { MipsAttachment, MipsSimulation } from '../simulation';
import { describeArch, networkConfig, sameArch, scoreArch, type ScoreArch, type ScoreSettings } from './config';
import { ScoreFields } from './fields';
import { counterBuffer, ScoreGather } from './gather';
import { scoreMeta } from './weights';

export interface ScoreMap {
  binsPerSide: number;
  boxL: number;
  /** Mean local EPR per bin (NaN where empty), row-major from y = 0. */
  localEpr: Float64Array;
  /** Mean current magnitude per bin. */
  current: Float64Array;
  /** Particles per bin. */
  counts: Float64Array;
}

export interface ScoreEval {
  /** Sim step of the evaluated state. */
  step: number;
  /** Learned EPR per particle (science.md §2; README derivation). */
  eprLearned: number;
  /** Its part from the position coordinates (Dt > 0), per particle. */
  eprPositions: number;
  meanCurrent: number;
  meanLocalEpr: number;
  map: ScoreMap;
}

/** Thrown when the sim's configuration no longer matches the network's inputs / outputs. */
export class ScoreArchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScoreArchError';
  }
}

interface Bound {
  key: string;
  destroy(): void;
}

interface TrainBinding extends Bound {
  ops: Op[];
}

interface InferBinding extends Bound {
  net: LocalTransformer;
  fields: ScoreFields;
  ops: Op[];
  boxL: number;
}

export class ScoreModel implements MipsAttachment {
  readonly colorModes = ['scoreCurrent', 'scoreEpr'] as const;
  readonly arch: ScoreArch;
  readonly cfg: LocalTransformerConfig;
  readonly params: ParamSet;
  /** EMA weights copied here for evaluation (training keeps its own theta). */
  readonly evalParams: ParamSet;
  readonly optimizer: AdamW;
  readonly net: LocalTransformer;
  readonly loss: DsmLoss;
  /** Last evaluation (after sample() or evaluate()). */
  last: ScoreEval | undefined;
  lastStats: StepStats | undefined;
  /**
   * Share of wall time that sample() may spend on inference: 1 evaluates at every sample (CLI,
   * tests); below 1, samples after a slow evaluation skip it until its cost is amortised (the
   * lab on a CPU adapter, where one pass over N = 4096 takes tens of seconds).
   */
  inferenceShare = 1;
  private nextEvalAt = 0;
  private readonly device: GPUDevice;
  private readonly counter: GPUBuffer;
  private readonly readback: Readback;
  private trainBinding: TrainBinding | undefined;
  private inferBinding: InferBinding | undefined;
  private skipped = 0;

  constructor(
    readonly sim: MipsSimulation,
    readonly settings: ScoreSettings,
  ) {
    this.device = sim.internals.device;
    this.arch = scoreArch(sim.params);
    this.cfg = networkConfig(settings, this.arch);
    const layout = localTransformerLayout(this.cfg);
    this.params = new ParamSet(this.device, layout, settings.seed);
    this.evalParams = new ParamSet(this.device, layout, settings.seed);
    this.optimizer = new AdamW(this.params, { lr: settings.lr, maxGradNorm: 1, emaDecay: settings.emaDecay, weightDecay: 0 });
    this.net = new LocalTransformer(this.params, this.cfg, 2 * settings.batch);
    this.loss = new DsmLoss(this.device, this.net.output, this.net.dOutput, settings.sigma);
    this.counter = counterBuffer(this.device);
    this.readback = new Readback(this.device, 'score readback');
  }

  /** Accepted optimisation steps so far. */
  get steps(): number {
    return this.lastStats?.steps ?? 0;
  }

  private checkArch(p: Params): void {
    const a = scoreArch(p);
    if (!sameArch(a, this.arch)) {
      throw new ScoreArchError(
        `the score network was built for ${describeArch(this.arch)} but the system is now ${describeArch(a)}: ` +
          'train a new network (or load weights) for this configuration',
      );
    }
  }

  private bindingKey(): string {
    return `${this.sim.internals.generation}|${JSON.stringify(this.sim.params)}`;
  }

  private gather(): ScoreGather {
    const s = this.settings;
    return new ScoreGather(this.device, this.sim.internals, this.sim.params, this.arch, s.neighbors, s.sigma, s.seed, s.forceInput);
  }

  private trainOps(): Op[] {
    const key = this.bindingKey();
    if (this.trainBinding?.key !== key) {
      this.trainBinding?.destroy();
      const g = this.gather();
      const net = this.net;
      const opt = this.optimizer;
      const ops = [
        g.batch(net, this.loss.zeta, this.settings.batch, this.counter),
        opt.zeroGradOp(),
        ...net.forwardOps(),
        ...this.loss.ops(),
        ...net.backwardOps(),
        ...opt.stepOps(this.loss.rows),
        g.tick(this.counter),
      ];
      this.trainBinding = { key, ops, destroy: () => g.destroy() };
    }
    return this.trainBinding.ops;
  }

  /**
   * `steps` optimisation steps on the current snapshot (a new random batch and noise each).
   * Throws NonFiniteStepError, with the weights unchanged, when a step had a non-finite loss.
   */
  async train(steps: number): Promise<StepStats> {
    this.checkArch(this.sim.params);
    const ops = this.trainOps();
    const enc = this.device.createCommandEncoder({ label: 'score train' });
    this.sim.encodeSorted(enc);
    const pass = enc.beginComputePass({ label: 'score train' });
    for (let i = 0; i < steps; i++) for (const o of ops) o.encode(pass);
    pass.end();
    this.device.queue.submit([enc.finish()]);
    const stats = await this.optimizer.readStats();
    const skipped = stats.skipped - this.skipped;
    this.skipped = stats.skipped;
    if (skipped > 0) throw new NonFiniteStepError(stats);
    this.lastStats = stats;
    return stats;
  }

  private inferBindingFor(): InferBinding {
    const key = this.bindingKey();
    if (this.inferBinding?.key === key) return this.inferBinding;
    const old = this.inferBinding;
    const n = this.sim.internals.buf.n;
    const reuseNet = old && old.net.sets === n ? old.net : undefined;
    if (old && !reuseNet) destroyNet(old.net);
    old?.fields.destroy();
    const net = reuseNet ?? new LocalTransformer(this.evalParams, this.cfg, n);
    const meta = this.device.createBuffer({ label: 'score meta', size: Math.max(32, n * 32), usage: GPUBufferUsage.STORAGE });
    const g = this.gather();
    const fields = new ScoreFields(this.device, this.sim.internals, this.sim.params, this.arch, net, meta);
    const scoreOps: Op[] =
      this.arch.model === 'abp'
        ? [...net.forwardOps(), fill(this.device, 'seed zero', net.dOutput), fill(this.device, 'seed θ', columns(net.dOutput, 0, 1), 1), ...net.inputGradientOps()]
        : net.divergenceOps({ inputStart: 0, count: 2 });
    const ops = [g.all(net, meta), ...scoreOps, ...fields.ops];
    this.inferBinding = {
      key, net, fields, ops, boxL: geometry(this.sim.params).boxL,
      destroy: () => {
        g.destroy();
        meta.destroy();
      },
    };
    old?.destroy();
    return this.inferBinding;
  }

  /** Runs the network (EMA weights) over every particle of the current state. */
  async evaluate(): Promise<ScoreEval> {
    this.checkArch(this.sim.params);
    const b = this.inferBindingFor();
    const enc = this.device.createCommandEncoder({ label: 'score eval' });
    enc.copyBufferToBuffer(this.params.ema.buffer, 0, this.evalParams.theta.buffer, 0, this.params.padded * 4);
    this.sim.encodeSorted(enc);
    const pass = enc.beginComputePass({ label: 'score eval' });
    for (const o of b.ops) o.encode(pass);
    pass.end();
    this.device.queue.submit([enc.finish()]);
    const t = await this.readback.f32(b.fields.totals, 0, 32);
    const m = await this.readback.f32(b.fields.binMap, 0, b.fields.binsPerSide ** 2 * 16);
    const n = this.sim.internals.buf.n;
    const bins = b.fields.binsPerSide ** 2;
    const map: ScoreMap = {
      binsPerSide: b.fields.binsPerSide, boxL: b.boxL,
      localEpr: new Float64Array(bins), current: new Float64Array(bins), counts: new Float64Array(bins),
    };
    for (let i = 0; i < bins; i++) {
      const c = m[4 * i + 2]!;
      map.counts[i] = c;
      map.localEpr[i] = c > 0 ? m[4 * i]! / c : NaN;
      map.current[i] = c > 0 ? m[4 * i + 1]! / c : NaN;
    }
    this.last = { step: this.sim.stepCount, eprLearned: t[2]! / n, eprPositions: t[4]! / n, meanCurrent: t[0]! / n, meanLocalEpr: t[1]! / n, map };
    return this.last;
  }

  /** Per-particle fields (current, local EPR, EPR term) in particle-id order, after evaluate(). */
  async readFields(): Promise<{ current: Float64Array; localEpr: Float64Array; term: Float64Array }> {
    const b = this.inferBindingFor();
    const n = this.sim.internals.buf.n;
    const f = await this.readback.f32(b.fields.idField, 0, n * 16);
    const pick = (c: number) => Float64Array.from({ length: n }, (_, i) => f[4 * i + c]!);
    return { current: pick(0), localEpr: pick(1), term: pick(2) };
  }

  /** Scores s(y) per particle id of the last evaluation: [n, outputs]. */
  async readScores(): Promise<Float64Array> {
    const b = this.inferBindingFor();
    const n = this.sim.internals.buf.n;
    const o = this.cfg.outputs;
    const s = await this.readback.f32(b.net.output.buffer, 0, n * o * 4);
    const pos = await this.readback.f32(this.sim.internals.buf.posB, 0, n * 16);
    const out = new Float64Array(n * o);
    for (let slot = 0; slot < n; slot++) {
      const id = pos[4 * slot + 3]!;
      for (let c = 0; c < o; c++) out[id * o + c] = s[slot * o + c]!;
    }
    return out;
  }

  // MipsAttachment: learned scalars in every sample; colour modes from the by-id fields.
  async sample(): Promise<Record<string, number>> {
    if (!sameArch(scoreArch(this.sim.params), this.arch)) return {};
    if (this.inferenceShare < 1 && performance.now() < this.nextEvalAt) return {};
    const t0 = performance.now();
    const e = await this.evaluate();
    const ms = performance.now() - t0;
    this.nextEvalAt = performance.now() + ms * (1 / this.inferenceShare - 1);
    const out: Record<string, number> = { eprLearned: e.eprLearned, scoreCurrentMean: e.meanCurrent, scoreLocalEprMean: e.meanLocalEpr };
    if (this.lastStats) out.scoreLoss = this.lastStats.loss;
    return out;
  }

  encodeColors(encoder: GPUCommandEncoder, mode: string): void {
    if (!sameArch(scoreArch(this.sim.params), this.arch)) return;
    this.inferBindingFor().fields.encodeColors(encoder, mode);
  }

  async save(extra: Record<string, unknown> = {}): Promise<Uint8Array<ArrayBuffer>> {
    return saveParams(this.params, { ...scoreMeta(this, this.sim.params), ...extra });
  }

  /** Loads weights of this exact architecture; validates first, writes nothing on error. */
  load(bytes: Uint8Array): Weights {
    const w = loadParams(this.params, bytes);
    this.skipped = 0;
    this.lastStats = undefined;
    // Fresh optimiser counters so Adam's bias correction restarts with the new weights.
    this.device.queue.writeBuffer(this.optimizer.stats.buffer, 0, new Float32Array(8));
    return w;
  }

  destroy(): void {
    this.trainBinding?.destroy();
    if (this.inferBinding) {
      this.inferBinding.destroy();
      this.inferBinding.fields.destroy();
      destroyNet(this.inferBinding.net);
    }
    destroyNet(this.net);
    this.params.destroy();
    this.evalParams.destroy();
    this.counter.destroy();
    this.readback.destroy();
  }
}

/** Frees the I/O buffers of a network (activations are freed with the device / GC). */
function destroyNet(net: LocalTransformer): void {
  for (const v of [net.input, net.tok, net.output, net.dOutput, net.inputGrad, net.divergence]) v.buffer.destroy();
}
