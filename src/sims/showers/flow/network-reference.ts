// Float64 CPU forward of the flow network (network.ts), built from src/nn/reference.ts and no GPU code:
// the reference its tests compare the kernels and their gradients with.
import type { ParamLayout } from '../../../nn/layout';
import * as ref from '../../../nn/reference';
import { POINT_DIM } from './dataset';
import { conditionWidth } from './batches';
import { flowNetworkLayout, type FlowNetworkConfig } from './network';

type F64 = Float64Array;

/** FlowInputs in any numeric arrays (the same shapes). */
export interface FlowInputsF64 {
  points: ArrayLike<number>;
  tok: ArrayLike<number>;
  cond: ArrayLike<number>;
  counts: ArrayLike<number>;
  particle: ArrayLike<number>;
}

/** Elementwise sum of same-length arrays. */
const sum = (...xs: F64[]): F64 => xs[0]!.map((_, i) => xs.reduce((s, x) => s + x[i]!, 0));

/** The network's output [S · K, 3] for `sets` showers. */
export function flowNetworkForward(cfg: FlowNetworkConfig, theta: F64, x: FlowInputsF64, sets: number, layout: ParamLayout = flowNetworkLayout(cfg)): F64 {
  const K = cfg.tokens;
  const R = sets * K;
  const C = cfg.width;
  const off = (n: string) => layout.get(n).offset;
  const lin = (v: ArrayLike<number>, rows: number, name: string, i: number, o: number) => ref.linear(Float64Array.from(v), rows, i, o, theta, off(`${name}.w`), off(`${name}.b`));
  const mlp = (v: ArrayLike<number>, name: string, i: number, hidden: number) => lin(ref.geluAll(lin(v, sets, `${name}.l1`, i, hidden)), sets, `${name}.l2`, hidden, C);
  const perShower = sum(
    mlp(x.cond, 'cond', conditionWidth(cfg.timeFeatures), cfg.condHidden),
    mlp(x.counts, 'counts', cfg.layers, cfg.countsHidden),
    ref.embedding(x.particle, cfg.particles, C, theta, off('particle.table')),
  );
  let h = sum(
    lin(x.points, R, 'point', POINT_DIM, C),
    ref.embedding(x.tok, cfg.layers, C, theta, off('layer.table')),
    ref.setBroadcast(perShower, sets, K, C, x.tok),
  );
  const tok = Float64Array.from(x.tok);
  const shape = { sets, k: K, width: C, heads: cfg.heads, mlp: cfg.mlp, window: cfg.window, proj: cfg.proj };
  for (let b = 0; b < cfg.depth; b++) h = ref.encoderBlock(h, shape, theta, layout, `block${b}`, tok);
  return lin(h, R, 'head', C, POINT_DIM);
}

/** The flow-matching loss: mean of |pred − u|² over the real tokens (tok ≥ 0) and the 3 channels. */
export function flowLoss(pred: ArrayLike<number>, u: ArrayLike<number>, tok: ArrayLike<number>): number {
  let s = 0;
  let n = 0;
  for (let r = 0; r < tok.length; r++) {
    if (tok[r]! < 0) continue;
    n++;
    for (let c = 0; c < POINT_DIM; c++) s += (pred[r * POINT_DIM + c]! - u[r * POINT_DIM + c]!) ** 2;
  }
  return n > 0 ? s / (POINT_DIM * n) : 0;
}
