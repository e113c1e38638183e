// Building blocks. Each is declared once into a ParamLayout (static declare) and instantiated
// per batch size with its own activation buffers; forward() and backward() return Op lists
// that read and write those buffers. Gradients of parameters accumulate into ParamSet.grad.
import type { ParamLayout } from './layout';
import type { ParamSet } from './params';
import {
  attention, attentionBackward, colsum, copy, geluBackward, layerNorm, layerNormBackward, matmul,
  rowMajor, transposed, type Op,
} from './ops';
import { isDense, tensor, token, type View } from './tensor';

export interface BackwardOptions {
  /** Accumulate parameter gradients (false: input gradients only, e.g. for divergences). */
  paramGrads: boolean;
}

/** Largest row count reduced in one matmul slab before split-K kicks in. */
const SPLIT_ROWS = 1024;

/** y = x W + b (optionally GELU), W stored [in, out] row-major. */
export class Linear {
  static declare(layout: ParamLayout, name: string, inDim: number, outDim: number): void {
    layout.add(`${name}.w`, [inDim, outDim], { kind: 'glorot' });
    layout.add(`${name}.b`, [outDim], { kind: 'zeros' });
  }

  readonly pre: View | undefined;
  private readonly w: number;
  private readonly b: number;
  private x: View | undefined;
  private y: View | undefined;

  constructor(
    private readonly params: ParamSet,
    readonly name: string,
    readonly rows: number,
    readonly inDim: number,
    readonly outDim: number,
    readonly gelu = false,
  ) {
    const w = params.layout.get(`${name}.w`);
    if (w.shape[0] !== inDim || w.shape[1] !== outDim) throw new Error(`${name}.w is [${w.shape}], wanted [${inDim}, ${outDim}]`);
    this.w = w.offset;
    this.b = params.offset(`${name}.b`);
    if (gelu) this.pre = tensor(params.device, `${name} pre`, rows, outDim);
  }

  /**
   * y = x W + b (GELU'd when the layer has it); `residual`: y = r + x W + b, and `accumulate`:
   * y += x W + b, both fused into the matmul.
   */
  forward(x: View, y: View, opts: { residual?: View; accumulate?: boolean } = {}): Op[] {
    if ((opts.accumulate || opts.residual) && this.gelu) throw new Error(`${this.name}: a residual with GELU is not supported`);
    this.check(x, this.inDim, 'input');
    this.check(y, this.outDim, 'output');
    if (opts.residual) this.check(opts.residual, this.outDim, 'residual');
    this.x = x;
    this.y = y;
    const { device, theta } = this.params;
    return [
      matmul(device, `${this.name} fwd`, {
        m: this.rows, n: this.outDim, k: this.inDim,
        a: rowMajor(x), b: { buffer: theta.buffer, offset: this.w, rs: this.outDim, cs: 1 }, c: y,
        bias: { buffer: theta.buffer, offset: this.b }, gelu: this.pre?.buffer, residual: opts.residual, accumulate: opts.accumulate,
      }),
    ];
  }

