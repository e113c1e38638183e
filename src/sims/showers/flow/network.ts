// AllShowers' flow-matching network on src/nn: one set of K tokens per shower, a token per hit, predicting
// the velocity v(y_t, t | shower) of each token's standardised (x, y, ln E). A token's embedding is the sum
//   Linear(3 → C)(y_t) + Embedding(layer) + broadcast per shower [Embedding(particle) + MLP(conditions)
//   + MLP(ln(n + 0.5) per layer)],
// then post-LN encoder blocks whose attention is banded by layer (|ℓ_i − ℓ_j| ≤ window, padding masked),
// then Linear(C → 3). The loss is the MSE against u over real tokens (FlowLoss); FlowTrainStep adds AdamW.
import { AdamW, TrainStep, type AdamWOptions } from '../../../nn/adamw';
import { Embedding, SetBroadcast } from '../../../nn/embedding';
import { ParamLayout } from '../../../nn/layout';
import { MaskedMseLoss, type Loss } from '../../../nn/losses';
import { EncoderBlock, Linear, type BackwardOptions } from '../../../nn/modules';
import { MAX_HEAD_DIM, run, type Op } from '../../../nn/ops';
import type { ParamSet } from '../../../nn/params';
import { tensor, type View } from '../../../nn/tensor';
import { ILD } from '../detector';
import { PARTICLES } from '../params';
import { conditionWidth, type FlowBatch } from './batches';
import { DEFAULT_TOKENS, POINT_DIM, type ShowerBatch } from './dataset';

export interface FlowNetworkConfig {
  /** Tokens per shower (K): its hits, then padding (layer −1). */
  tokens: number;
  /** Calorimeter layers (L): rows of the layer embedding and length of the per-layer counts. */
  layers: number;
  /** Particle types: rows of the particle embedding (PARTICLES). */
  particles: number;
  /** Fourier features of t (sin/cos pairs, batches.ts timeFeatures) at the start of each shower's condition row. */
  timeFeatures: number;
  width: number;
  depth: number;
  heads: number;
  /** Hidden width of the encoder MLPs. */
  mlp: number;
  /** Hidden widths of the per-shower MLPs: conditions, and counts per layer. */
  condHidden: number;
  countsHidden: number;
  /** Attention band in layers: token i sees token j iff |ℓ_i − ℓ_j| ≤ window. */
  window: number;
  /** The attention output projection (AllShowers has none). */
  proj: boolean;
}

/** A size for SwiftShader and small GPUs; t by 8 frequencies. */
export const FLOW_DEFAULT: FlowNetworkConfig = {
  tokens: DEFAULT_TOKENS, layers: ILD.ecalLayers + ILD.hcalLayers, particles: PARTICLES.length, timeFeatures: 16,
  width: 32, depth: 2, heads: 4, mlp: 128, condHidden: 32, countsHidden: 128, window: 2, proj: false,
};

/** AllShowers' size (§3.1: width 64, 4 blocks, FF 256; counts MLP 78 → 512 → 64; t by 3 frequencies): for real GPUs. */
export const FLOW_ALLSHOWERS: FlowNetworkConfig = { ...FLOW_DEFAULT, timeFeatures: 6, width: 64, depth: 4, mlp: 256, condHidden: 64, countsHidden: 512 };

function validate(cfg: FlowNetworkConfig): void {
  const counts = ['tokens', 'layers', 'particles', 'width', 'heads', 'mlp', 'condHidden', 'countsHidden'] as const;
  for (const k of counts) if (!(Number.isInteger(cfg[k]) && cfg[k] >= 1)) throw new RangeError(`flow network: ${k} = ${cfg[k]} must be a positive integer`);
  if (!(Number.isInteger(cfg.depth) && cfg.depth >= 0)) throw new RangeError(`flow network: depth = ${cfg.depth} must be a non-negative integer`);
  if (!(Number.isInteger(cfg.timeFeatures) && cfg.timeFeatures >= 0 && cfg.timeFeatures % 2 === 0)) throw new RangeError(`flow network: timeFeatures = ${cfg.timeFeatures} must be even (sin/cos pairs)`);
  if (!(cfg.window >= 0)) throw new RangeError(`flow network: window = ${cfg.window} must be >= 0`);
  const dh = cfg.width / cfg.heads;
  if (!Number.isInteger(dh) || dh > MAX_HEAD_DIM) throw new RangeError(`flow network: width ${cfg.width} / heads ${cfg.heads} must be an integer <= ${MAX_HEAD_DIM}`);
}

