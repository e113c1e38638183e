// Measures of a trained network on one input, in float64 on the CPU (one sequence is small): the
// relative step each layer takes, and the ODE-solver view of each layer. A layer's sub-layers are
// sub-flows of one ODE, x' = Σ_s F_s(x) (F_s: the branch a pre-LN sub-layer adds, ½-scaled for a
// Macaron half-FFN); the layer itself is one step of size 1 of its splitting (standard:
// Lie–Trotter, Macaron: ½FFN, attention, ½FFN), each sub-flow by one Euler step. Refining the step
// with the same weights (n sub-steps of 1/n, the same splitting) converges to the flow over unit
// time, computed here by RK4 with REFERENCE_STEPS steps; the gap at n = 1 is the network's own.
import { sequenceBranch, sequenceTransformerForward } from '../../../nn/reference';
import { subLayers, type SequenceArch } from '../../../nn/sequence-transformer';
import type { Curve } from '../../types';
import { fitSlope } from '../convergence';
import type { NetworkOnCpu } from './frames';
import type { TrainedInput } from './input';

/** RK4 steps of the reference flow over one layer (its error is checked against twice as many in the tests). */
export const REFERENCE_STEPS = 64;
/** Sub-steps per layer of the refined splittings (1: the network itself). */
export const REFINEMENTS = [1, 2, 4, 8, 16, 32];

type F64 = Float64Array;

/** Symbols and positions padded to the context (padding embeds nothing; a causal model never reads it). */
function padded(net: NetworkOnCpu, input: TrainedInput): { symbols: number[]; positions: number[] } {
  const k = net.cfg.context;
  return { symbols: Array.from({ length: k }, (_, i) => input.symbols[i] ?? -1), positions: Array.from({ length: k }, (_, i) => i) };
}

/** Frobenius norm of the first `rows` rows (the input's tokens; the rest is padding). */
function norm(x: F64, rows: number, d: number): number {
  let s = 0;
  for (let i = 0; i < rows * d; i++) s += x[i]! ** 2;
  return Math.sqrt(s);
}

function distance(a: F64, b: F64, rows: number, d: number): number {
  let s = 0;
  for (let i = 0; i < rows * d; i++) s += (a[i]! - b[i]!) ** 2;
  return Math.sqrt(s);
}

/** The network's residual stream in float64: after the embedding, then after every sub-layer. */
export function referenceFrames(net: NetworkOnCpu, input: TrainedInput): F64[] {
  const { symbols, positions } = padded(net, input);
  return sequenceTransformerForward(net.cfg, net.theta, symbols, positions, 1, net.layout).frames;
}

/** |X_{l+1} − X_l| / |X_l| for each layer l (Frobenius over the input's tokens). */
export function layerStepSizes(net: NetworkOnCpu, input: TrainedInput, frames = referenceFrames(net, input)): number[] {
  const perLayer = subLayers(net.cfg).length / net.cfg.layers;
  const rows = input.symbols.length;
  const d = net.cfg.width;
  return Array.from({ length: net.cfg.layers }, (_, l) => {
    const a = frames[l * perLayer]!;
    return distance(frames[(l + 1) * perLayer]!, a, rows, d) / norm(a, rows, d);
  });
}

export interface SolverGapRow {
  arch: SequenceArch;
  /** 0-based. */
  layer: number;
  substeps: number;
  /** The sub-step, in units of one layer. */
  h: number;
  /** |X_n − X_flow| / |X_flow − X_l| over the input's tokens. */
  gap: number;
}

/** One layer's branches as fields, and its splitting with n Euler sub-steps of 1/n. */
export function layerFlow(net: NetworkOnCpu, layer: number) {
  const specs = subLayers(net.cfg).filter((s) => s.layer === layer);
  const tok = Float64Array.from({ length: net.cfg.context }, (_, i) => i);
  const branch = (s: (typeof specs)[number], x: F64) => sequenceBranch(net.cfg, net.theta, net.layout, s, x, 1, tok);
  const axpy = (x: F64, a: number, y: F64) => x.map((v, i) => v + a * y[i]!);
  const field = (x: F64) => specs.map((s) => branch(s, x)).reduce((sum, f) => axpy(sum, 1, f));
  return {
    splitting(x0: F64, n: number): F64 {
      let x = x0;
      for (let i = 0; i < n; i++) for (const s of specs) x = axpy(x, 1 / n, branch(s, x));
      return x;
    },
    rk4(x0: F64, steps: number): F64 {
      const h = 1 / steps;
      let x = x0;
      for (let i = 0; i < steps; i++) {
        const k1 = field(x);
        const k2 = field(axpy(x, h / 2, k1));
        const k3 = field(axpy(x, h / 2, k2));
        const k4 = field(axpy(x, h, k3));
        x = x.map((v, j) => v + (h / 6) * (k1[j]! + 2 * k2[j]! + 2 * k3[j]! + k4[j]!));
      }
      return x;
    },
  };
}

/** The refined splittings of every layer against the flow; `progress` after each layer (yields to the page). */
export async function solverGap(
  net: NetworkOnCpu,
  input: TrainedInput,
  opts: { refinements?: readonly number[]; referenceSteps?: number; progress?: (done: number, total: number) => void } = {},
): Promise<SolverGapRow[]> {
  const frames = referenceFrames(net, input);
  const perLayer = subLayers(net.cfg).length / net.cfg.layers;
  const rows = input.symbols.length;
  const d = net.cfg.width;
  const out: SolverGapRow[] = [];
  for (let l = 0; l < net.cfg.layers; l++) {
    const x0 = frames[l * perLayer]!;
    const flow = layerFlow(net, l);
    const exact = flow.rk4(x0, opts.referenceSteps ?? REFERENCE_STEPS);
    const scale = distance(exact, x0, rows, d);
    for (const n of opts.refinements ?? REFINEMENTS) {
      out.push({ arch: net.cfg.arch, layer: l, substeps: n, h: 1 / n, gap: distance(flow.splitting(x0, n), exact, rows, d) / scale });
    }
    opts.progress?.(l + 1, net.cfg.layers);
    await new Promise((r) => setTimeout(r, 0));
  }
  return out;
}

/** The solver gap of both networks' layers; `progress` counts layers. */
export async function solverGapOfPair(nets: Record<SequenceArch, NetworkOnCpu>, input: TrainedInput, progress?: (done: number, total: number) => void): Promise<SolverGapRow[]> {
  const list = Object.values(nets);
  const total = list.reduce((sum, net) => sum + net.cfg.layers, 0);
  const rows: SolverGapRow[] = [];
  let done = 0;
  for (const net of list) {
    rows.push(...(await solverGap(net, input, { progress: (d) => progress?.(done + d, total) })));
    done += net.cfg.layers;
  }
  return rows;
}

/** One curve per network and layer: the refined splitting's gap to the flow against the sub-step, with its fitted order. */
export function solverGapCurves(rows: readonly SolverGapRow[]): Curve[] {
  const keys = [...new Set(rows.map((r) => `${r.arch}|${r.layer}`))];
  return keys.map((key) => {
    const mine = rows.filter((r) => `${r.arch}|${r.layer}` === key);
    const h = mine.map((r) => r.h);
    const gap = mine.map((r) => r.gap);
    return { label: `${mine[0]!.arch} layer ${mine[0]!.layer + 1}`, x: h, y: gap, slope: fitSlope(h, gap) };
  });
}
