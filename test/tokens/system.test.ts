// The tokens system through the Simulation contract: the sphere model, observables, rendering,
// live toggles, side by side, state export/import and parameter errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Readback } from '../../src/gpu/buffers';
import type { GpuContext } from '../../src/gpu/context';
import { createNodeContext } from '../../src/gpu/node';
import { presetParams } from '../../src/sims/config';
import { ParamError, withText } from '../../src/sims/params';
import { tokensSystem } from '../../src/sims/tokens';
import { buildModel } from '../../src/sims/tokens/model';
import { observables } from '../../src/sims/tokens/reference';
import { CLUSTER_THRESHOLD, COSINE_BINS } from '../../src/sims/tokens/observables';
import type { Simulation } from '../../src/sims/types';
import { maxAbsDiff, params } from './helpers';

let ctx: GpuContext;
let rb: Readback;
beforeAll(async () => {
  ctx = await createNodeContext();
  rb = new Readback(ctx.device);
});
afterAll(() => ctx.device.destroy());

async function tokensOf(sim: Simulation): Promise<Float32Array> {
  const s = await sim.exportState();
  const bin = atob(s.buffers.x!.base64);
  return new Float32Array(Uint8Array.from(bin, (c) => c.charCodeAt(0)).buffer);
}

describe('SA with identity weights on the sphere (Geshkovski et al.)', () => {
  it('tokens stay on the sphere, E_β never decreases, and they cluster for d = 3', async () => {
    // sa-sphere preset at n = 32 to keep the run short on a CPU GPU.
    const p = { ...presetParams(tokensSystem, 'sa-sphere'), n: 32, trailLength: 10 };
    const sim = await tokensSystem.create(ctx, p);
    const first = await sim.sample();
    expect(first.scalars.clusters).toBe(32);
    const energies = [first.scalars.energy!];
    for (let k = 0; k < 15; k++) {
      sim.step(10);
      const s = await sim.sample();
      expect(s.problem).toBeUndefined();
      energies.push(s.scalars.energy!);
      const x = await tokensOf(sim);
      for (let i = 0; i < 32; i++) expect(Math.hypot(x[3 * i]!, x[3 * i + 1]!, x[3 * i + 2]!)).toBeCloseTo(1, 5);
    }
    for (let k = 1; k < energies.length; k++) expect(energies[k]!).toBeGreaterThanOrEqual(energies[k - 1]! - 1e-6);
    expect(energies.at(-1)! - energies[0]!).toBeGreaterThan(0.05);
    const last = await sim.sample();
    expect(sim.time).toBeCloseTo(15, 6);
    // At T = 15 the 32 tokens have gathered into very few clusters and the cosines pile up at 1.
    expect(last.scalars.clusters).toBeLessThanOrEqual(3);
    expect(last.scalars.meanCosine).toBeGreaterThan(0.9);
    const counts = last.histograms!.cosine!.counts;
    expect(counts.at(-1)!).toBeGreaterThan(0.5 * counts.reduce((a, b) => a + b, 0));
    sim.dispose();
  });
});

