// The point-count model (PointCountFM-style): a small flow-matching MLP over a shower's per-layer
// counts, as ln(n + 0.5) standardised per layer, conditioned like the point model (time features,
// ln E, direction) plus the particle type (one-hot). With it, generation needs no reference shower.
import { ParamLayout } from '../../../nn/layout';
import { Linear } from '../../../nn/modules';
import type { Op } from '../../../nn/ops';
import type { ParamSet } from '../../../nn/params';
import { tensor, type View } from '../../../nn/tensor';

export interface CountNetworkConfig {
  /** Calorimeter layers: the counts vector's length. */
  layers: number;
  /** Condition row width (batches.ts conditionWidth). */
  conditions: number;
  /** Particle types (one-hot). */
  particles: number;
  hidden: number;
  /** Hidden GELU layers (≥ 1). */
  depth: number;
}

export const inputWidth = (cfg: CountNetworkConfig) => cfg.layers + cfg.conditions + cfg.particles;

export function countNetworkLayout(cfg: CountNetworkConfig): ParamLayout {
  if (!(cfg.depth >= 1)) throw new RangeError(`count network depth ${cfg.depth} must be at least 1`);
  const layout = new ParamLayout();
  Linear.declare(layout, 'counts.in', inputWidth(cfg), cfg.hidden);
  for (let i = 1; i < cfg.depth; i++) Linear.declare(layout, `counts.h${i}`, cfg.hidden, cfg.hidden);
  Linear.declare(layout, 'counts.out', cfg.hidden, cfg.layers);
  return layout;
}

/** The MLP over `rows` showers: input [rows, L + C + P] → velocity [rows, L]. */
export class CountNetwork {
  readonly input: View;
  readonly output: View;
  readonly dOutput: View;
  private readonly linears: Linear[];
  private readonly hidden: View[];
  private readonly dHidden: View[];

  constructor(params: ParamSet, readonly cfg: CountNetworkConfig, readonly rows: number) {
    const d = params.device;
    this.input = tensor(d, 'counts input', rows, inputWidth(cfg));
    this.output = tensor(d, 'counts velocity', rows, cfg.layers);
    this.dOutput = tensor(d, 'counts d velocity', rows, cfg.layers);
    const names = ['counts.in', ...Array.from({ length: cfg.depth - 1 }, (_, i) => `counts.h${i + 1}`)];
    this.linears = names.map((name, i) => new Linear(params, name, rows, i === 0 ? inputWidth(cfg) : cfg.hidden, cfg.hidden, true));
    this.linears.push(new Linear(params, 'counts.out', rows, cfg.hidden, cfg.layers));
    this.hidden = names.map((_, i) => tensor(d, `counts hidden ${i}`, rows, cfg.hidden));
    this.dHidden = names.map((_, i) => tensor(d, `counts d hidden ${i}`, rows, cfg.hidden));
  }

  forwardOps(): Op[] {
    const ins = [this.input, ...this.hidden];
    const outs = [...this.hidden, this.output];
    return this.linears.flatMap((l, i) => l.forward(ins[i]!, outs[i]!));
  }

  backwardOps(): Op[] {
    const last = this.linears.length - 1;
    const ops: Op[] = [];
    // Walk back: each layer's dx lands at the gradient of the GELU layer before it, taken at its pre-activation.
    for (let i = last; i >= 0; i--) {
      const dy = i === last ? this.dOutput : this.dHidden[i]!;
      const dx = i === 0 ? null : this.dHidden[i - 1]!;
      const opts = { paramGrads: true, dyAtPreActivation: i !== last, dxGelu: i === 0 ? undefined : this.linears[i - 1]!.pre };
      ops.push(...this.linears[i]!.backward(dy, dx, opts));
    }
    return ops;
  }
}
