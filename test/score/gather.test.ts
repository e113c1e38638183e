// The neighbour gather against a brute-force CPU kNN under the minimum image (float64), on
// configurations that need 1 ring of cells, several rings (dilute), and a single cell.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeContext } from '../../src/gpu/node';
import type { GpuContext } from '../../src/gpu/context';
import { Readback } from '../../src/gpu/buffers';
import { tensor } from '../../src/nn/tensor';
import { run } from '../../src/nn/ops';
import { MipsSimulation } from '../../src/sims/mips/simulation';
import { geometry } from '../../src/sims/mips/params';
import { channelsOf, scoreArch } from '../../src/sims/mips/score/config';
import { counterBuffer, forceScale, ScoreGather } from '../../src/sims/mips/score/gather';
import { pairForces } from '../../src/sims/mips/reference';
import { mipsParams, randomState, writeState } from '../mips/helpers';

let ctx: GpuContext;
beforeAll(async () => {
  ctx = await createNodeContext();
  console.log(`adapter: ${ctx.adapterName}`);
});
afterAll(() => ctx.device.destroy());

async function f32(buf: GPUBuffer, bytes: number): Promise<Float32Array> {
  const rb = new Readback(ctx.device);
  const out = await rb.f32(buf, 0, bytes);
  rb.destroy();
  return out;
}

/** Brute force: offsets x_j − x_i (minimum image) of the `k` nearest j ≠ i, nearest first. */
function knn(x: Float64Array, i: number, k: number, L: number): number[][] {
  const n = x.length / 2;
  const all: number[][] = [];
  for (let j = 0; j < n; j++) {
    if (j === i) continue;
    let dx = x[2 * j]! - x[2 * i]!;
    let dy = x[2 * j + 1]! - x[2 * i + 1]!;
    dx -= L * Math.round(dx / L);
    dy -= L * Math.round(dy / L);
    all.push([dx * dx + dy * dy, dx, dy, j]);
  }
  all.sort((a, b) => a[0]! - b[0]!);
  return all.slice(0, k);
}

const CASES = [
  { name: 'soft disks, one ring', values: { model: 'aoup', force: 'softdisk', n: 400, phi: 0.4, A: 0 }, neighbors: 8, minD: 1.2 },
  { name: 'dilute, several rings, trap inputs', values: { model: 'aoup', force: 'none', n: 300, phi: 0.01, A: 1 }, neighbors: 12, minD: 0.5 },
  { name: 'one cell (small box), ABP', values: { model: 'abp', force: 'softdisk', n: 8, phi: 0.3, A: 0 }, neighbors: 4, minD: 1.5 },
];

