// Ad-hoc run: node --import tsx --import ./cli/register-loaders.mjs test/mips/scripts/smoke.ts [preset] [steps] [k=v...]
import { createNodeContext } from '../../../src/gpu/node';
import { mipsSystem } from '../../../src/sims/mips';
import { presetParams } from '../../../src/sims/config';
import { withText } from '../../../src/sims/params';

const [preset = 'abp-mips', stepsText = '1000', ...sets] = process.argv.slice(2);
const overrides = Object.fromEntries(sets.map((s) => s.split('=') as [string, string]));
const ctx = await createNodeContext();
const params = withText(mipsSystem.schema, presetParams(mipsSystem, preset), overrides);
const sim = await mipsSystem.create(ctx, params);
const total = Number(stepsText);
const chunk = Math.max(1, Math.floor(total / 10));
const t0 = performance.now();
for (let s = 0; s < total; s += chunk) {
  sim.step(Math.min(chunk, total - s));
  const m = await sim.sample();
  const h = m.histograms!.densityHistogram!.counts.join(' ');
  const sc = Object.entries(m.scalars).map(([k, v]) => `${k}=${v.toPrecision(4)}`).join(' ');
  console.log(`step ${m.step} t=${((performance.now() - t0) / 1000).toFixed(1)}s ${sc}${m.problem ? ' PROBLEM ' + m.problem : ''}\n   hist ${h}`);
}
sim.dispose();
process.exit(0);