  /**
   * dy: gradient at the output (overwritten with the pre-activation gradient when GELU).
   * dx: where the input gradient goes (null: not needed); accumulate adds instead of writing.
   * dxGelu: the input x is gelu(pre) (pre: the producing Linear's `pre`); dx then receives the
   * gradient at pre instead, and the producer's backward takes it with dyAtPreActivation.
   * dyAtPreActivation: dy already is the gradient at the pre-activation (GELU layers only).
   */
  backward(
    dy: View,
    dx: View | null,
    opts: BackwardOptions & { accumulate?: boolean; dxGelu?: View; dyAtPreActivation?: boolean },
  ): Op[] {
    if (!this.x || !this.y) throw new Error(`${this.name}: backward before forward`);
    this.check(dy, this.outDim, 'output gradient');
    if (opts.dyAtPreActivation && !this.pre) throw new Error(`${this.name}: dyAtPreActivation on a layer without GELU`);
    const { device, theta, grad } = this.params;
    const ops: Op[] = [];
    if (this.pre && !opts.dyAtPreActivation) ops.push(geluBackward(device, `${this.name} gelu bwd`, this.pre, dy));
    if (opts.paramGrads) {
      const splits = Math.min(64, Math.ceil(this.rows / SPLIT_ROWS));
      const wGrad = { buffer: grad.buffer, offset: this.w, rows: this.inDim, cols: this.outDim, stride: this.outDim };
      const spec = { m: this.inDim, n: this.outDim, k: this.rows, a: transposed(this.x), b: rowMajor(dy) };
      if (splits === 1) {
        ops.push(matmul(device, `${this.name} dW`, { ...spec, c: wGrad, accumulate: true }));
      } else {
        const slabs = tensor(device, `${this.name} dW slabs`, splits * this.inDim, this.outDim);
        ops.push(matmul(device, `${this.name} dW`, { ...spec, c: slabs, splits }));
        const flat = { buffer: slabs.buffer, offset: 0, rows: splits, cols: this.inDim * this.outDim, stride: this.inDim * this.outDim };
        ops.push(colsum(device, `${this.name} dW sum`, flat, { buffer: grad.buffer, offset: this.w }, { accumulate: true }));
      }
      ops.push(colsum(device, `${this.name} db`, dy, { buffer: grad.buffer, offset: this.b }, { accumulate: true }));
    }
    if (dx) {
      this.check(dx, this.inDim, 'input gradient');
      if (opts.dxGelu) {
        this.check(opts.dxGelu, this.inDim, 'GELU pre-activation');
        if (!isDense(opts.dxGelu)) throw new Error(`${this.name}: dxGelu must be a dense pre-activation`);
      }
      ops.push(
        matmul(device, `${this.name} dX`, {
          m: this.rows, n: this.inDim, k: this.outDim,
          a: rowMajor(dy), b: { buffer: theta.buffer, offset: this.w, rs: 1, cs: this.outDim }, c: dx,
          geluGrad: opts.dxGelu?.buffer, accumulate: opts.accumulate ?? false,
        }),
      );
    }
    return ops;
  }

  private check(v: View, cols: number, what: string): void {
    if (v.rows !== this.rows || v.cols !== cols) {
      throw new Error(`${this.name}: ${what} is ${v.rows}x${v.cols}, wanted ${this.rows}x${cols}`);
    }
  }
}

/** LayerNorm over channels with affine gamma (ones) and beta (zeros). Dense views only. */
export class LayerNorm {
  static declare(layout: ParamLayout, name: string, dim: number): void {
    layout.add(`${name}.gamma`, [dim], { kind: 'ones' });
    layout.add(`${name}.beta`, [dim], { kind: 'zeros' });
  }

  readonly stats: View;
  private readonly g: number;
  private readonly b: number;
  private x: View | undefined;

  constructor(
    private readonly params: ParamSet,
    readonly name: string,
    readonly rows: number,
    readonly dim: number,
    readonly eps = 1e-5,
    /** Scratch [rows, dim] for d(gamma) terms; may be shared between layers. */
    private readonly scratch = tensor(params.device, `${name} scratch`, rows, dim),
  ) {
    this.g = params.offset(`${name}.gamma`);
    this.b = params.offset(`${name}.beta`);
    this.stats = tensor(params.device, `${name} stats`, rows, 2);
  }

  forward(x: View, y: View): Op[] {
    this.x = x;
    const { device, theta } = this.params;
    return [layerNorm(device, `${this.name} fwd`, { theta: theta.buffer, gammaOffset: this.g, betaOffset: this.b, x, y, stats: this.stats, eps: this.eps })];
  }