export function flowNetworkLayout(cfg: FlowNetworkConfig): ParamLayout {
  validate(cfg);
  const layout = new ParamLayout();
  const C = cfg.width;
  Linear.declare(layout, 'point', POINT_DIM, C);
  Embedding.declare(layout, 'layer', cfg.layers, C);
  Embedding.declare(layout, 'particle', cfg.particles, C);
  Linear.declare(layout, 'cond.l1', conditionWidth(cfg.timeFeatures), cfg.condHidden);
  Linear.declare(layout, 'cond.l2', cfg.condHidden, C);
  Linear.declare(layout, 'counts.l1', cfg.layers, cfg.countsHidden);
  Linear.declare(layout, 'counts.l2', cfg.countsHidden, C);
  for (let b = 0; b < cfg.depth; b++) EncoderBlock.declare(layout, `block${b}`, C, cfg.mlp, { proj: cfg.proj });
  Linear.declare(layout, 'head', C, POINT_DIM);
  return layout;
}

/** One batch of network inputs, row-major f32 (the shapes of FlowNetwork's input views). */
export interface FlowInputs {
  /** [S · K · 3] y_t per token. */
  points: Float32Array<ArrayBuffer>;
  /** [S · K] layer per token, −1 for padding. */
  tok: Float32Array<ArrayBuffer>;
  /** [S · conditionWidth(timeFeatures)] condition rows (batches.ts conditionRows). */
  cond: Float32Array<ArrayBuffer>;
  /** [S · L] ln(n + 0.5) per layer. */
  counts: Float32Array<ArrayBuffer>;
  /** [S] particle index. */
  particle: Float32Array<ArrayBuffer>;
}

/** The inputs of a training batch: its tokens' layers, counts and particles, and the flow batch's y_t and conditions. */
export function flowInputs(batch: ShowerBatch, fb: Pick<FlowBatch, 'input' | 'conditions'>, cfg: FlowNetworkConfig): FlowInputs {
  const F = conditionWidth(cfg.timeFeatures);
  if (batch.tokens !== cfg.tokens || batch.layers !== cfg.layers || fb.conditions.length !== batch.showers * F) {
    throw new RangeError(
      `flowInputs: a batch of ${batch.tokens} tokens, ${batch.layers} layers and ${fb.conditions.length / batch.showers} conditions ` +
        `for a network of ${cfg.tokens}, ${cfg.layers} and ${F}`,
    );
  }
  // copies: GPU uploads take ArrayBuffer-backed arrays
  return {
    points: Float32Array.from(fb.input),
    tok: Float32Array.from(batch.tok),
    cond: Float32Array.from(fb.conditions),
    counts: Float32Array.from(batch.logCounts),
    particle: Float32Array.from(batch.particle),
  };
}

interface ShowerMlp {
  l1: Linear;
  l2: Linear;
  hid: View;
  dhid: View;
}

/** The flow network over `sets` showers; instances share a ParamSet (one per batch size). */
export class FlowNetwork {
  /** Inputs: write them (setInputs) before running. [S · K, 3] y_t per token. */
  readonly points: View;
  /** [S · K, 1] layer per token, −1 for padding: the layer embedding's index, attention's band and mask. */
  readonly tok: View;
  /** [S, conditionWidth(timeFeatures)] per-shower condition rows (batches.ts conditionRows). */
  readonly cond: View;
  /** [S, L] ln(n + 0.5) per layer. */
  readonly counts: View;
  /** [S, 1] particle index. */
  readonly particle: View;
  /** [S · K, 3] predicted velocity per token (padding rows: finite, meaningless). */
  readonly output: View;
  /** [S · K, 3] d(loss)/d(output), written by a loss. */
  readonly dOutput: View;
  readonly rows: number;

  private readonly point: Linear;
  private readonly layer: Embedding;
  private readonly particleEmb: Embedding;
  private readonly condMlp: ShowerMlp;
  private readonly countsMlp: ShowerMlp;
  private readonly broadcast: SetBroadcast;
  private readonly blocks: EncoderBlock[];
  private readonly head: Linear;
  /** Token embeddings [S · K, C], the first block's input. */
  private readonly h0: View;
  /** The per-shower sum broadcast to its tokens [S, C], and its gradient. */
  private readonly perShower: View;
  private readonly dPerShower: View;
  /** d(loss) at the last block's output [S · K, C]. */
  private readonly dLast: View;
  private readonly fwd: Op[];
  private readonly bwd: Op[];

