// Convergence study: each scheme (Lie/Strang × Euler/RK4 sub-steps) runs from the same start to
// the horizon with a range of dt; its error is measured against a fine reference (unsplit RK4
// of the full field at dt_min / refinement, order 4) and the order is the fitted log-log slope.
//
// Float32: the reference's error (≈ C·(dt_min/4)^4) and float32 rounding (≈ steps·1e-7·|x|)
// must stay far below the smallest measured error (strang-rk4 at dt_min, ∝ dt²). The
// `convergence` preset is chosen for that: strang-rk4 errors ≈ 1.8e-3 … 2.9e-5.
import { Readback } from '../../gpu/buffers';
import type { GpuContext } from '../../gpu/context';
import type { Params } from '../params';
import { schema, type TokenParams } from './params';
import { liveSettings, TokenEngine, TokenWeights, type Scheme } from './engine';
import { buildModel, type Splitting, type Substep } from './model';

export type SchemeName = 'lie-euler' | 'strang-euler' | 'lie-rk4' | 'strang-rk4';
export const SCHEMES: readonly { name: SchemeName; splitting: Splitting; substep: Substep }[] = [
  { name: 'lie-euler', splitting: 'lie', substep: 'euler' },
  { name: 'strang-euler', splitting: 'strang', substep: 'euler' },
  { name: 'lie-rk4', splitting: 'lie', substep: 'rk4' },
  { name: 'strang-rk4', splitting: 'strang', substep: 'rk4' },
];

export interface ConvergenceRow {
  scheme: SchemeName;
  splitting: Splitting;
  substep: Substep;
  dt: number;
  /** RMS over tokens of |x_i(T) - x_i^ref(T)|. */
  error: number;
}

export interface ConvergenceResult {
  rows: ConvergenceRow[];
  orders: Record<SchemeName, number>;
  horizon: number;
  referenceDt: number;
  /** Caveats that explain unexpected orders (e.g. ffn off, separate Macaron FFNs, ReLU). */
  notes: string[];
}

export interface ConvergenceOptions {
  /** Step sizes; default params.dt · {1, 1/2, 1/4, 1/8} (rounded so the horizon is a whole number of steps). */
  dts?: number[];
  /** Final time; default params.T. */
  horizon?: number;
  /** The reference step is min(dts)/refinement; default 4 (RK4: its error is ~4⁴ below the finest run). */
  refinement?: number;
  /** Steps done of all steps (reference and every scheme × dt), after each run. */
  progress?: (done: number, total: number) => void;
}

/** Errors below this (relative to the RMS token norm) are float32 rounding, not discretisation. */
const FLOAT32_FLOOR = 2e-6;

function rms(x: Float32Array, count: number): number {
  let s = 0;
  for (const v of x) s += v * v;
  return Math.sqrt(s / count);
}

/** Least-squares slope of log(error) against log(dt). */
export function fitSlope(dts: readonly number[], errors: readonly number[]): number {
  const xs = dts.map(Math.log);
  const ys = errors.map(Math.log);
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let sxy = 0;
  let sxx = 0;
  xs.forEach((x, i) => {
    sxy += (x - mx) * (ys[i]! - my);
    sxx += (x - mx) ** 2;
  });
  return sxy / sxx;
}

export function convergenceNotes(p: TokenParams): string[] {
  const notes: string[] = [];
  if (p.ffn !== 'on') notes.push('ffn=off: there is only one sub-flow, so Lie and Strang coincide (and RK4 is order 4).');
  else {
    if (p.ffnPair === 'separate') notes.push('ffnPair=separate: the Macaron step uses two different half-FFNs, so the composition is not symmetric and Strang is first order even with exact sub-flows; use ffnPair=shared to see order 2.');
    if (p.act === 'relu') notes.push('act=relu: the field is not smooth, which can spoil the orders; gelu is smooth.');
  }
  return notes;
}

export async function measureConvergence(ctx: GpuContext, validated: Params, opts: ConvergenceOptions = {}): Promise<ConvergenceResult> {
  const { device } = ctx;
  const params = schema.typed(validated);
  const horizon = opts.horizon ?? params.T;
  const requested = opts.dts ?? [1, 2, 4, 8].map((k) => params.dt / k);
  const plan = requested.map((dt) => {
    const steps = Math.max(1, Math.round(horizon / dt));
    return { steps, dt: horizon / steps };
  });
  const refSteps = Math.max(...plan.map((s) => s.steps)) * (opts.refinement ?? 4);
  const model = buildModel(params);
  const weights = new TokenWeights(device, model);
  const live = liveSettings(params);
  const engine = new TokenEngine(device, model, weights, params.sphere, params.ffnPair === 'shared', live, 'convergence');
  const readback = new Readback(device, 'convergence readback');
  const total = refSteps + SCHEMES.length * plan.reduce((sum, p) => sum + p.steps, 0);
  let done = 0;

  const run = async (scheme: Scheme, dt: number, steps: number): Promise<Float32Array> => {
    engine.write(model.x0);
    engine.setLive({ ...live, dt });
    const chunk = 64;
    for (let done = 0; done < steps; done += chunk) {
      const encoder = device.createCommandEncoder({ label: 'convergence' });
      const pass = encoder.beginComputePass({ label: 'convergence steps' });
      engine.encode(pass, Math.min(chunk, steps - done), scheme);
      pass.end();
      device.queue.submit([encoder.finish()]);
    }
    const x = await readback.f32(engine.x, 0, model.count * model.d * 4);
    opts.progress?.((done += steps), total);
    return x;
  };

  try {
    const reference = await run('unsplit-rk4', horizon / refSteps, refSteps);
    const rows: ConvergenceRow[] = [];
    for (const s of SCHEMES) {
      for (const { dt, steps } of plan) {
        const x = await run({ splitting: s.splitting, substep: s.substep }, dt, steps);
        let sum = 0;
        for (let i = 0; i < x.length; i++) sum += (x[i]! - reference[i]!) ** 2;
        rows.push({ scheme: s.name, splitting: s.splitting, substep: s.substep, dt, error: Math.sqrt(sum / model.count) });
      }
    }
    const orders = Object.fromEntries(
      SCHEMES.map((s) => {
        const mine = rows.filter((r) => r.scheme === s.name);
        return [s.name, fitSlope(mine.map((r) => r.dt), mine.map((r) => r.error))];
      }),
    ) as Record<SchemeName, number>;
    const notes = convergenceNotes(params);
    const floor = FLOAT32_FLOOR * Math.max(1, rms(reference, model.count));
    const atFloor = [...new Set(rows.filter((r) => r.error < floor).map((r) => r.scheme))];
    if (atFloor.length > 0) notes.push(`${atFloor.join(', ')}: errors below ${floor.toExponential(0)} are float32 rounding, so their slope is not an order; use a larger dt or horizon.`);
    return { rows, orders, horizon, referenceDt: horizon / refSteps, notes };
  } finally {
    engine.destroy();
    weights.destroy();
    readback.destroy();
  }
}
