// Determinism (same seed, same trajectory), state export/import, parameter errors, blow-ups.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeContext } from '../../src/gpu/node';
import type { GpuContext } from '../../src/gpu/context';
import { mipsSystem, MipsSimulation } from '../../src/sims/mips';
import { presetParams } from '../../src/sims/config';
import { ParamError, withText } from '../../src/sims/params';
import { maxError, mipsParams, readState } from './helpers';

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

  it.each([0, 0.3])('skin %s: an exported state resumes exactly after import (and a rebuild frees and reallocates)', async (skin) => {
    const a = new MipsSimulation(ctx, small(8, skin));
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
  expect(m.problem).toMatch(/not finite.*lower dt/);
  sim.dispose();
});