describe('observables', () => {
  it('match the float64 reference (mean cosine, E_β, clusters, close pairs, histogram)', async () => {
    // Two tight groups plus loose tokens, so clusters are neither 1 nor n.
    const p = params({ n: 45, d: 3, beta: 3, init: 'sphere', sphere: true, ffn: 'off', seed: 4 });
    const sim = await tokensSystem.create(ctx, p);
    sim.step(40);
    const s = await sim.sample();
    const x = await tokensOf(sim);
    const ref = observables(x, 45, 3, 3, CLUSTER_THRESHOLD, COSINE_BINS);
    expect(s.scalars.meanCosine).toBeCloseTo(ref.meanCosine, 5);
    expect(s.scalars.energy! / ref.energy).toBeCloseTo(1, 5);
    expect(s.scalars.clusters).toBe(ref.clusters);
    // Pairs whose float64 cosine lies within float32 rounding (1e-6) of 0.999 may fall either side.
    const pairs = (45 * 44) / 2;
    expect(ref.closePairs).toBeGreaterThan(0);
    expect(ref.closePairs).toBeLessThan(1);
    expect(Math.abs(s.scalars.closePairs! - ref.closePairs) * pairs).toBeLessThanOrEqual(pairsNear(x, 45, 3, CLUSTER_THRESHOLD, 1e-6));
    expect(s.scalars.meanNorm).toBeCloseTo(1, 5);
    // Bins can differ only for cosines within float32 rounding of a bin edge.
    expect(maxAbsDiff(s.histograms!.cosine!.counts, ref.counts)).toBeLessThanOrEqual(1);
    expect(s.histograms!.cosine!.counts.reduce((a, b) => a + b, 0)).toBe((45 * 44) / 2);
    sim.dispose();
  });

  it('clusters are connected components: a chain counts once, a far token on its own', async () => {
    // Tokens along a great circle 1.5° apart (cos ≈ 0.99966 > 0.999), plus one opposite token.
    const p = params({ n: 6, d: 3, init: 'sphere', sphere: true, ffn: 'off' });
    const sim = await tokensSystem.create(ctx, p);
    const x = new Float32Array(18);
    for (let i = 0; i < 5; i++) x.set([Math.cos((i * 1.5 * Math.PI) / 180), Math.sin((i * 1.5 * Math.PI) / 180), 0], 3 * i);
    x.set([-1, 0, 0], 15);
    const state = await sim.exportState();
    const bytes = new Uint8Array(x.buffer);
    state.buffers.x = { type: 'f32', length: 18, base64: btoa(String.fromCharCode(...bytes)) };
    await sim.importState(state);
    expect((await sim.sample()).scalars.clusters).toBe(2);
    sim.dispose();
  });

  it('a NaN state is reported as a problem; a file carrying NaN is refused before the GPU', async () => {
    const sim = await tokensSystem.create(ctx, params({ n: 4, d: 3 }));
    const state = await sim.exportState();
    const x = new Float32Array([NaN, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1]);
    state.buffers.x = { type: 'f32', length: 12, base64: btoa(String.fromCharCode(...new Uint8Array(x.buffer))) };
    await expect(sim.importState(state)).rejects.toThrow('state buffer "x" must hold finite numbers; got NaN at index 0');
    // A run that blows up: NaN written into the live state on the GPU.
    const engine = (sim as unknown as { parts: { x: GPUBuffer } }).parts;
    ctx.device.queue.writeBuffer(engine.x, 0, x);
    expect((await sim.sample()).problem).toMatch(/not finite/);
    sim.dispose();
  });
});

describe('rendering', () => {
  it('d = 3: positions are the tokens, the sphere is drawn, trails fill a ring', async () => {
    const sim = await tokensSystem.create(ctx, { ...presetParams(tokensSystem, 'sa-sphere'), n: 10, trailLength: 4 });
    sim.step(6);
    const r = sim.render;
    expect(r.sphere).toBe(true);
    expect(r.count).toBe(10);
    expect(r.trails!.filled()).toBe(4);
    const pos = await rb.f32(r.positions, 0, 160);
    const x = await tokensOf(sim);
    for (let i = 0; i < 10; i++) for (let c = 0; c < 3; c++) expect(pos[4 * i + c]).toBeCloseTo(x[3 * i + c]!, 6);
    // The newest trail frame equals the positions.
    const head = r.trails!.head();
    const frame = await rb.f32(r.trails!.buffer, head * 160, 160);
    expect(maxAbsDiff(frame, pos)).toBe(0);
    sim.dispose();
  });

  it('d > 3: PCA / random projection with a caption; text tokens carry labels', async () => {
    const sim = await tokensSystem.create(ctx, presetParams(tokensSystem, 'text-demo'));
    const r = sim.render;
    expect(r.labels!.text[1]).toBe('cat');
    expect(r.count).toBe(r.labels!.text.length);
    expect(r.caption).toMatch(/PCA/);
    sim.step(5);
    await sim.sample(); // refreshes the PCA basis
    sim.step(1);
    // Labels are drawn at the render positions of the first tokens (on the GPU).
    const pos = await new Readback(ctx.device).f32(r.positions, 0, r.labels!.text.length * 16);
    expect(pos.every(Number.isFinite)).toBe(true);
    await sim.setParams({ ...sim.params, projection: 'random' });
    expect(sim.render.caption).toMatch(/random/);
    sim.dispose();
  });
});

describe('live toggles and side by side', () => {
  it('switching splitting and substep live changes the trajectory without a rebuild', async () => {
    const p = params({ n: 12, d: 6, heads: 2, weights: 'random', weightScale: 4, ffn: 'on', ffnWidth: 8, sphere: false, init: 'gaussian', dt: 0.1 });
    const a = await tokensSystem.create(ctx, p);
    const b = await tokensSystem.create(ctx, p);
    const buffer = a.render.positions;
    a.step(3);
    b.step(3);
    await a.setParams({ ...a.params, splitting: 'strang', substep: 'rk4' });
    expect(a.render.positions).toBe(buffer); // same buffers: no rebuild
    expect(a.stepCount).toBe(3);
    a.step(3);
    b.step(3);
    expect(maxAbsDiff(await tokensOf(a), await tokensOf(b))).toBeGreaterThan(1e-4);
    a.dispose();
    b.dispose();
  });

  it('compare=on runs the other splitting from the same start and reports the gap', async () => {
    const p = params({ n: 10, d: 4, heads: 2, weights: 'random', weightScale: 4, ffn: 'on', ffnWidth: 8, sphere: false, init: 'gaussian', compare: 'on' });
    const sim = await tokensSystem.create(ctx, p);
    expect(sim.render.count).toBe(20);
    expect((await sim.sample()).scalars.gap).toBe(0);
    sim.step(5);
    const gap = (await sim.sample()).scalars.gap!;
    const state = await sim.exportState();
    const decode = (b64: string) => new Float32Array(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)).buffer);
    const x = decode(state.buffers.x!.base64);
    const y = decode(state.buffers.xOther!.base64);
    let sum = 0;
    for (let i = 0; i < x.length; i++) sum += (x[i]! - y[i]!) ** 2;
    expect(gap).toBeGreaterThan(0);
    expect(gap).toBeCloseTo(Math.sqrt(sum / 10), 5);
    sim.dispose();
  });
});

