// The score network of a running mips simulation: online DSM training on its snapshots, and
// inference over every particle (learned EPR, local current and local EPR fields, binned map).
// Training and inference share one GPU device with the sim; nothing but a few stats and the
// binned map comes back to the CPU.
import { colormapStops } from '../../../gpu/colormap';
import { Readback } from '../../../gpu/buffers';
import { pipelinesOf, precompile } from '../../../gpu/pipelines';
import { AdamW, NonFiniteStepError, type StepStats } from '../../../nn/adamw';
import { loadParams, saveParams, type Weights } from '../../../nn/io';
import { LocalTransformer, localTransformerLayout, type LocalTransformerConfig } from '../../../nn/local-transformer';
import type { TrainableModel } from '../../../nn/trainable';
import { DsmLoss } from '../../../nn/losses';
import type { Op } from '../../../nn/ops';
import { ParamSet } from '../../../nn/params';
import { geometry, type MipsParams } from '../params';
import { fractions, type MipsAttachment, type MipsSimulation } from '../simulation';
import type { ColorBarSpec } from '../../types';
import { SCORE_COLOR_SCALE } from './fields';
import { describeArch, networkConfig, sameArch, scoreArch, type ScoreArch, type ScoreSettings } from './config';
import { convergence, type Convergence } from './convergence';
import { counterBuffer, ScoreGather } from './gather';
import { ChunkedInference } from './inference';
import { checkFits, readScoreMeta, scoreMeta } from './weights';

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
  /** The learned EPR from the divergence (rate · mean local EPR + position part) and its gap. */
  convergence: Convergence;
  map: ScoreMap;
}

/** How far an evaluation in progress has got (chunks of particles). */
export interface EvalProgress {
  step: number;
  done: number;
  total: number;
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

interface Training {
  net: LocalTransformer;
  loss: DsmLoss;
}

interface EvalPass {
  inf: ChunkedInference;
  step: number;
  next: number;
}

export class ScoreModel implements MipsAttachment, TrainableModel {
  readonly colorModes = ['scoreCurrent', 'scoreEpr'] as const;
  readonly arch: ScoreArch;
  readonly cfg: LocalTransformerConfig;
  readonly params: ParamSet;
  /** EMA weights copied here for evaluation (training keeps its own theta). */
  readonly evalParams: ParamSet;
  readonly optimizer: AdamW;
  /** Last evaluation (after sample(), evaluate() or the last chunk of evaluateChunk()). */
  last: ScoreEval | undefined;
  lastStats: StepStats | undefined;
  /**
   * 0: sample() runs a whole evaluation (CLI, tests). Otherwise the lab runs evaluations itself,
   * `chunk` particles per call of evaluateChunk(), and sample() reports the last finished one.
   */
  chunk = 0;
  private readonly device: GPUDevice;
  private readonly counter: GPUBuffer;
  private readonly readback: Readback;
  /** Training network and loss: built on the first train() (loading weights to evaluate needs neither). */
  private training: Training | undefined;
  private trainBinding: TrainBinding | undefined;
  private inference: (Bound & { inf: ChunkedInference }) | undefined;
  private pass: EvalPass | undefined;
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
    this.counter = counterBuffer(this.device);
    this.readback = new Readback(this.device, 'score readback');
  }

  /** Accepted optimisation steps so far. */
  get steps(): number {
    return this.lastStats?.steps ?? 0;
  }

  get samplesPerStep(): number {
    return this.settings.batch;
  }

  /** One chunk of online training: simStepsPerChunk sim steps, then trainStepsPerChunk training steps on that snapshot. */
  async trainChunk(): Promise<StepStats> {
    if (this.settings.simStepsPerChunk > 0) this.sim.step(this.settings.simStepsPerChunk);
    return this.train(this.settings.trainStepsPerChunk);
  }

  private checkArch(p: MipsParams): void {
    const a = scoreArch(p);
    if (!sameArch(a, this.arch)) {
      throw new ScoreArchError(
        `the score network was built for ${describeArch(this.arch)} but the system is now ${describeArch(a)}: ` +
          'train a new network (or load weights) for this configuration',
      );
    }
  }