describe('score kNN gather', () => {
  for (const c of CASES) {
    it(`matches brute-force kNN with minimum image: ${c.name}`, async () => {
      const p = mipsParams({ ...c.values, seed: 3 });
      const sim = new MipsSimulation(ctx, p);
      const st = randomState(p, c.minD, 5);
      await writeState(sim, st, 0);
      const L = geometry(p).boxL;
      const n = p.n as number;
      const arch = scoreArch(p);
      const K = c.neighbors + 1;
      const { inputs, absChannel, forceChannel } = channelsOf(arch, { forceInput: 1 });
      const force = pairForces(p, st.positions).force; // float64, all pairs within r_c
      const scale = forceScale(p);
      // Gathered in three chunks of slots (the lab's incremental inference), the last one partial.
      const chunk = Math.ceil(n / 3);
      const target = { input: tensor(ctx.device, 'in', chunk * K, inputs), tok: tensor(ctx.device, 'tok', chunk * K, 1) };
      const meta = ctx.device.createBuffer({ size: chunk * 32, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
      const g = new ScoreGather(ctx.device, sim.internals, p, arch, c.neighbors, 0.1, 1, 1);
      const enc = ctx.device.createCommandEncoder();
      sim.encodeSorted(enc);
      ctx.device.queue.submit([enc.finish()]);
      const src = { posB: sim.internals.buf.posB, bodyB: sim.internals.buf.bodyB, cellStart: sim.internals.cells.accessBindings()[10]! };
      const op = g.all(target, meta, src, chunk);
      const input = new Float32Array(n * K * inputs);
      const tok = new Float32Array(n * K);
      const m = new Float32Array(n * 8);
      for (let o = 0; o < n; o += chunk) {
        const sets = Math.min(chunk, n - o);
        op.setOffset(o);
        run(ctx.device, [op]);
        input.set((await f32(target.input.buffer, chunk * K * inputs * 4)).subarray(0, sets * K * inputs), o * K * inputs);
        tok.set((await f32(target.tok.buffer, chunk * K * 4)).subarray(0, sets * K), o * K);
        m.set((await f32(meta, chunk * 32)).subarray(0, sets * 8), o * 8);
      }
      let worstF = 0;
      const x = st.positions;
      let worst = 0;
      let worstP = 0; // propulsion inputs (cos/sin in f32 for ABP)
      let checked = 0;
      for (let s = 0; s < n; s++) {
        const id = m[8 * s + 2]!;
        const want = knn(x, id, c.neighbors, L);
        const row0 = s * K * inputs;
        // token 0: own propulsion input, zero offset, own position from the trap centre
        const q = [st.propulsion[2 * id]!, st.propulsion[2 * id + 1]!];
        const pin = arch.model === 'abp' ? [Math.cos(q[0]!), Math.sin(q[0]!)] : q;
        worstP = Math.max(worstP, Math.abs(input[row0]! - pin[0]!), Math.abs(input[row0 + 1]! - pin[1]!));
        worst = Math.max(worst, Math.abs(input[row0 + 2]!), Math.abs(input[row0 + 3]!));
        if (absChannel) worst = Math.max(worst, Math.abs(input[row0 + absChannel]! - (x[2 * id]! - L / 2)), Math.abs(input[row0 + absChannel + 1]! - (x[2 * id + 1]! - L / 2)));
        // token 0's force channel: k F_i / v0; neighbour tokens carry zeros
        if (forceChannel) {
          for (let d = 0; d < 2; d++) worstF = Math.max(worstF, Math.abs(input[row0 + forceChannel + d]! - scale * force[2 * id + d]!));
          for (let t = 1; t < K; t++) {
            expect(input[row0 + t * inputs + forceChannel]).toBe(0);
            expect(input[row0 + t * inputs + forceChannel + 1]).toBe(0);
          }
        }
        for (let t = 0; t < c.neighbors; t++) {
          const r = row0 + (1 + t) * inputs;
          if (t >= want.length) {
            expect(tok[s * K + 1 + t], 'missing neighbour is masked').toBe(-1);
            continue;
          }
          expect(tok[s * K + 1 + t]).toBe(0);
          const [, dx, dy, j] = want[t]!;
          worst = Math.max(worst, Math.abs(input[r + 2]! - dx!), Math.abs(input[r + 3]! - dy!));
          const qj = [st.propulsion[2 * j!]!, st.propulsion[2 * j! + 1]!];
          const pj = arch.model === 'abp' ? [Math.cos(qj[0]!), Math.sin(qj[0]!)] : qj;
          worstP = Math.max(worstP, Math.abs(input[r]! - pj[0]!), Math.abs(input[r + 1]! - pj[1]!));
          checked++;
        }
      }
      console.log(`${c.name}: ${checked} neighbour tokens, worst |gpu − cpu| offsets ${worst.toExponential(2)}, p ${worstP.toExponential(2)}, force ${worstF.toExponential(2)} (L = ${L.toFixed(2)}, ${sim.internals.cells.grid.cellsPerSide}² cells)`);
      expect(forceChannel > 0).toBe(c.values.force !== 'none');
      // f32 pair sums of O(1) forces over a few neighbours, against float64.
      expect(worstF).toBeLessThan(1e-4 * Math.max(1, scale));
      // f32 positions in a box of side L: offsets agree to a few ulps of L.
      expect(worst).toBeLessThan(4e-6 * L);
      // g is copied exactly; cos/sin of θ carry the GPU's trig error (SwiftShader ~1e-4).
      expect(worstP).toBeLessThan(arch.model === 'abp' ? 1e-3 : 1e-7);
      g.destroy();
      sim.dispose();
    });
  }

  it('batch gather writes antithetic pairs y ± σζ with ζ for the loss', async () => {
    const p = mipsParams({ model: 'aoup', force: 'softdisk', n: 200, phi: 0.3, Dt: 0.5, seed: 4 });
    const sim = new MipsSimulation(ctx, p);
    const arch = scoreArch(p);
    const pairs = 16, K = 4, sigma = 0.01;
    const target = { input: tensor(ctx.device, 'in', 2 * pairs * K, 4), tok: tensor(ctx.device, 'tok', 2 * pairs * K, 1) };
    const zeta = tensor(ctx.device, 'zeta', pairs, 4);
    const counter = counterBuffer(ctx.device);
    const g = new ScoreGather(ctx.device, sim.internals, p, arch, K - 1, sigma, 1, 0);
    const enc = ctx.device.createCommandEncoder();
    sim.encodeSorted(enc);
    ctx.device.queue.submit([enc.finish()]);
    run(ctx.device, [g.batch(target, zeta, pairs, counter)]);
    const input = await f32(target.input.buffer, 2 * pairs * K * 16);
    const z = await f32(zeta.buffer, pairs * 16);
    let worst = 0;
    let matched = 0;
    for (let b = 0; b < pairs; b++) {
      const plus = b * K * 4, minus = (pairs + b) * K * 4;
      // token 0: p ± σ ζ_g
      for (let c = 0; c < 2; c++) worst = Math.max(worst, Math.abs(input[plus + c]! - input[minus + c]! - 2 * sigma * z[4 * b + c]!));
      // neighbour offsets x_j − (x_i ± σ ζ_x): each set searches around its own perturbed
      // position, so order (rarely membership) may differ; pair tokens by the expected shift.
      for (let t = 1; t < K; t++) {
        const want = [input[plus + 4 * t + 2]! + 2 * sigma * z[4 * b + 2]!, input[plus + 4 * t + 3]! + 2 * sigma * z[4 * b + 3]!];
        for (let u = 1; u < K; u++) {
          if (Math.hypot(input[minus + 4 * u + 2]! - want[0]!, input[minus + 4 * u + 3]! - want[1]!) < 1e-4) {
            matched++;
            break;
          }
        }
      }
    }
    const zs = Array.from(z);
    const mean = zs.reduce((a, b) => a + b, 0) / zs.length;
    console.log(`antithetic pairs: worst token-0 error ${worst.toExponential(2)}, ${matched}/${pairs * (K - 1)} neighbour tokens shifted by exactly 2σζ_x, mean ζ ${mean.toFixed(3)}`);
    expect(worst).toBeLessThan(1e-4);
    // With σ = 0.01 the 3 nearest rarely change between y ± σζ: at least 90 % of tokens pair up.
    expect(matched).toBeGreaterThan(0.9 * pairs * (K - 1));
    expect(Math.abs(mean)).toBeLessThan(0.5);
    g.destroy();
    sim.dispose();
  });
});
