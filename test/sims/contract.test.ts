// The contract, checked over every registered system (a new system is tested by it unasked):
// presets validate, export → import is bit-identical and resumes bit-exactly, a state file
// carrying NaN is refused, samples carry only declared metrics, plots name only declared metrics
// and histograms, a `rebuild` parameter restarts the system exactly as a fresh one, and a live
// parameter keeps the run going; and every tool answers `--json` with one object.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offers } from '../../cli/verbs';
import type { GpuContext } from '../../src/gpu/context';
import { createNodeContext } from '../../src/gpu/node';
import { presetParams } from '../../src/sims/config';
import { checkAll, withValues, type ParamSpec, type Params, type ParamValue } from '../../src/sims/params';
import { listSystems } from '../../src/sims/registry';
import { decodeBuffer, encodeBuffer, type SimState } from '../../src/sims/state';
import type { SimDefinition } from '../../src/sims/types';
import '../../src/sims/index';
import { labProcess } from '../lab-process';

let ctx: GpuContext;
const tmp = mkdtempSync(join(tmpdir(), 'contract-'));
beforeAll(async () => {
  ctx = await createNodeContext();
});
afterAll(() => {
  ctx?.device.destroy();
  rmSync(tmp, { recursive: true, force: true });
});

/** The default preset at small N where the system has an `n` (SwiftShader speed). */
function small(def: SimDefinition): Params {
  const p = presetParams(def);
  return def.schema.specs.some((s) => s.name === 'n') ? withValues(def.schema, p, { n: 64 }) : p;
}

/** Another value of the field that the whole schema accepts, or undefined. */
function otherValue(def: SimDefinition, p: Params, s: ParamSpec): ParamValue | undefined {
  const v = p[s.name];
  const candidates: ParamValue[] =
    s.kind === 'number'
      ? [2 * (v as number), (v as number) / 2, (v as number) + 1, (v as number) - 1].map((x) => (s.integer ? Math.round(x) : x))
      : s.kind === 'enum'
        ? s.options.filter((o) => o !== v)
        : s.kind === 'boolean'
          ? [!v]
          : s.kind === 'range'
            ? [`${s.min}:${s.max}`, String(s.max)]
            : ['alpha beta gamma'];
  for (const c of candidates) {
    if (c === v) continue;
    try {
      checkAll(def.schema, { ...p, [s.name]: c });
      return c;
    } catch {
      /* not valid with the other fields: try the next */
    }
  }
  return undefined;
}

const stripped = (s: SimState) => JSON.parse(JSON.stringify(s)) as SimState;