  private bindingKey(): string {
    const { colorBy: _shown, ...p } = this.sim.params; // colouring changes no input
    return `${this.sim.internals.generation}|${JSON.stringify(p)}`;
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
      if (!this.training) {
        const net = new LocalTransformer(this.params, this.cfg, 2 * this.settings.batch);
        this.training = { net, loss: new DsmLoss(this.device, net.output, net.dOutput, this.settings.sigma) };
      }
      const { net, loss } = this.training;
      const opt = this.optimizer;
      const ops = [
        g.batch(net, loss.zeta, this.settings.batch, this.counter),
        opt.zeroGradOp(),
        ...net.forwardOps(),
        ...loss.ops(),
        ...net.backwardOps(),
        ...opt.stepOps(loss.rows),
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

  private inferenceFor(chunk: number): ChunkedInference {
    const key = `${this.bindingKey()}|${chunk}`;
    if (this.inference?.key === key) return this.inference.inf;
    this.inference?.destroy();
    this.pass = undefined;
    const s = this.sim;
    const inf = new ChunkedInference(this.device, s.internals, s.params, this.arch, this.settings, this.evalParams, this.cfg, chunk);
    this.inference = { key, inf, destroy: () => inf.destroy() };
    return inf;
  }

  /**
   * Compiles the pipelines of the inference network for `chunk` with createComputePipelineAsync
   * (recorded from a build on a stand-in device), so that beginEvaluation() creates none
   * synchronously: on SwiftShader those compiles stopped the page's frames for 20 s.
   */
  async prepareEvaluation(chunk = this.sim.internals.buf.n, pause?: () => Promise<void>): Promise<void> {
    const c = Math.min(chunk, this.sim.internals.buf.n);
    if (this.inference?.key === `${this.bindingKey()}|${c}`) return;
    const s = this.sim;
    const keys = pipelinesOf(this.device, (d) => {
      const params = Object.create(this.evalParams, { device: { value: d } }) as ParamSet;
      new ChunkedInference(d, s.internals, s.params, this.arch, this.settings, params, this.cfg, c);
    });
    await precompile(this.device, keys, pause);
  }

  /** The evaluation in progress (evaluateChunk), if any. */
  get progress(): EvalProgress | undefined {
    const p = this.pass;
    return p && { step: p.step, done: p.next, total: p.inf.chunks };
  }

  /**
   * Starts an evaluation of the current state, `chunk` particles per evaluateChunk() (default:
   * all in one). The EMA weights and the sorted state are copied now, so the sim may step on
   * while the chunks run. Abandons an evaluation in progress.
   */
  beginEvaluation(chunk = this.sim.internals.buf.n): void {
    this.checkArch(this.sim.params);
    const inf = this.inferenceFor(Math.min(chunk, this.sim.internals.buf.n));
    const enc = this.device.createCommandEncoder({ label: 'score eval: snapshot' });
    enc.copyBufferToBuffer(this.params.ema.buffer, 0, this.evalParams.theta.buffer, 0, this.params.padded * 4);
    this.sim.encodeSorted(enc);
    inf.encodeSnapshot(enc);
    this.device.queue.submit([enc.finish()]);
    this.pass = { inf, step: this.sim.stepCount, next: 0 };
  }

  /**
   * Runs the next chunk of the evaluation in progress and waits until the GPU has done it (so
   * chunks never queue up); returns the evaluation after its last chunk, otherwise undefined.
   */
  async evaluateChunk(): Promise<ScoreEval | undefined> {
    const p = this.pass;
    if (!p) throw new Error('no score evaluation in progress: call beginEvaluation() first');
    if (!this.inference?.key.startsWith(`${this.bindingKey()}|`)) {
      this.pass = undefined; // the sim was rebuilt or its params changed: start over
      return undefined;
    }
    const last = p.next === p.inf.chunks - 1;
    const enc = this.device.createCommandEncoder({ label: 'score eval' });
    const pass = enc.beginComputePass({ label: 'score eval' });
    p.inf.encodeChunk(pass, p.next);
    if (last) p.inf.encodeReduce(pass);
    pass.end();
    this.device.queue.submit([enc.finish()]);
    p.next++;
    if (!last) {
      await this.device.queue.onSubmittedWorkDone();
      return undefined;
    }
    const e = await this.read(p);
    if (this.pass === p) this.pass = undefined;
    return e;
  }

  private async read(p: EvalPass): Promise<ScoreEval> {
    const f = p.inf.fields;
    const t = await this.readback.f32(f.totals, 0, 32);
    const m = await this.readback.f32(f.binMap, 0, f.binsPerSide ** 2 * 16);
    const n = this.sim.internals.buf.n;
    const bins = f.binsPerSide ** 2;
    const map: ScoreMap = {
      binsPerSide: f.binsPerSide, boxL: geometry(this.sim.params).boxL,
      localEpr: new Float64Array(bins), current: new Float64Array(bins), counts: new Float64Array(bins),
    };
    for (let i = 0; i < bins; i++) {
      const c = m[4 * i + 2]!;
      map.counts[i] = c;
      map.localEpr[i] = c > 0 ? m[4 * i]! / c : NaN;
      map.current[i] = c > 0 ? m[4 * i + 1]! / c : NaN;
    }
    const rate = this.arch.model === 'abp' ? this.sim.params.Dr : this.sim.params.gamma;
    const e: ScoreEval = {
      step: p.step, eprLearned: t[2]! / n, eprPositions: t[4]! / n, meanCurrent: t[0]! / n, meanLocalEpr: t[1]! / n,
      convergence: convergence({ n, sumTerm: t[2]!, sumPositions: t[4]!, sumLocal: t[1]!, sumD2: t[5]!, rate }),
      map,
    };
    this.last = e;
    return e;
  }

  /** Runs the network (EMA weights) over every particle of the current state, in one submit. */
  async evaluate(): Promise<ScoreEval> {
    this.beginEvaluation();
    return (await this.evaluateChunk())!;
  }

  /** Per-particle fields (current, local EPR, EPR term) in particle-id order, after evaluate(). */
  async readFields(): Promise<{ current: Float64Array; localEpr: Float64Array; term: Float64Array }> {
    const n = this.sim.internals.buf.n;
    const f = await this.readback.f32(this.inferenceFor(n).fields.idField, 0, n * 16);
    const pick = (c: number) => Float64Array.from({ length: n }, (_, i) => f[4 * i + c]!);
    return { current: pick(0), localEpr: pick(1), term: pick(2) };
  }

  /** Scores s(y) per particle id of the last evaluation: [n, outputs]. */
  async readScores(): Promise<Float64Array> {
    const n = this.sim.internals.buf.n;
    const o = this.cfg.outputs;
    const s = await this.readback.f32(this.inferenceFor(n).net.output.buffer, 0, n * o * 4);
    const pos = await this.readback.f32(this.sim.internals.buf.posB, 0, n * 16);
    const out = new Float64Array(n * o);
    for (let slot = 0; slot < n; slot++) {
      const id = pos[4 * slot + 3]!;
      for (let c = 0; c < o; c++) out[id * o + c] = s[slot * o + c]!;
    }
    return out;
  }

  // MipsAttachment: learned scalars in every sample, from a fresh evaluation (CLI, tests) or in the
  // lab from the last finished one (eprLearnedStep names the state it was taken on); colours from
  // the by-id fields.
  async sample(): Promise<Record<string, number>> {
    if (!sameArch(scoreArch(this.sim.params), this.arch)) return {};
    const e = this.chunk > 0 ? this.last : await this.evaluate();
    if (!e) return {};
    const out: Record<string, number> = {
      eprLearned: e.eprLearned, ...e.convergence.scalars, eprLearnedStep: e.step,
      scoreCurrentMean: e.meanCurrent, scoreLocalEprMean: e.meanLocalEpr,
    };
    if (this.lastStats) out.scoreLoss = this.lastStats.loss;
    return out;
  }

  encodeColors(encoder: GPUCommandEncoder, mode: string): void {
    // Only fields of the sim's current buffers (a rebuild destroys the ones they colour).
    if (!sameArch(scoreArch(this.sim.params), this.arch) || !this.inference?.key.startsWith(`${this.bindingKey()}|`)) return;
    this.inference.inf.fields.encodeColors(encoder, mode, this.sim.params.colormap);
  }

  colorBar(mode: string): ColorBarSpec {
    if (mode === 'scoreCurrent') {
      const current = this.arch.model === 'abp' ? '|s_θ|' : '|g + s_g|';
      return { label: `learned current ${current} / its mean`, min: 0, max: SCORE_COLOR_SCALE.scoreCurrent, log: false, colors: colormapStops(this.sim.params.colormap), ticks: fractions(SCORE_COLOR_SCALE.scoreCurrent, 4) };
    }
    const e = SCORE_COLOR_SCALE.scoreEpr;
    return { label: 'learned local EPR / mean |local EPR|', min: -e, max: e, log: false, colors: colormapStops('diverging'), ticks: fractions(e, e, true) };
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
    this.inference?.destroy();
    if (this.training) destroyNet(this.training.net);
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

/** A new model with the file's settings, loaded with its weights (validated, nothing written on error). */
export async function modelFromWeights(sim: MipsSimulation, bytes: Uint8Array): Promise<ScoreModel> {
  const meta = readScoreMeta(bytes);
  checkFits(meta, sim.params);
  const model = new ScoreModel(sim, meta.settings);
  try {
    model.load(bytes);
  } catch (e) {
    model.destroy();
    throw e;
  }
  return model;
}
