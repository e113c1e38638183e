// LocalTransformer: per set (particle) of K tokens, GELU-MLP embeddings of input slices
// (concatenated along channels) -> post-LN encoder blocks -> token 0 -> GELU-MLP head.
// forwardOps / backwardOps for training; divergenceOps for the exact divergence of the
// outputs with respect to an input slice of token 0 (one input-gradient pass per coordinate).
import { ParamLayout } from './layout';
import { EncoderBlock, Linear, type BackwardOptions } from './modules';
import { copy, fill, run, type Op } from './ops';
import type { ParamSet } from './params';
import { columns, tensor, token, type View } from './tensor';

export interface LocalTransformerConfig {
  /** Tokens per set (the particle itself first, then its neighbours). */
  tokens: number;
  /** Input channels per token. */
  inputs: number;
  /** Input slices [start, count], each embedded by its own MLP into width / slices.length channels. */
  embed: Array<[number, number]>;
  /** Hidden width of the embedding MLPs. */
  embedHidden: number;
  width: number;
  depth: number;
  heads: number;
  /** Hidden width of the encoder MLPs. */
  mlp: number;
  /** Hidden width of the token-0 head MLP. */
  headHidden: number;
  outputs: number;
  /** Optional attention window on the per-token group values (see nn/shaders/attention.wgsl). */
  window?: number;
}

export function localTransformerLayout(cfg: LocalTransformerConfig): ParamLayout {
  validate(cfg);
  const layout = new ParamLayout();
  const we = cfg.width / cfg.embed.length;
  cfg.embed.forEach(([, count], g) => {
    Linear.declare(layout, `embed${g}.l1`, count, cfg.embedHidden);
    Linear.declare(layout, `embed${g}.l2`, cfg.embedHidden, we);
  });
  for (let b = 0; b < cfg.depth; b++) EncoderBlock.declare(layout, `block${b}`, cfg.width, cfg.mlp);
  Linear.declare(layout, 'head.l1', cfg.width, cfg.headHidden);
  Linear.declare(layout, 'head.l2', cfg.headHidden, cfg.outputs);
  return layout;
}

function validate(cfg: LocalTransformerConfig): void {
  if (cfg.width % cfg.embed.length !== 0) throw new Error(`width ${cfg.width} must divide into ${cfg.embed.length} embeddings`);
  if (cfg.width % cfg.heads !== 0 || cfg.width / cfg.heads > 64) throw new Error(`width ${cfg.width} / heads ${cfg.heads} must be an integer <= 64`);
  for (const [s, c] of cfg.embed) if (s < 0 || c < 1 || s + c > cfg.inputs) throw new Error(`embed slice [${s}, ${c}] outside ${cfg.inputs} inputs`);
}

export interface DivergenceSpec {
  /** First input channel of token 0 differentiated against. */
  inputStart: number;
  /** First output channel; output (outputStart + a) pairs with input (inputStart + a). */
  outputStart?: number;
  count: number;
}

export class LocalTransformer {
  /** Inputs [sets * tokens, inputs]; write them before running. */
  readonly input: View;
  /** Per-token attention mask / group values [sets * tokens] (zeros: all tokens attend). */
  readonly tok: View;
  /** Outputs [sets, outputs]. */
  readonly output: View;
  /** Gradient of the loss at the outputs [sets, outputs] (a loss writes it). */
  readonly dOutput: View;
  /** d(sum of seeded outputs)/d(input) [sets * tokens, inputs], from input-gradient passes. */
  readonly inputGrad: View;
  /** Divergence per set [sets, 1], from divergenceOps. */
  readonly divergence: View;
  readonly rows: number;

  private readonly embeds: Array<{ l1: Linear; l2: Linear; hid: View; dhid: View }>;
  private readonly blocks: EncoderBlock[];
  private readonly head1: Linear;
  private readonly head2: Linear;
  private readonly h0: View;
  private readonly headHid: View;
  private readonly dHeadHid: View;
  private readonly dLast: View;
  private readonly fwd: Op[];
  private readonly bwd: Op[];
  private readonly bwdInputs: Op[];

  constructor(
    readonly params: ParamSet,
    readonly cfg: LocalTransformerConfig,
    readonly sets: number,
  ) {
    validate(cfg);
    const d = params.device;
    const K = cfg.tokens;
    const R = (this.rows = sets * K);
    const C = cfg.width;
    this.input = tensor(d, 'lt input', R, cfg.inputs);
    this.tok = tensor(d, 'lt tok', R, 1);
    this.output = tensor(d, 'lt output', sets, cfg.outputs);
    this.dOutput = tensor(d, 'lt d output', sets, cfg.outputs);
    this.inputGrad = tensor(d, 'lt input grad', R, cfg.inputs);
    this.divergence = tensor(d, 'lt divergence', sets, 1);
    this.h0 = tensor(d, 'lt h0', R, C);
    // gradient at the last block's output: token 0 only ([sets, C]) after a block, all tokens without one
    this.dLast = tensor(d, 'lt d last', cfg.depth > 0 ? sets : R, C);
    this.headHid = tensor(d, 'lt head hidden', sets, cfg.headHidden);
    this.dHeadHid = tensor(d, 'lt d head hidden', sets, cfg.headHidden);
    const we = C / cfg.embed.length;
    this.embeds = cfg.embed.map(([, count], g) => ({
      l1: new Linear(params, `embed${g}.l1`, R, count, cfg.embedHidden, true),
      l2: new Linear(params, `embed${g}.l2`, R, cfg.embedHidden, we),
      hid: tensor(d, `embed${g} hidden`, R, cfg.embedHidden),
      dhid: tensor(d, `embed${g} d hidden`, R, cfg.embedHidden),
    }));
    const scratch = tensor(d, 'lt ln scratch', R, C);
    const shape = { sets, k: K, width: C, heads: cfg.heads, mlp: cfg.mlp, window: cfg.window };
    // Only token 0 of the last block is read: that block computes token 0 past its keys and values.
    this.blocks = Array.from(
      { length: cfg.depth },
      (_, b) => new EncoderBlock(params, `block${b}`, { ...shape, queries: b === cfg.depth - 1 ? 'first' : 'all' }, this.tok.buffer, scratch),
    );
    this.head1 = new Linear(params, 'head.l1', sets, C, cfg.headHidden, true);
    this.head2 = new Linear(params, 'head.l2', sets, cfg.headHidden, cfg.outputs);

    this.fwd = this.buildForward();
    this.bwd = this.buildBackward({ paramGrads: true }, false);
    this.bwdInputs = this.buildBackward({ paramGrads: false }, true);
  }

