// Determinism (same seed, same trajectory), state export/import, parameter errors, blow-ups.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeContext } from '../../src/gpu/node';
import type { GpuContext } from '../../src/gpu/context';
import { mipsSystem, MipsSimulation } from '../../src/sims/mips';
import { presetParams } from '../../src/sims/config';
import { ParamError, withText } from '../../src/sims/params';
import { maxError, mipsParams, randomState, readState, writeState } from './helpers';

let ctx: GpuContext;
beforeAll(async () => void (ctx = await createNodeContext()));
afterAll(() => ctx.device.destroy());

const small = (seed: number, skin = 0.3) =>
  mipsParams({ model: 'abp', force: 'wca', n: 256, phi: 0.5, v0: 1, Dr: 0.5, Dt: 0.05, epsilon: 1 / 24, dt: 0.01, seed, skin });

describe('determinism', () => {
  it('same seed gives the same state bit for bit; a different seed a different one', async () => {
    const runs = [] as Awaited<ReturnType<typeof readState>>[];
    for (const seed of [4, 4, 5]) {
      const sim = new MipsSimulation(ctx, small(seed));
      sim.step(30);
      runs.push(await readState(sim));
      sim.dispose();
    }
    expect(maxError(runs[0]!.positions, runs[1]!.positions)).toBe(0);
    expect(maxError(runs[0]!.propulsion, runs[1]!.propulsion)).toBe(0);
    expect(maxError(runs[0]!.positions, runs[2]!.positions)).toBeGreaterThan(0.01);
  });

  // lm: the kick (ξ_n + ξ_{n+1})/2 regenerates ξ_{n+1} from the counter, so no hidden state.
  it.each([
    [0, 'em'],
    [0.3, 'em'],
    [0, 'lm'],
    [0.3, 'lm'],
  ])('skin %s scheme %s: an exported state resumes exactly after import (and a rebuild frees and reallocates)', async (skin, scheme) => {
    const a = new MipsSimulation(ctx, { ...small(8, skin), scheme });
    a.step(30);
    const saved = await a.exportState();
    a.step(20);
    const direct = await readState(a);
    const b = new MipsSimulation(ctx, { ...small(1), n: 100 }); // different size: import rebuilds
    await b.importState(JSON.parse(JSON.stringify(saved)));
    expect(b.stepCount).toBe(30);
    b.step(20);
    const resumed = await readState(b);
    expect(maxError(direct.positions, resumed.positions)).toBe(0);
    expect(maxError(direct.displacement, resumed.displacement)).toBe(0);
    a.dispose();
    b.dispose();
  });

  it('import rejects buffers of the wrong size with a clear message', async () => {
    const a = new MipsSimulation(ctx, small(8));
    const saved = await a.exportState();
    saved.params = { ...saved.params, n: 200 };
    await expect(a.importState(saved)).rejects.toThrow(/positions.*400 elements/);
    a.dispose();
  });
});

describe('parameters', () => {
  const def = mipsSystem;
  const base = presetParams(def, 'abp-mips');
  it.each([
    ['dt', '0', /dt must be a number in \(0, 10\]/],
    ['dt', '-0.1', /dt must be/],
    ['phi', '1', /phi must be a number in \(0, 1\)/],
    ['n', '-5', /n must be an integer in \[1, 1048576\]/],
    ['v0', 'NaN', /v0 must be a number/],
    ['model', 'rtp', /model must be one of aoup\|abp/],
  ])('%s=%s is a ParamError naming the field and its range', (field, value, message) => {
    let err: unknown;
    try {
      withText(def.schema, base, { [field]: value });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ParamError);
    expect((err as ParamError).field).toBe(field);
    expect((err as Error).message).toMatch(message);
  });

  it('scheme = lm with splitting = strang is refused on scheme, naming the fix', () => {
    expect(() => withText(def.schema, base, { scheme: 'lm', splitting: 'strang' })).toThrow(/^scheme = lm .*needs splitting = lie; use scheme = em with strang$/);
    expect(() => withText(def.schema, base, { scheme: 'rk' })).toThrow(/scheme must be one of em\|lm/);
  });

  it('a box too small for the cutoff is rejected on n', () => {
    expect(() => withText(def.schema, base, { n: '2' })).toThrow(/n must be large enough/);
  });

  it('every preset validates, and rebuild flags cover the buffer sizes', () => {
    for (const p of def.presets) expect(() => presetParams(def, p.name)).not.toThrow();
    const rebuild = def.schema.specs.filter((s) => s.rebuild).map((s) => s.name);
    expect(rebuild).toEqual(expect.arrayContaining(['n', 'phi']));
    expect(rebuild).not.toContain('dt');
    for (const s of def.schema.specs) expect(s.description.length).toBeGreaterThan(10);
  });
});

it('a blow-up (huge dt and epsilon) sets MetricSample.problem', async () => {
  const sim = new MipsSimulation(ctx, mipsParams({ force: 'wca', n: 256, phi: 0.7, v0: 0, Dt: 1, epsilon: 1e4, dt: 1, seed: 2 }));
  const healthy = await sim.sample();
  expect(healthy.problem).toBeUndefined();
  sim.step(10);
  const m = await sim.sample();
  expect(m.problem).toMatch(/not finite.*: [1-9]\d* of 256 particles have NaN\/Inf.*lower dt/);
  sim.dispose();
});

it('a metric that overflows while every particle is finite is named, not reported as 0 NaN particles', async () => {
  // Two particles 0.05 σ apart: the WCA force is ~4e18, so |b_x|²/Dt (Dt = 1e-3) overflows f32 to
  // Inf in eprScoreFree, while positions and propulsion stay finite.
  const p = mipsParams({ model: 'abp', force: 'wca', n: 256, phi: 0.3, v0: 0, Dt: 1e-3, epsilon: 1, dt: 1e-4, seed: 2 });
  const sim = new MipsSimulation(ctx, p);
  const s = randomState(p, 1.2, 3);
  s.positions[2] = s.positions[0]! + 0.05;
  s.positions[3] = s.positions[1]!;
  await writeState(sim, s, 0);
  const m = await sim.sample();
  expect(m.scalars.eprScoreFree).toBe(Infinity);
  expect(m.problem).toMatch(/^Not finite at step 0: eprScoreFree = Infinity, while all 256 particles have finite positions/);
  expect(m.problem).toMatch(/pair force overflowed/);
  expect(m.problem).not.toMatch(/0 of 256/);
  sim.dispose();
});