describe('convergence action', () => {
  it('"Measure convergence" puts four fitted curves into the next sample', async () => {
    const p = { ...presetParams(tokensSystem, 'convergence'), dt: 0.15, T: 0.15 };
    const sim = await tokensSystem.create(ctx, p);
    const action = sim.actions!.find((a) => a.label === 'Measure convergence')!;
    await action.run();
    const curves = (await sim.sample()).curves!.convergence!;
    expect(curves.map((c) => c.label.split(' ')[0])).toEqual(['lie-euler', 'strang-euler', 'lie-rk4', 'strang-rk4']);
    for (const c of curves) {
      expect(c.x).toHaveLength(4);
      expect(Number.isFinite(c.slope)).toBe(true);
    }
    expect(tokensSystem.plots.some((pl) => pl.kind === 'curves' && pl.curves === 'convergence')).toBe(true);
    sim.dispose();
  });
});

describe('state export / import', () => {
  it('round-trips the tokens and counters, and rejects a wrong size clearly', async () => {
    const p = params({ n: 7, d: 4, heads: 2, sphere: true });
    const sim = await tokensSystem.create(ctx, p);
    sim.step(4);
    const state = await sim.exportState();
    const before = await tokensOf(sim);
    sim.step(4);
    await sim.importState(JSON.parse(JSON.stringify(state)));
    expect(sim.stepCount).toBe(4);
    expect(maxAbsDiff(await tokensOf(sim), before)).toBe(0);
    const bad = JSON.parse(JSON.stringify(state));
    bad.params.n = 8;
    await expect(sim.importState(bad)).rejects.toThrow(/state buffer "x" must have 32 elements for these params; got 28/);
    expect(sim.params.n).toBe(7); // a rejected file leaves the system as it was
    sim.dispose();
  });
});

describe('parameter errors', () => {
  const base = presetParams(tokensSystem, 'sa-sphere');
  const fails = (over: Record<string, string>, field: string, message: RegExp) => {
    let err: unknown;
    try {
      withText(tokensSystem.schema, base, over);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ParamError);
    expect((err as ParamError).field).toBe(field);
    expect((err as Error).message).toMatch(message);
  };
  it('d not divisible by heads', () => fails({ d: '10', heads: '3' }, 'd', /d must be divisible by heads \(d=10, heads=3\)/));
  it('init=orthogonal with d < n', () => fails({ init: 'orthogonal', d: '3', n: '64' }, 'd', /d must be ≥ n for init=orthogonal \(d=3, n=64\)/));
  it('empty text', () => fails({ init: 'text', text: '   ' }, 'text', /text must be a non-empty text/));
  it('out of range values name the field and the range', () => fails({ beta: '0' }, 'beta', /beta must be a number in \(0, 100\]/));
  it('orthogonal init with d ≥ n gives orthonormal tokens', () => {
    const m = buildModel(params({ init: 'orthogonal', n: 5, d: 8, heads: 1 }));
    for (let i = 0; i < 5; i++)
      for (let j = 0; j < 5; j++) {
        let dot = 0;
        for (let c = 0; c < 8; c++) dot += m.x0[i * 8 + c]! * m.x0[j * 8 + c]!;
        expect(dot).toBeCloseTo(i === j ? 1 : 0, 6);
      }
  });
});

/** Pairs i<j whose cosine is within tol of the threshold (float64). */
function pairsNear(x: ArrayLike<number>, n: number, d: number, threshold: number, tol: number): number {
  let near = 0;
  const norm = (i: number) => Math.hypot(...Array.from({ length: d }, (_, c) => x[i * d + c]!));
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      let dot = 0;
      for (let c = 0; c < d; c++) dot += x[i * d + c]! * x[j * d + c]!;
      if (Math.abs(dot / (norm(i) * norm(j)) - threshold) < tol) near++;
    }
  return near;
}