for (const def of listSystems()) {
  describe(`${def.id} honours the contract`, () => {
    it('every preset validates', () => {
      for (const preset of def.presets) expect(() => checkAll(def.schema, presetParams(def, preset.name)), preset.name).not.toThrow();
      expect(def.presets.map((p) => p.name)).toContain(def.defaultPreset);
    });

    it('export → import is bit-identical, and the resumed run stays bit-identical', async () => {
      const a = await def.create(ctx, small(def));
      a.step(7);
      const saved = await a.exportState();
      const b = await def.create(ctx, saved.params);
      await b.importState(stripped(saved));
      expect(await b.exportState()).toEqual(saved);
      a.step(5);
      b.step(5);
      expect(await b.exportState()).toEqual(await a.exportState());
      a.dispose();
      b.dispose();
    });

    // A NaN that arises in a run becomes a sample's problem: each system's own tests provoke one
    // on the GPU (test/mips/state.test.ts, test/tokens/system.test.ts). Files never carry one there.
    it('a state file with a NaN is refused, naming the buffer, and the run is unchanged', async () => {
      const sim = await def.create(ctx, small(def));
      sim.step(2);
      const before = await sim.exportState();
      for (const [name, b] of Object.entries(before.buffers)) {
        if (b.type !== 'f32' || b.length === 0) continue;
        const state = stripped(before);
        const data = decodeBuffer(name, b, b.length) as Float32Array;
        data[0] = NaN;
        state.buffers[name] = encodeBuffer(data);
        const error = await sim.importState(state).then(() => undefined, (e: unknown) => e as Error & { field?: string });
        expect(error?.field, `a NaN in buffer ${name} was accepted`).toBe(`buffers.${name}`);
        expect(error!.message).not.toMatch(/[\r\n]/);
      }
      expect(await sim.exportState()).toEqual(before);
      sim.dispose();
    });

    it('samples carry only declared metrics; plots name only declared metrics and sampled histograms', async () => {
      const sim = await def.create(ctx, small(def));
      sim.step(3);
      const s = await sim.sample();
      const declared = new Set(def.metrics.map((m) => m.name));
      expect(Object.keys(s.scalars).filter((k) => !declared.has(k))).toEqual([]);
      for (const plot of def.plots) {
        if (plot.kind === 'series') {
          for (const y of plot.y) expect(declared.has(y), `${plot.id}: ${y}`).toBe(true);
          if (plot.x && plot.x !== 'time' && plot.x !== 'step') expect(declared.has(plot.x), `${plot.id}: ${plot.x}`).toBe(true);
        }
        if (plot.kind === 'histogram' || plot.kind === 'histogram-time') expect(s.histograms?.[plot.histogram], plot.id).toBeDefined();
      }
      sim.dispose();
    });

    it('a rebuild parameter restarts the run exactly as a fresh system; a live one keeps it', async () => {
      const p = small(def);
      const sim = await def.create(ctx, p);
      const checked: string[] = [];
      for (const spec of def.schema.specs) {
        const value = otherValue(def, p, spec);
        if (value === undefined) continue;
        const next = { ...p, [spec.name]: value };
        sim.step(3);
        await sim.setParams(next);
        if (spec.rebuild) {
          const fresh = await def.create(ctx, next);
          expect(stripped(await sim.exportState()), `${spec.name} → ${String(value)}`).toEqual(stripped(await fresh.exportState()));
          fresh.dispose();
        } else {
          expect(sim.stepCount, `${spec.name} is live: the run goes on`).toBeGreaterThan(0);
        }
        await sim.setParams(p);
        await sim.reset();
        checked.push(spec.name);
      }
      expect(checked.length).toBeGreaterThan(def.schema.specs.length / 2);
      sim.dispose();
    });
  });
}

// Every tool a system or its model offers, run as a user would with `--json` on its quick
// settings (and the input files it makes for them): exit 0 and exactly one JSON object on stdout
// (progress and notes go to stderr).
describe.each(offers().map((o) => [`${o.verb} ${o.name}`, o] as const))('tool %s', (_, offer) => {
  it('answers --json with one object', async () => {
    const { tool } = offer;
    const base = join(tmp, `${offer.verb}-${offer.name}`);
    const set = Object.entries(tool.quick.set).flatMap(([k, v]) => ['--set', `${k}=${v}`]);
    const steps = tool.quick.steps === undefined ? [] : ['--steps', String(tool.quick.steps)];
    const count = tool.quick.count === undefined ? [] : ['--count', String(tool.quick.count)];
    const out = tool.out?.required ? ['--out', `${base}${tool.out.ext}`] : [];
    const inputs = Object.entries((await tool.quick.inputs?.()) ?? {}).flatMap(([option, bytes]) => {
      writeFileSync(`${base}.${option}`, bytes);
      return [`--${option}`, `${base}.${option}`];
    });
    const r = labProcess([offer.verb, offer.name, ...set, ...steps, ...count, ...out, ...inputs, '--json'], {}, 300_000);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines, 'one line on stdout').toHaveLength(1);
    const report: unknown = JSON.parse(lines[0]!);
    expect(typeof report === 'object' && report !== null && !Array.isArray(report), lines[0]).toBe(true);
  }, 300_000);
});
