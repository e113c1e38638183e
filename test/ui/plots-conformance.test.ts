// Every plot of every preset of every registered system draws: after a few steps and samples,
// each plot shown for those params has at least one point. Curves come from on-demand actions
// (a convergence study takes minutes on SwiftShader for the larger presets): they are run and
// checked on the preset with the fewest particles, and elsewhere show their "run the action" prompt. The points are counted by plot-data.ts, the same data the lab's plots draw,
// so a plot that would stay at "waiting for samples…" fails here (the tokens time series did:
// they plotted x = 'time', which was looked up among the scalars).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GpuContext } from '../../src/gpu/context';
import { createNodeContext } from '../../src/gpu/node';
import { presetParams } from '../../src/sims/config';
import { MetricLog } from '../../src/sims/metrics';
import { withValues } from '../../src/sims/params';
import { listSystems } from '../../src/sims/registry';
import type { SimDefinition } from '../../src/sims/types';
import { pointCount } from '../../src/ui/plots/plot-data';
import '../../src/sims/index';

let ctx: GpuContext;
beforeAll(async () => {
  ctx = await createNodeContext();
});
afterAll(() => ctx?.device.destroy());

/** A preset at small N where the system has an `n` (SwiftShader speed; no plot depends on N). */
function smallParams(def: SimDefinition, preset: string) {
  const p = presetParams(def, preset);
  const n = def.schema.specs.find((s) => s.name === 'n');
  return n?.kind === 'number' ? withValues(def.schema, p, { n: Math.min(p.n as number, Math.max(n.min, 256)) }) : p;
}

/** The preset with the fewest particles (where the actions run). */
function smallestPreset(def: SimDefinition): string {
  const size = (name: string) => Number(smallParams(def, name).n ?? 0);
  return def.presets.map((p) => p.name).reduce((a, b) => (size(b) < size(a) ? b : a));
}

for (const def of listSystems()) {
  describe(`${def.id}: every plot draws`, () => {
    const withActions = smallestPreset(def);
    for (const preset of def.presets) {
      it(preset.name, async () => {
        const params = smallParams(def, preset.name);
        const sim = await def.create(ctx, params);
        const log = new MetricLog(def.id);
        log.push(await sim.sample());
        for (let i = 0; i < 3; i++) {
          sim.step(4);
          log.push(await sim.sample());
        }
        if (preset.name === withActions) {
          for (const action of sim.actions ?? []) {
            await action.run();
            sim.step(4); // an action may restart the run (showers: a new seed)
            log.push(await sim.sample());
          }
        }
        const shown = def.plots.filter((p) => (p.shown?.(params) ?? true) && (p.kind !== 'curves' || preset.name === withActions));
        const empty = shown.filter((p) => pointCount(p, log.samples) === 0).map((p) => p.id);
        expect(empty, `plots with no point in ${def.id}/${preset.name}`).toEqual([]);
        sim.dispose();
      });
    }
  });
}