  constructor(
    readonly params: ParamSet,
    readonly cfg: FlowNetworkConfig,
    readonly sets: number,
  ) {
    validate(cfg);
    const d = params.device;
    const K = cfg.tokens;
    const C = cfg.width;
    const R = (this.rows = sets * K);
    const F = conditionWidth(cfg.timeFeatures);
    this.points = tensor(d, 'flow points', R, POINT_DIM);
    this.tok = tensor(d, 'flow tok', R, 1);
    this.cond = tensor(d, 'flow cond', sets, F);
    this.counts = tensor(d, 'flow counts', sets, cfg.layers);
    this.particle = tensor(d, 'flow particle', sets, 1);
    this.output = tensor(d, 'flow output', R, POINT_DIM);
    this.dOutput = tensor(d, 'flow d output', R, POINT_DIM);
    this.h0 = tensor(d, 'flow h0', R, C);
    this.perShower = tensor(d, 'flow per shower', sets, C);
    this.dPerShower = tensor(d, 'flow d per shower', sets, C);
    this.dLast = tensor(d, 'flow d last', R, C);

    this.point = new Linear(params, 'point', R, POINT_DIM, C);
    this.layer = new Embedding(params, 'layer', R, cfg.layers, C);
    this.particleEmb = new Embedding(params, 'particle', sets, cfg.particles, C);
    const mlp = (name: string, inDim: number, hidden: number): ShowerMlp => ({
      l1: new Linear(params, `${name}.l1`, sets, inDim, hidden, true),
      l2: new Linear(params, `${name}.l2`, sets, hidden, C),
      hid: tensor(d, `flow ${name} hidden`, sets, hidden),
      dhid: tensor(d, `flow ${name} d hidden`, sets, hidden),
    });
    this.condMlp = mlp('cond', F, cfg.condHidden);
    this.countsMlp = mlp('counts', cfg.layers, cfg.countsHidden);
    this.broadcast = new SetBroadcast(d, 'flow broadcast', sets, K);
    const scratch = tensor(d, 'flow ln scratch', R, C);
    const shape = { sets, k: K, width: C, heads: cfg.heads, mlp: cfg.mlp, window: cfg.window, proj: cfg.proj, queries: 'all' as const };
    this.blocks = Array.from({ length: cfg.depth }, (_, b) => new EncoderBlock(params, `block${b}`, shape, this.tok.buffer, scratch));
    this.head = new Linear(params, 'head', R, C, POINT_DIM);

    this.fwd = this.buildForward();
    this.bwd = this.buildBackward({ paramGrads: true });
  }

  private buildForward(): Op[] {
    const h0 = this.h0;
    const v = this.perShower;
    const c = this.condMlp;
    const n = this.countsMlp;
    const ops: Op[] = [
      ...this.point.forward(this.points, h0),
      ...this.layer.forward(this.tok, h0, { accumulate: true }),
      // per shower: conditions MLP + counts MLP + particle row, summed in v, then into its real tokens
      ...c.l1.forward(this.cond, c.hid),
      ...c.l2.forward(c.hid, v),
      ...n.l1.forward(this.counts, n.hid),
      ...n.l2.forward(n.hid, v, { accumulate: true }),
      ...this.particleEmb.forward(this.particle, v, { accumulate: true }),
      ...this.broadcast.forward(v, h0, { mask: this.tok, accumulate: true }),
    ];
    let h = h0;
    for (const b of this.blocks) {
      ops.push(...b.forward(h));
      h = b.out;
    }
    ops.push(...this.head.forward(h, this.output));
    return ops;
  }

  private buildBackward(opts: BackwardOptions): Op[] {
    const ops: Op[] = [...this.head.backward(this.dOutput, this.dLast, opts)];
    let dh = this.dLast;
    for (let b = this.blocks.length - 1; b >= 0; b--) {
      const r = this.blocks[b]!.backward(dh, opts);
      ops.push(...r.ops);
      dh = r.dx;
    }
    const dv = this.dPerShower;
    ops.push(
      ...this.point.backward(dh, null, opts),
      ...this.layer.backward(dh, opts),
      ...this.broadcast.backward(dh, dv),
      ...this.particleEmb.backward(dv, opts),
    );
    // GELU input gradients fused into the second layers' dX (dxGelu / dyAtPreActivation)
    for (const m of [this.condMlp, this.countsMlp]) {
      ops.push(...m.l2.backward(dv, m.dhid, { ...opts, dxGelu: m.l1.pre }));
      ops.push(...m.l1.backward(m.dhid, null, { ...opts, dyAtPreActivation: true }));
    }
    return ops;
  }

