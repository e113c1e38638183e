// AdamW over one ParamSet: sums the loss rows and |grad|^2 into a small stats buffer, then
// one kernel clips, updates moments and weights, and updates the EMA, unless the loss or the
// gradient norm is non-finite, in which case nothing changes and the step counts as skipped.
import { Readback, UniformStruct } from '../gpu/buffers';
import { gridFor } from '../gpu/dispatch';
import { dispatch, kernel, wgsl } from '../gpu/pipelines';
import threads from '../gpu/shaders/threads.wgsl?raw';
import adamwCode from './shaders/adamw.wgsl?raw';
import { colsum, fill, run, type Op } from './ops';
import type { ParamSet } from './params';
import { tensor, type View } from './tensor';

const ADAMW = wgsl(threads, adamwCode);

export interface AdamWOptions {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** Global gradient-norm clip (0: off). */
  maxGradNorm: number;
  /** EMA decay per accepted step. */
  emaDecay: number;
}

export const ADAMW_DEFAULTS: AdamWOptions = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, maxGradNorm: 1, emaDecay: 0.999 };

export interface StepStats {
  loss: number;
  /** Global gradient norm before clipping. */
  gradNorm: number;
  /** Accepted steps so far (the Adam step count). */
  steps: number;
  /** Skipped (non-finite) steps so far. */
  skipped: number;
  /** Whether the last step was skipped. */
  lastSkipped: boolean;
}

export class NonFiniteStepError extends Error {
  constructor(readonly stats: StepStats) {
    super(`training step skipped: loss ${stats.loss}, gradient norm ${stats.gradNorm} (weights left unchanged)`);
    this.name = 'NonFiniteStepError';
  }
}

export class AdamW {
  /** [loss, |grad|^2, accepted steps, skipped steps, last skipped, 0, 0, 0]. */
  readonly stats: View;
  readonly options: AdamWOptions;
  private readonly uniforms: UniformStruct<Record<string, 'u32' | 'f32'>>;
  private readonly normPartials: View;
  private readonly readback: Readback;
  private readonly updateOps: Op[];

  constructor(
    readonly params: ParamSet,
    options: Partial<AdamWOptions> = {},
  ) {
    const d = params.device;
    this.options = { ...ADAMW_DEFAULTS, ...options };
    this.stats = tensor(d, 'adamw stats', 8, 1);
    this.normPartials = tensor(d, 'adamw norm partials', 256, 1);
    this.readback = new Readback(d, 'adamw stats readback');
    this.uniforms = new UniformStruct(d, 'adamw uniforms', {
      n: 'u32', lr: 'f32', beta1: 'f32', beta2: 'f32', eps: 'f32', weight_decay: 'f32', max_norm: 'f32', ema_decay: 'f32',
    });
    this.setOptions({});
    const n = params.padded;
    const g = params.grad;
    // |grad|^2: view grad as [n/256, 256], sum squares down columns, then sum the 256 partials.
    const sq = colsum(d, 'grad norm partials', { buffer: g.buffer, offset: 0, rows: n / 256, cols: 256, stride: 256 }, this.normPartials, { square: true });
    const total = colsum(d, 'grad norm', { buffer: this.normPartials.buffer, offset: 0, rows: 256, cols: 1, stride: 1 }, { buffer: this.stats.buffer, offset: 1 });
    const step = kernel(d, ADAMW, 'step', {
      0: this.uniforms.buffer, 1: params.theta.buffer, 2: g.buffer, 3: params.moments.buffer, 4: params.ema.buffer, 5: params.decayMask.buffer, 6: this.stats.buffer,
    });
    const finish = kernel(d, ADAMW, 'finish', { 6: this.stats.buffer });
    const [gx, gy] = gridFor(n / 4); // one thread per vec4 (n is a multiple of 256)
    this.updateOps = [
      sq,
      total,
      { label: 'adamw step', encode: (p) => dispatch(p, step, gx, gy) },
      { label: 'adamw finish', encode: (p) => dispatch(p, finish, 1) },
    ];
  }

  /** Changes hyperparameters (e.g. a learning-rate schedule) for the next steps. */
  setOptions(o: Partial<AdamWOptions>): void {
    Object.assign(this.options, o);
    const x = this.options;
    this.uniforms
      .set({ n: this.params.padded, lr: x.lr, beta1: x.beta1, beta2: x.beta2, eps: x.eps, weight_decay: x.weightDecay, max_norm: x.maxGradNorm, ema_decay: x.emaDecay })
      .upload();
  }

  /** Op zeroing params.grad (run before the backward passes of a step). */
  zeroGradOp(): Op {
    return fill(this.params.device, 'zero grad', this.params.grad);
  }

  /** Ops: sum `lossRows` into stats[0], the gradient norm into stats[1], then the guarded update. */
  stepOps(lossRows: View): Op[] {
    const lossSum = colsum(this.params.device, 'loss sum', lossRows, { buffer: this.stats.buffer, offset: 0 });
    return [lossSum, ...this.updateOps];
  }

  async readStats(): Promise<StepStats> {
    const s = await this.readback.f32(this.stats.buffer, 0, 32);
    return { loss: s[0]!, gradNorm: Math.sqrt(s[1]!), steps: s[2]!, skipped: s[3]!, lastSkipped: s[4]! !== 0 };
  }
}

/**
 * One optimisation step = zero grads, forward, loss, backward, AdamW. Ops are built once.
 */
export class TrainStep {
  private readonly ops: Op[];

  constructor(
    readonly optimizer: AdamW,
    net: { forwardOps(): Op[]; backwardOps(): Op[] },
    loss: { rows: View; ops(): Op[] },
  ) {
    this.ops = [optimizer.zeroGradOp(), ...net.forwardOps(), ...loss.ops(), ...net.backwardOps(), ...optimizer.stepOps(loss.rows)];
  }

  /** Encodes and submits one step (no readback). */
  submit(): void {
    run(this.optimizer.params.device, this.ops, 'train step');
  }

  /** Runs one step and reads its stats; throws NonFiniteStepError when it was skipped. */
  async step(): Promise<StepStats> {
    this.submit();
    const s = await this.optimizer.readStats();
    if (s.lastSkipped) throw new NonFiniteStepError(s);
    return s;
  }
}
