// The mips state codec: what a saved state holds (per particle, in id order: positions,
// propulsion, displacement; and the MSD origin), the lengths and checks on import, and the map
// to and from the GPU layout (vec4f per slot: posA = (x, y, 0, id), bodyA = (p, disp)).
import { ParamError, type Params } from '../params';
import { openState, packState, type SimState, type StateClock } from '../state';
import { geometry, schema } from './params';

const SYSTEM_ID = 'mips';

/** A saved state from readbacks of posA and bodyA (slot order) and the MSD origin. */
export function packMipsState(sim: StateClock, pos: Float32Array, body: Float32Array, msdOriginTime: number): SimState {
  const n = pos.length / 4;
  const positions = new Float32Array(2 * n);
  const propulsion = new Float32Array(2 * n);
  const displacement = new Float32Array(2 * n);
  for (let s = 0; s < n; s++) {
    const id = pos[4 * s + 3]!;
    positions.set([pos[4 * s]!, pos[4 * s + 1]!], 2 * id);
    propulsion.set([body[4 * s]!, body[4 * s + 1]!], 2 * id);
    displacement.set([body[4 * s + 2]!, body[4 * s + 3]!], 2 * id);
  }
  const rows = [n, 2];
  return packState(SYSTEM_ID, sim, { positions, propulsion, displacement, msdOriginTime: Float32Array.of(msdOriginTime) }, {
    positions: rows,
    propulsion: rows,
    displacement: rows,
  });
}

/** A checked state and what importState writes: posA and bodyA (slot = id), and the MSD origin. */
export interface MipsStateData {
  state: SimState;
  pos: Float32Array<ArrayBuffer>;
  body: Float32Array<ArrayBuffer>;
  msdOriginTime: number;
}

/**
 * Opens a mips state file (envelope, params, buffer lengths, finite values: sims/state.ts) and
 * checks that every position lies in the box of its params; nothing reaches the GPU here.
 */
export function openMipsState(raw: unknown, base: Params): MipsStateData {
  const { state, data } = openState(SYSTEM_ID, schema, base, raw, (p) => {
    const { n } = schema.typed(p);
    return { positions: 2 * n, propulsion: 2 * n, displacement: 2 * n, msdOriginTime: 1 };
  });
  const { positions, propulsion, displacement } = data;
  const params = schema.typed(state.params);
  const n = params.n;
  const L = geometry(params).boxL;
  for (let i = 0; i < 2 * n; i++) {
    const x = positions[i]!;
    if (!(x >= 0 && x <= L)) throw new ParamError('buffers.positions', `state positions must lie in the box [0, ${L}]; got ${x} at index ${i}`);
  }
  const pos = new Float32Array(4 * n);
  const body = new Float32Array(4 * n);
  for (let i = 0; i < n; i++) {
    pos.set([positions[2 * i]!, positions[2 * i + 1]!, 0, i], 4 * i);
    body.set([propulsion[2 * i]!, propulsion[2 * i + 1]!, displacement[2 * i]!, displacement[2 * i + 1]!], 4 * i);
  }
  return { state, pos, body, msdOriginTime: data.msdOriginTime[0]! };
}