  /** Token 0 of every set at the last block's output: [sets, C]. */
  private get last(): View {
    return this.blocks.length > 0 ? this.blocks[this.blocks.length - 1]!.out : token(this.h0, this.cfg.tokens, 0);
  }

  private buildForward(): Op[] {
    const ops: Op[] = [];
    const we = this.cfg.width / this.cfg.embed.length;
    this.cfg.embed.forEach(([start, count], g) => {
      const e = this.embeds[g]!;
      ops.push(...e.l1.forward(columns(this.input, start, count), e.hid));
      ops.push(...e.l2.forward(e.hid, columns(this.h0, g * we, we)));
    });
    let h = this.h0;
    for (const b of this.blocks) {
      ops.push(...b.forward(h));
      h = b.out;
    }
    ops.push(...this.head1.forward(this.last, this.headHid));
    ops.push(...this.head2.forward(this.headHid, this.output));
    return ops;
  }

  private buildBackward(opts: BackwardOptions, inputGrads: boolean): Op[] {
    const d = this.params.device;
    const ops: Op[] = [];
    const K = this.cfg.tokens;
    const we = this.cfg.width / this.cfg.embed.length;
    // GELU input gradients are fused into the dX matmul producing them (dxGelu / dyAtPreActivation)
    ops.push(...this.head2.backward(this.dOutput, this.dHeadHid, { ...opts, dxGelu: this.head1.pre }));
    // Only token 0 feeds the head. Without blocks, the other rows of d(h0) are zero.
    const dLast = this.dLast;
    if (this.blocks.length === 0) ops.push(fill(d, 'lt zero d last', dLast));
    ops.push(...this.head1.backward(this.dHeadHid, this.blocks.length > 0 ? dLast : token(dLast, K, 0), { ...opts, dyAtPreActivation: true }));
    let dh = dLast;
    for (let b = this.blocks.length - 1; b >= 0; b--) {
      const r = this.blocks[b]!.backward(dh, opts);
      ops.push(...r.ops);
      dh = r.dx;
    }
    if (inputGrads) ops.push(fill(d, 'lt zero input grad', this.inputGrad));
    this.cfg.embed.forEach(([start, count], g) => {
      const e = this.embeds[g]!;
      ops.push(...e.l2.backward(columns(dh, g * we, we), e.dhid, { ...opts, dxGelu: e.l1.pre }));
      ops.push(...e.l1.backward(e.dhid, inputGrads ? columns(this.inputGrad, start, count) : null, { ...opts, dyAtPreActivation: true }));
    });
    return ops;
  }

  /** Ops computing `output` from `input` (and `tok`). */
  forwardOps(): Op[] {
    return this.fwd;
  }

  /** Ops accumulating d(loss)/d(theta) into params.grad from `dOutput` (after forwardOps). */
  backwardOps(): Op[] {
    return this.bwd;
  }

  /** Ops computing d(sum_a dOutput_a out_a)/d(input) into `inputGrad` only (after forwardOps). */
  inputGradientOps(): Op[] {
    return this.bwdInputs;
  }

  /**
   * Forward, then for each coordinate a one input-gradient pass seeded with e_a at the output:
   * divergence[p] = sum_a d out[p, outputStart + a] / d input[p, token 0, inputStart + a].
   * Exact (reverse mode), not finite differences. Leaves `output` valid.
   */
  divergenceOps(spec: DivergenceSpec): Op[] {
    const d = this.params.device;
    const o0 = spec.outputStart ?? 0;
    if (o0 + spec.count > this.cfg.outputs || spec.inputStart + spec.count > this.cfg.inputs) {
      throw new Error(`divergence slice outside outputs ${this.cfg.outputs} / inputs ${this.cfg.inputs}`);
    }
    const ops: Op[] = [...this.fwd];
    const in0 = token(this.inputGrad, this.cfg.tokens, 0);
    for (let a = 0; a < spec.count; a++) {
      ops.push(fill(d, `div seed zero ${a}`, this.dOutput));
      ops.push(fill(d, `div seed ${a}`, columns(this.dOutput, o0 + a, 1), 1));
      ops.push(...this.bwdInputs);
      ops.push(copy(d, `div gather ${a}`, columns(in0, spec.inputStart + a, 1), this.divergence, a > 0));
    }
    return ops;
  }

  forward(): void {
    run(this.params.device, this.fwd, 'lt forward');
  }

  backward(): void {
    run(this.params.device, this.bwd, 'lt backward');
  }

  setInput(x: Float32Array<ArrayBuffer>, tok?: Float32Array<ArrayBuffer>): void {
    const q = this.params.device.queue;
    if (x.length !== this.rows * this.cfg.inputs) throw new Error(`input has ${x.length} floats, wanted ${this.rows * this.cfg.inputs}`);
    q.writeBuffer(this.input.buffer, 0, x);
    if (tok) q.writeBuffer(this.tok.buffer, 0, tok);
  }
}
