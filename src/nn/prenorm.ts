// Pre-LN residual sub-layers, each one Euler step of a sub-flow of the tokens' ODE
// (science.md §1): y = x + factor · F(LN(x)). `PreNormAttention` is the interaction (multi-head
// self-attention, optionally causal), `PreNormFfn` the per-token force (a GELU MLP; factor ½ for
// the two half-steps of a Macaron layer, as Lu et al.'s code scales them). Input and output are
// separate views, so every sub-layer's output is kept (the frames of the tokens view).
import type { ParamLayout } from './layout';
import { LayerNorm, Linear, type BackwardOptions } from './modules';
import { attention, attentionBackward, copy, type Op } from './ops';
import type { ParamSet } from './params';
import { tensor, type View } from './tensor';

export interface SubLayer {
  readonly name: string;
  forward(x: View, y: View): Op[];
  /** dy: gradient at y (read only); writes the gradient at x into dx. */
  backward(dy: View, dx: View, opts: BackwardOptions): Op[];
}

/** y = x + proj(attention(qkv(LN(x)))), attention within each set of k tokens. */
export class PreNormAttention implements SubLayer {
  static declare(layout: ParamLayout, name: string, width: number): void {
    LayerNorm.declare(layout, `${name}.ln`, width);
    Linear.declare(layout, `${name}.qkv`, width, 3 * width);
    Linear.declare(layout, `${name}.proj`, width, width);
  }

  private readonly ln: LayerNorm;
  private readonly qkv: Linear;
  private readonly proj: Linear;
  private readonly a: Record<'h' | 'qkv' | 'att' | 'lse', View>;
  private readonly g: Record<'dh' | 'dqkv' | 'datt' | 'delta', View>;

  constructor(
    private readonly params: ParamSet,
    readonly name: string,
    private readonly shape: { sets: number; k: number; width: number; heads: number; causal: boolean },
    /** Per-token values of the mask (nn/shaders/attention.wgsl): the position, for a causal mask. */
    private readonly tok: GPUBuffer,
  ) {
    const { sets, k, width: c, heads } = shape;
    const R = sets * k;
    const d = params.device;
    const t = (label: string, rows: number, cols: number) => tensor(d, `${name} ${label}`, rows, cols);
    this.ln = new LayerNorm(params, `${name}.ln`, R, c);
    this.qkv = new Linear(params, `${name}.qkv`, R, c, 3 * c);
    this.proj = new Linear(params, `${name}.proj`, R, c, c);
    this.a = { h: t('h', R, c), qkv: t('qkv', R, 3 * c), att: t('att', R, c), lse: t('lse', sets * heads * k, 1) };
    this.g = { dh: t('dh', R, c), dqkv: t('dqkv', R, 3 * c), datt: t('datt', R, c), delta: t('delta', sets * heads * k, 1) };
  }

  private get attShape() {
    const s = this.shape;
    return { sets: s.sets, k: s.k, heads: s.heads, channels: s.width, causal: s.causal, tok: this.tok };
  }

  forward(x: View, y: View): Op[] {
    const a = this.a;
    return [
      ...this.ln.forward(x, a.h),
      ...this.qkv.forward(a.h, a.qkv),
      attention(this.params.device, `${this.name} attention`, { ...this.attShape, qkv: a.qkv, out: a.att, lse: a.lse }),
      ...this.proj.forward(a.att, y, { residual: x }),
    ];
  }

  backward(dy: View, dx: View, opts: BackwardOptions): Op[] {
    const { a, g } = this;
    const d = this.params.device;
    return [
      ...this.proj.backward(dy, g.datt, opts),
      attentionBackward(d, `${this.name} attention bwd`, { ...this.attShape, qkv: a.qkv, out: a.att, lse: a.lse, dout: g.datt, dqkv: g.dqkv, delta: g.delta }),
      ...this.qkv.backward(g.dqkv, g.dh, opts),
      ...this.ln.backward(g.dh, dx, opts),
      copy(d, `${this.name} residual bwd`, dy, dx, true),
    ];
  }
}

/** y = x + factor · l2(gelu(l1(LN(x)))), hidden width `hidden`. */
export class PreNormFfn implements SubLayer {
  static declare(layout: ParamLayout, name: string, width: number, hidden: number): void {
    LayerNorm.declare(layout, `${name}.ln`, width);
    Linear.declare(layout, `${name}.l1`, width, hidden);
    Linear.declare(layout, `${name}.l2`, hidden, width);
  }

  private readonly ln: LayerNorm;
  private readonly l1: Linear;
  private readonly l2: Linear;
  private readonly a: Record<'h' | 'hid', View> & { branch: View | null };
  private readonly g: Record<'dh' | 'dhid', View> & { dbranch: View | null };

  constructor(
    private readonly params: ParamSet,
    readonly name: string,
    shape: { rows: number; width: number; hidden: number },
    readonly factor = 1,
  ) {
    const { rows: R, width: c, hidden } = shape;
    const d = params.device;
    const t = (label: string, cols: number) => tensor(d, `${name} ${label}`, R, cols);
    this.ln = new LayerNorm(params, `${name}.ln`, R, c);
    this.l1 = new Linear(params, `${name}.l1`, R, c, hidden, true);
    this.l2 = new Linear(params, `${name}.l2`, R, hidden, c);
    // factor 1: the residual is fused into l2's matmul; otherwise the branch is kept and scaled.
    const scaled = factor !== 1;
    this.a = { h: t('h', c), hid: t('hid', hidden), branch: scaled ? t('branch', c) : null };
    this.g = { dh: t('dh', c), dhid: t('dhid', hidden), dbranch: scaled ? t('dbranch', c) : null };
  }

  forward(x: View, y: View): Op[] {
    const { a } = this;
    const d = this.params.device;
    const head = [...this.ln.forward(x, a.h), ...this.l1.forward(a.h, a.hid)];
    if (!a.branch) return [...head, ...this.l2.forward(a.hid, y, { residual: x })];
    return [
      ...head,
      ...this.l2.forward(a.hid, a.branch),
      copy(d, `${this.name} residual`, x, y),
      copy(d, `${this.name} scaled branch`, a.branch, y, true, this.factor),
    ];
  }

  backward(dy: View, dx: View, opts: BackwardOptions): Op[] {
    const { g } = this;
    const d = this.params.device;
    const dbranch = g.dbranch ?? dy;
    return [
      ...(g.dbranch ? [copy(d, `${this.name} scaled branch bwd`, dy, g.dbranch, false, this.factor)] : []),
      ...this.l2.backward(dbranch, g.dhid, { ...opts, dxGelu: this.l1.pre }), // dhid: at l1's pre-activation
      ...this.l1.backward(g.dhid, g.dh, { ...opts, dyAtPreActivation: true }),
      ...this.ln.backward(g.dh, dx, opts),
      copy(d, `${this.name} residual bwd`, dy, dx, true),
    ];
  }
}