  backward(dy: View, dx: View, opts: BackwardOptions): Op[] {
    if (!this.x) throw new Error(`${this.name}: backward before forward`);
    const { device, theta, grad } = this.params;
    const ops: Op[] = [
      layerNormBackward(device, `${this.name} bwd`, {
        theta: theta.buffer, gammaOffset: this.g, betaOffset: this.b, x: this.x, stats: this.stats, dy, dx, dyxhat: this.scratch, eps: this.eps,
      }),
    ];
    if (opts.paramGrads) {
      ops.push(colsum(device, `${this.name} dgamma`, this.scratch, { buffer: grad.buffer, offset: this.g }, { accumulate: true }));
      ops.push(colsum(device, `${this.name} dbeta`, dy, { buffer: grad.buffer, offset: this.b }, { accumulate: true }));
    }
    return ops;
  }
}

/**
 * Post-LN encoder block: h1 = LN1(x + Attn(x)), h2 = LN2(h1 + MLP(h1)). Attn ends with an output
 * projection unless `proj: false` (AllShowers has none: the heads' outputs go straight in).
 * queries 'first': only token 0 of each set is computed past the keys and values (attention
 * queries, projection, LayerNorms, MLP): `out` is [sets, width], the rows of token 0. Exact for the
 * last block of a network that reads token 0 only, at about 1/k of the work after qkv.
 */
export class EncoderBlock {
  static declare(layout: ParamLayout, name: string, width: number, mlp: number, opts: { proj?: boolean } = {}): void {
    Linear.declare(layout, `${name}.qkv`, width, 3 * width);
    if (opts.proj ?? true) Linear.declare(layout, `${name}.proj`, width, width);
    LayerNorm.declare(layout, `${name}.ln1`, width);
    Linear.declare(layout, `${name}.mlp1`, width, mlp);
    Linear.declare(layout, `${name}.mlp2`, mlp, width);
    LayerNorm.declare(layout, `${name}.ln2`, width);
  }

  /** Block output: [sets * k, width], or [sets, width] (token 0) with queries 'first'. */
  readonly out: View;
  private readonly qkv: Linear;
  /** The attention output projection; null with `proj: false`. */
  private readonly proj: Linear | null;
  private readonly ln1: LayerNorm;
  private readonly mlp1: Linear;
  private readonly mlp2: Linear;
  private readonly ln2: LayerNorm;
  private readonly a: Record<'qkv' | 'att' | 'lse' | 'r1' | 'h1' | 'hid' | 'r2', View>;
  private readonly g: Record<'dr2' | 'dhid' | 'dr1' | 'dqkv' | 'delta' | 'dx', View> & { datt: View | null };
  private x: View | undefined;
  private readonly rows: number;
  /** Query tokens per set: k, or 1 with queries 'first'. */
  private readonly nq: number;

  constructor(
    private readonly params: ParamSet,
    readonly name: string,
    readonly shape: {
      sets: number; k: number; width: number; heads: number; mlp: number; window?: number; queries?: 'all' | 'first';
      /** The attention output projection (default true); as declared. */
      proj?: boolean;
    },
    /** Per-token mask / group values (see nn/shaders/attention.wgsl). */
    private readonly tok: GPUBuffer,
    /** Dense [>= sets * k, width] scratch for the LayerNorms; may be shared between blocks. */
    scratch: View,
  ) {
    const { sets, k, width: c, mlp } = shape;
    const R = (this.rows = sets * k);
    this.nq = shape.queries === 'first' ? 1 : k;
    const Rq = sets * this.nq;
    const d = params.device;
    const t = (label: string, cols: number, rows = Rq) => tensor(d, `${name} ${label}`, rows, cols);
    const lnScratch = { ...scratch, rows: Rq };
    this.qkv = new Linear(params, `${name}.qkv`, R, c, 3 * c);
    const proj = shape.proj ?? true;
    if (!proj && params.layout.entries.some((e) => e.name === `${name}.proj.w`)) throw new Error(`${name}: proj: false, but the layout declares ${name}.proj`);
    this.proj = proj ? new Linear(params, `${name}.proj`, Rq, c, c) : null;
    this.ln1 = new LayerNorm(params, `${name}.ln1`, Rq, c, 1e-5, lnScratch);
    this.mlp1 = new Linear(params, `${name}.mlp1`, Rq, c, mlp, true);
    this.mlp2 = new Linear(params, `${name}.mlp2`, Rq, mlp, c);
    this.ln2 = new LayerNorm(params, `${name}.ln2`, Rq, c, 1e-5, lnScratch);
    const rowsQ = sets * shape.heads * this.nq;
    this.a = { qkv: t('qkv', 3 * c, R), att: t('att', c), lse: t('lse', 1, rowsQ), r1: t('r1', c), h1: t('h1', c), hid: t('hid', mlp), r2: t('r2', c) };
    const dr1 = t('dr1', c);
    this.g = {
      // without a projection, d(att) is dr1 itself
      dr2: t('dr2', c), dhid: t('dhid', mlp), dr1, datt: proj ? t('datt', c) : null, dqkv: t('dqkv', 3 * c, R), delta: t('delta', 1, rowsQ),
      // d(x): dr1 itself when every token is a query, else its own [sets * k, width]
      dx: this.nq === k ? dr1 : t('dx', c, R),
    };
    this.out = t('h2', c);
  }

