// SequenceTransformer: a pre-LN Transformer over sequences of symbols, one sequence per set of
// `context` tokens: a learned token embedding plus a learned position embedding, then layers of
// pre-LN residual sub-layers (nn/prenorm.ts), a final LayerNorm and a linear head giving class
// logits at every position.
//   standard: x + Attn(LN x), then x + FFN(LN x), FFN width `ffn` (Lie–Trotter)
//   macaron:  x + ½FFN(LN x), x + Attn(LN x), x + ½FFN(LN x), each FFN width ffn / 2 (Strang),
//             as Lu et al.'s code matches them (its FFN dims halved, each FFN its own LayerNorm)
// The residual stream after the embedding and after every sub-layer is kept (`frames`): the
// tokens' positions, layer by layer and sub-flow by sub-flow.
import { Embedding } from './embedding';
import { ParamLayout } from './layout';
import { LayerNorm, Linear, type BackwardOptions } from './modules';
import { type Op } from './ops';
import type { ParamSet } from './params';
import { PreNormAttention, PreNormFfn, type SubLayer } from './prenorm';
import { tensor, type View } from './tensor';

export type SequenceArch = 'standard' | 'macaron';

export interface SequenceTransformerConfig {
  /** Input symbols (token embedding rows). */
  vocab: number;
  /** Output classes per position. */
  classes: number;
  /** Tokens per sequence (position embedding rows). */
  context: number;
  width: number;
  heads: number;
  layers: number;
  arch: SequenceArch;
  /** FFN hidden width of a standard layer (a Macaron layer's two FFNs get half each). */
  ffn: number;
  /** Token i attends to positions ≤ i only (a language model). */
  causal: boolean;
}

/** A sub-layer's place: its name and kind, in order (the frames after the embedding follow it). */
export interface SubLayerSpec {
  name: string;
  kind: 'attention' | 'ffn' | 'half-ffn';
  layer: number;
}

export function validateSequenceConfig(cfg: SequenceTransformerConfig): void {
  const ints = ['vocab', 'classes', 'context', 'width', 'heads', 'layers', 'ffn'] as const;
  for (const k of ints) if (!Number.isInteger(cfg[k]) || cfg[k] < 1) throw new Error(`${k} must be a positive integer; got ${cfg[k]}`);
  if (cfg.width % cfg.heads !== 0 || cfg.width / cfg.heads > 64) throw new Error(`width ${cfg.width} / heads ${cfg.heads} must be an integer ≤ 64`);
  if (cfg.arch === 'macaron' && cfg.ffn % 2 !== 0) throw new Error(`ffn ${cfg.ffn} must be even for the Macaron layer's two half-width FFNs`);
}

export function subLayers(cfg: SequenceTransformerConfig): SubLayerSpec[] {
  const out: SubLayerSpec[] = [];
  for (let l = 0; l < cfg.layers; l++) {
    if (cfg.arch === 'standard') out.push({ name: `layer${l}.att`, kind: 'attention', layer: l }, { name: `layer${l}.ffn`, kind: 'ffn', layer: l });
    else out.push({ name: `layer${l}.ffn_a`, kind: 'half-ffn', layer: l }, { name: `layer${l}.att`, kind: 'attention', layer: l }, { name: `layer${l}.ffn_b`, kind: 'half-ffn', layer: l });
  }
  return out;
}

const ffnWidth = (cfg: SequenceTransformerConfig) => (cfg.arch === 'macaron' ? cfg.ffn / 2 : cfg.ffn);

export function sequenceLayout(cfg: SequenceTransformerConfig): ParamLayout {
  validateSequenceConfig(cfg);
  const layout = new ParamLayout();
  Embedding.declare(layout, 'embed', cfg.vocab, cfg.width);
  Embedding.declare(layout, 'pos', cfg.context, cfg.width);
  for (const s of subLayers(cfg)) {
    if (s.kind === 'attention') PreNormAttention.declare(layout, s.name, cfg.width);
    else PreNormFfn.declare(layout, s.name, cfg.width, ffnWidth(cfg));
  }
  LayerNorm.declare(layout, 'ln_out', cfg.width);
  Linear.declare(layout, 'head', cfg.width, cfg.classes);
  return layout;
}

