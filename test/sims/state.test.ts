// The state envelope every system shares (src/sims/state.ts): what packState writes, what
// openState refuses, and files saved in today's format (test/fixtures/*-state-v1.json, written by
// the lab before the state code moved) import and export again byte for byte (with the params added since at their
// defaults, and the buffers' shapes).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GpuContext } from '../../src/gpu/context';
import { createNodeContext } from '../../src/gpu/node';
import { mipsSystem } from '../../src/sims/mips';
import { presetParams } from '../../src/sims/config';
import { openState, packState } from '../../src/sims/state';
import { tokensSystem } from '../../src/sims/tokens';
import type { SimDefinition } from '../../src/sims/types';
import mipsFile from '../fixtures/mips-state-v1.json?raw';
import tokensFile from '../fixtures/tokens-state-v1.json?raw';

describe('envelope', () => {
  const params = presetParams(mipsSystem);
  const clock = { params, stepCount: 3, time: 0.25 };

  it('packState writes format, version, system, params, step, time, then the buffers in the order given', () => {
    const s = packState('mips', clock, { b: Float32Array.of(1, 2), a: Uint32Array.of(7) });
    expect(Object.keys(s)).toEqual(['format', 'version', 'system', 'params', 'step', 'time', 'buffers']);
    expect(Object.keys(s.buffers)).toEqual(['b', 'a']);
    expect(s.buffers.a).toEqual({ type: 'u32', length: 1, base64: 'BwAAAA==' });
    expect(s.params).toEqual(params);
    expect(s.params).not.toBe(params);
  });

  it('openState decodes the buffers it is asked for, at the lengths the params give', () => {
    const s = packState('mips', clock, { x: Float32Array.of(1, 2, 3), y: Float32Array.of(4) });
    const { state, data } = openState('mips', mipsSystem.schema, params, JSON.parse(JSON.stringify(s)), () => ({ x: 3 }));
    expect([state.step, state.time]).toEqual([3, 0.25]);
    expect(Array.from(data.x)).toEqual([1, 2, 3]);
    expect(() => openState('mips', mipsSystem.schema, params, s, () => ({ x: 4 }))).toThrow(/"x" must have 4 elements/);
    expect(() => openState('mips', mipsSystem.schema, params, s, () => ({ z: 1 }))).toThrow(/no buffer "z"/);
    expect(() => openState('tokens', mipsSystem.schema, params, s, () => ({}))).toThrow(/for system "mips", not "tokens"/);
  });
});

describe('saved files of format version 1', () => {
  let ctx: GpuContext;
  beforeAll(async () => void (ctx = await createNodeContext()));
  afterAll(() => ctx?.device.destroy());

  it.each([
    ['mips', mipsSystem, mipsFile],
    ['tokens', tokensSystem, tokensFile],
  ] as [string, SimDefinition, string][])('%s: imports and exports again byte for byte', async (_, def, file) => {
    const text = file.trim();
    const saved = JSON.parse(text);
    // As the lab does it: the file is imported into a running system, whose params fill those the
    // file predates (mips: the colour map, added later, a display setting; tokens: the trained
    // network's task, read only with weights=trained).
    const sim = await def.create(ctx, { ...presetParams(def), ...saved.params });
    await sim.importState(saved);
    const added = Object.fromEntries(def.schema.specs.filter((s) => !(s.name in saved.params)).map((s) => [s.name, s.default]));
    expect(Object.keys(added)).toEqual(def.id === 'mips' ? ['colormap'] : ['trainedTask']);
    // Added since, too: the shape of each per-particle buffer ([N, 2] for mips, [n, d] for tokens).
    const columns = (name: string) => (def.id === 'mips' ? (name === 'msdOriginTime' ? 0 : 2) : saved.params.d);
    const buffers = Object.fromEntries(
      Object.entries(saved.buffers as Record<string, { type: string; length: number; base64: string }>).map(([name, b]) => {
        const k = columns(name);
        return [name, k ? { type: b.type, length: b.length, shape: [b.length / k, k], base64: b.base64 } : b];
      }),
    );
    // Exported params follow the schema's order (a param added since sits where the schema has it).
    const filled: Record<string, unknown> = { ...saved.params, ...added };
    const params = Object.fromEntries(def.schema.specs.map((spec) => [spec.name, filled[spec.name]]));
    expect(JSON.stringify(await sim.exportState())).toBe(JSON.stringify({ ...saved, params, buffers }));
    sim.dispose();
  });
});