  private get attShape() {
    const s = this.shape;
    return { sets: s.sets, k: s.k, heads: s.heads, channels: s.width, window: s.window, queries: this.nq, tok: this.tok };
  }

  /** x: the block input, dense [sets * k, width]. */
  forward(x: View): Op[] {
    this.x = x;
    const d = this.params.device;
    const a = this.a;
    const xq = this.nq === this.shape.k ? x : token(x, this.shape.k, 0);
    // r1 = x + proj(att), or x + att (att is kept apart: the attention backward reads it)
    const r1 = this.proj
      ? this.proj.forward(a.att, a.r1, { residual: xq })
      : [copy(d, `${this.name} att`, a.att, a.r1), copy(d, `${this.name} residual`, xq, a.r1, true)];
    return [
      ...this.qkv.forward(x, a.qkv),
      attention(d, `${this.name} attention`, { ...this.attShape, qkv: a.qkv, out: a.att, lse: a.lse }),
      ...r1,
      ...this.ln1.forward(a.r1, a.h1),
      ...this.mlp1.forward(a.h1, a.hid),
      ...this.mlp2.forward(a.hid, a.r2, { residual: a.h1 }), // r2 = h1 + mlp(h1)
      ...this.ln2.forward(a.r2, this.out),
    ];
  }

  /** dh2: gradient at the block output (read only; shaped like `out`). Returns the view holding d(input). */
  backward(dh2: View, opts: BackwardOptions): { ops: Op[]; dx: View } {
    if (!this.x) throw new Error(`${this.name}: backward before forward`);
    const d = this.params.device;
    const g = this.g;
    const a = this.a;
    const datt = g.datt ?? g.dr1;
    const ops: Op[] = [
      ...this.ln2.backward(dh2, g.dr2, opts),
      ...this.mlp2.backward(g.dr2, g.dhid, { ...opts, dxGelu: this.mlp1.pre }), // dhid: at mlp1's pre-activation
      ...this.mlp1.backward(g.dhid, g.dr2, { ...opts, accumulate: true, dyAtPreActivation: true }), // dr2 becomes d(h1)
      ...this.ln1.backward(g.dr2, g.dr1, opts),
      ...(this.proj ? this.proj.backward(g.dr1, datt, opts) : []),
      attentionBackward(d, `${this.name} attention bwd`, { ...this.attShape, qkv: a.qkv, out: a.att, lse: a.lse, dout: datt, dqkv: g.dqkv, delta: g.delta }),
    ];
    if (this.nq === this.shape.k) {
      ops.push(...this.qkv.backward(g.dqkv, g.dr1, { ...opts, accumulate: true })); // dr1 becomes d(x) (read as d(att) above without proj)
    } else {
      // d(x) = qkv's input gradient + the residual path into token 0
      ops.push(...this.qkv.backward(g.dqkv, g.dx, opts));
      ops.push(copy(d, `${this.name} residual bwd`, g.dr1, token(g.dx, this.shape.k, 0), true));
    }
    return { ops, dx: g.dx };
  }
}