  /** Ops computing `output` from the input views. */
  forwardOps(): Op[] {
    return this.fwd;
  }

  /** Ops accumulating d(loss)/d(theta) into params.grad from `dOutput` (after forwardOps). */
  backwardOps(): Op[] {
    return this.bwd;
  }

  forward(): void {
    run(this.params.device, this.fwd, 'flow forward');
  }

  /** Uploads one batch of inputs (lengths checked against the views). */
  setInputs(x: FlowInputs): void {
    const q = this.params.device.queue;
    const put = (v: View, data: Float32Array<ArrayBuffer>, name: string) => {
      if (data.length !== v.rows * v.cols) throw new RangeError(`flow network: ${name} has ${data.length} floats, wanted ${v.rows} × ${v.cols}`);
      q.writeBuffer(v.buffer, 0, data);
    };
    put(this.points, x.points, 'points');
    put(this.tok, x.tok, 'tok');
    put(this.cond, x.cond, 'cond');
    put(this.counts, x.counts, 'counts');
    put(this.particle, x.particle, 'particle');
  }
}

/**
 * The flow-matching loss: mean over real tokens (tok ≥ 0) and the 3 channels of |v − u|². MaskedMseLoss
 * with a weight per row instead of a 0/1 mask (norm 1): 1 / (3 · real tokens) for real tokens, 0 for
 * padding, because the number of real tokens changes from batch to batch and the kernel's norm does not.
 */
export class FlowLoss implements Loss {
  private readonly mse: MaskedMseLoss;

  constructor(readonly net: FlowNetwork) {
    this.mse = new MaskedMseLoss(net.params.device, net.output, net.dOutput, 1);
  }

  get rows(): View {
    return this.mse.rows;
  }

  /** [S · K, 3] the target u; [S · K, 1] the row weights. Both on the GPU, for kernels that fill them. */
  get target(): View {
    return this.mse.target;
  }

  get weights(): View {
    return this.mse.mask;
  }

  ops(): Op[] {
    return this.mse.ops();
  }

  /** Uploads the target velocity u [S · K · 3] and the weights of the tokens `tok` [S · K]. */
  setTarget(u: Float32Array<ArrayBuffer>, tok: ArrayLike<number>): void {
    const n = this.net.rows;
    if (u.length !== n * POINT_DIM || tok.length !== n) throw new RangeError(`FlowLoss: ${u.length} target floats and ${tok.length} tokens for ${n} rows`);
    let real = 0;
    for (let r = 0; r < n; r++) if (tok[r]! >= 0) real++;
    const w = new Float32Array(n);
    for (let r = 0; r < n; r++) if (tok[r]! >= 0) w[r] = 1 / (POINT_DIM * real);
    const q = this.net.params.device.queue;
    q.writeBuffer(this.mse.target.buffer, 0, u);
    q.writeBuffer(this.mse.mask.buffer, 0, w);
  }
}

/** AllShowers' optimiser settings where AdamW has them (lr 1e-3, weight decay 1e-2, clip 0.2), EMA 0.999. */
export const FLOW_ADAMW: Partial<AdamWOptions> = { lr: 1e-3, weightDecay: 1e-2, maxGradNorm: 0.2, emaDecay: 0.999 };

/** One training step of the flow network: forward, FlowLoss, backward, AdamW; `await step.step()`. */
export class FlowTrainStep extends TrainStep {
  constructor(
    readonly net: FlowNetwork,
    readonly loss: FlowLoss,
    options: Partial<AdamWOptions> = {},
  ) {
    super(new AdamW(net.params, { ...FLOW_ADAMW, ...options }), net, loss);
  }

  /** Uploads one training batch: the network's inputs (flowInputs) and the target velocity u. */
  setBatch(batch: ShowerBatch, fb: FlowBatch): void {
    const x = flowInputs(batch, fb, this.net.cfg);
    this.net.setInputs(x);
    this.loss.setTarget(Float32Array.from(fb.target), x.tok);
  }
}
