// Shared helpers of the mips tests: params, state <-> float64 arrays, seeded configurations.
import { uniform4 } from '../../src/gpu/rng';
import { defaults, withValues } from '../../src/sims/params';
import { decodeBuffer, encodeBuffer, STATE_FORMAT, STATE_VERSION } from '../../src/sims/state';
import { mipsSystem, type MipsSimulation } from '../../src/sims/mips';
import { geometry, schema, type MipsParams } from '../../src/sims/mips/params';
import type { RefState } from '../../src/sims/mips/reference';

export function mipsParams(values: Record<string, unknown>): MipsParams {
  return schema.typed(withValues(schema, defaults(schema), values));
}

export async function readState(sim: MipsSimulation): Promise<RefState & { step: number }> {
  const s = await sim.exportState();
  const n = sim.params.n;
  const get = (name: string) => Float64Array.from(decodeBuffer(name, s.buffers[name]!, 2 * n));
  return { positions: get('positions'), propulsion: get('propulsion'), displacement: get('displacement'), step: s.step };
}

export async function writeState(sim: MipsSimulation, st: RefState, step: number): Promise<void> {
  const f32 = (a: Float64Array) => encodeBuffer(Float32Array.from(a));
  await sim.importState({
    format: STATE_FORMAT, version: STATE_VERSION, system: 'mips', params: sim.params, step, time: step * (sim.params.dt),
    buffers: {
      positions: f32(st.positions), propulsion: f32(st.propulsion), displacement: f32(st.displacement),
      msdOriginTime: encodeBuffer(Float32Array.of(0)),
    },
  });
}

/**
 * Random positions with a minimum pair distance (random sequential addition, seeded), and
 * propulsion drawn for the model: a disordered configuration with many interacting pairs.
 */
export function randomState(p: MipsParams, minDistance: number, seed = 1): RefState {
  const n = p.n;
  const L = geometry(p).boxL;
  const x = new Float64Array(2 * n);
  let placed = 0;
  for (let attempt = 0; placed < n; attempt++) {
    if (attempt > 1000 * n) throw new Error('randomState: cannot place particles');
    const r = uniform4(attempt, 1, seed, 3);
    const cx = r[0] * L;
    const cy = r[1] * L;
    let ok = true;
    for (let j = 0; j < placed && ok; j++) {
      let dx = cx - x[2 * j]!;
      let dy = cy - x[2 * j + 1]!;
      dx -= L * Math.round(dx / L);
      dy -= L * Math.round(dy / L);
      ok = dx * dx + dy * dy >= minDistance * minDistance;
    }
    if (!ok) continue;
    x[2 * placed] = cx;
    x[2 * placed + 1] = cy;
    placed++;
  }
  const q = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const r = uniform4(i, 2, seed, 3);
    if (p.model === 'abp') q[2 * i] = Math.PI * (2 * r[0] - 1);
    else [q[2 * i], q[2 * i + 1]] = [2 * r[0] - 1, 2 * r[1] - 1];
  }
  return { positions: x, propulsion: q, displacement: new Float64Array(2 * n) };
}

/** Minimum-image difference of two positions arrays, per coordinate (max abs). */
export function maxPositionError(a: Float64Array, b: Float64Array, L: number): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i]! - b[i]!;
    worst = Math.max(worst, Math.abs(d - L * Math.round(d / L)));
  }
  return worst;
}

export function maxError(a: Float64Array, b: Float64Array, period = 0): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    let d = a[i]! - b[i]!;
    if (period) d -= period * Math.round(d / period);
    worst = Math.max(worst, Math.abs(d));
  }
  return worst;
}