export class SequenceTransformer {
  /** Symbol per token, [sets · context, 1] (integer-valued; < 0: padding, embeds nothing). */
  readonly symbols: View;
  /** Position per token, [sets · context, 1]: the position embedding's row and attention's tok. */
  readonly positions: View;
  /** The residual stream after the embedding (frames[0]) and after each sub-layer. */
  readonly frames: View[];
  readonly logits: View;
  readonly dLogits: View;
  readonly rows: number;
  private readonly embed: Embedding;
  private readonly pos: Embedding;
  private readonly blocks: SubLayer[];
  private readonly lnOut: LayerNorm;
  private readonly head: Linear;
  private readonly hOut: View;
  private readonly dhOut: View;
  /** Two gradient buffers, alternating between sub-layers (input and output of each backward). */
  private readonly dStream: [View, View];

  constructor(
    readonly params: ParamSet,
    readonly cfg: SequenceTransformerConfig,
    readonly sets: number,
  ) {
    validateSequenceConfig(cfg);
    const d = params.device;
    const R = (this.rows = sets * cfg.context);
    const c = cfg.width;
    const t = (label: string, cols: number) => tensor(d, `sequence ${label}`, R, cols);
    this.symbols = t('symbols', 1);
    this.positions = t('positions', 1);
    this.embed = new Embedding(params, 'embed', R, cfg.vocab, c);
    this.pos = new Embedding(params, 'pos', R, cfg.context, c);
    const specs = subLayers(cfg);
    this.frames = [t('frame 0', c), ...specs.map((s) => t(`after ${s.name}`, c))];
    this.blocks = specs.map((s) =>
      s.kind === 'attention'
        ? new PreNormAttention(params, s.name, { sets, k: cfg.context, width: c, heads: cfg.heads, causal: cfg.causal }, this.positions.buffer)
        : new PreNormFfn(params, s.name, { rows: R, width: c, hidden: ffnWidth(cfg) }, s.kind === 'half-ffn' ? 0.5 : 1),
    );
    this.lnOut = new LayerNorm(params, 'ln_out', R, c);
    this.head = new Linear(params, 'head', R, c, cfg.classes);
    this.hOut = t('h out', c);
    this.dhOut = t('dh out', c);
    this.logits = t('logits', cfg.classes);
    this.dLogits = t('dlogits', cfg.classes);
    this.dStream = [t('d stream a', c), t('d stream b', c)];
  }

  forwardOps(): Op[] {
    const f = this.frames;
    return [
      ...this.embed.forward(this.symbols, f[0]!),
      ...this.pos.forward(this.positions, f[0]!, { accumulate: true }),
      ...this.blocks.flatMap((b, i) => b.forward(f[i]!, f[i + 1]!)),
      ...this.lnOut.forward(f[f.length - 1]!, this.hOut),
      ...this.head.forward(this.hOut, this.logits),
    ];
  }

  /** Accumulates d(loss)/d(theta) into params.grad from dLogits (after forwardOps and the loss). */
  backwardOps(opts: BackwardOptions = { paramGrads: true }): Op[] {
    const ops: Op[] = [...this.head.backward(this.dLogits, this.dhOut, opts)];
    let dy = this.dStream[0];
    ops.push(...this.lnOut.backward(this.dhOut, dy, opts));
    for (let i = this.blocks.length - 1; i >= 0; i--) {
      const dx = dy === this.dStream[0] ? this.dStream[1] : this.dStream[0];
      ops.push(...this.blocks[i]!.backward(dy, dx, opts));
      dy = dx;
    }
    ops.push(...this.embed.backward(dy, opts), ...this.pos.backward(dy, opts));
    return ops;
  }
}
