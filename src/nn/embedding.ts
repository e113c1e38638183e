// Per-token and per-set additive inputs of a token embedding (the shower model's tokens are
// Linear(x, y, log E) + a calorimeter-layer vector + per-shower vectors): `Embedding` looks a
// learned row up by an integer index per token, `SetBroadcast` adds one vector per set to each of
// its K tokens. Both write into, or add to, an existing activation view, so several sum into one.
// Kernels: nn/shaders/embedding.wgsl through ops.ts (gatherRows, scatterRows, setSum).
import type { ParamLayout } from './layout';
import type { BackwardOptions } from './modules';
import { gatherRows, scatterRows, setSum, type Op } from './ops';
import type { ParamSet } from './params';
import type { View } from './tensor';

/** out[t] (+)= table[index[t]], table [rows, dim]; index < 0 (padding) or >= rows adds nothing. */
export class Embedding {
  static declare(layout: ParamLayout, name: string, rows: number, dim: number): void {
    // no weight decay: a row is a per-category bias, and decay would shrink the rows of rarely seen
    // categories between their updates
    layout.add(`${name}.table`, [rows, dim], { kind: 'glorot' }, false);
  }

  /**
   * Tokens per partial gradient table in backward (see ops.ts scatterRows): 4 x rows keeps zeroing
   * and reducing the partials (tokens / chunk x rows x dim) at a quarter of the scatter's
   * tokens x dim, and leaves tokens / chunk x dim / 4 threads.
   */
  readonly chunk: number;
  private readonly table: View;
  private readonly dtable: View;
  private index: View | undefined;

  constructor(
    private readonly params: ParamSet,
    readonly name: string,
    readonly tokens: number,
    readonly rows: number,
    readonly dim: number,
    opts: { chunk?: number } = {},
  ) {
    const e = params.layout.get(`${name}.table`);
    if (e.shape[0] !== rows || e.shape[1] !== dim) throw new Error(`${name}.table is [${e.shape}], wanted [${rows}, ${dim}]`);
    const at = (buffer: GPUBuffer): View => ({ buffer, offset: e.offset, rows, cols: dim, stride: dim });
    this.table = at(params.theta.buffer);
    this.dtable = at(params.grad.buffer);
    this.chunk = opts.chunk ?? Math.max(32, 4 * rows);
  }

  /** index: [tokens, 1] integer-valued f32 (e.g. the layer index, which is also attention's tok). */
  forward(index: View, out: View, opts: { accumulate?: boolean } = {}): Op[] {
    if (out.rows !== this.tokens) throw new Error(`${this.name}: output has ${out.rows} rows, wanted ${this.tokens}`);
    this.index = index;
    return [gatherRows(this.params.device, `${this.name} fwd`, { table: this.table, out, of: { index }, accumulate: opts.accumulate })];
  }

  /** Adds d(table) from the gradient at the output (indices take no gradient). */
  backward(dOut: View, opts: BackwardOptions): Op[] {
    if (!this.index) throw new Error(`${this.name}: backward before forward`);
    if (!opts.paramGrads) return [];
    return [scatterRows(this.params.device, `${this.name} dtable`, { index: this.index, dout: dOut, dtable: this.dtable, chunk: this.chunk })];
  }
}

/**
 * out[p * k + j] (+)= v[p] for the k tokens j of each set p (v: [sets, dim], e.g. an MLP's output
 * on per-set conditions); with a mask [sets * k, 1] (attention's tok), tokens with mask < 0 get
 * nothing. No parameters.
 */
export class SetBroadcast {
  private mask: View | undefined;
  private ran = false;

  constructor(
    private readonly device: GPUDevice,
    readonly name: string,
    readonly sets: number,
    readonly k: number,
  ) {}

  forward(v: View, out: View, opts: { mask?: View; accumulate?: boolean } = {}): Op[] {
    if (v.rows !== this.sets) throw new Error(`${this.name}: v has ${v.rows} rows, wanted ${this.sets}`);
    this.mask = opts.mask;
    this.ran = true;
    return [gatherRows(this.device, `${this.name} fwd`, { table: v, out, of: { k: this.k, mask: opts.mask }, accumulate: opts.accumulate })];
  }

  /** dv[p] (+)= sum of dOut over the set's unmasked tokens. */
  backward(dOut: View, dv: View, opts: { accumulate?: boolean } = {}): Op[] {
    if (!this.ran) throw new Error(`${this.name}: backward before forward`);
    return [setSum(this.device, `${this.name} bwd`, { dout: dOut, dv, k: this.k, mask: this.mask, accumulate: opts.accumulate })];
  }
}
