// Tuning of abp-mips: node ... test/mips/scripts/tune.ts steps every k=v...
import { createNodeContext } from '../../../src/gpu/node';
import { mipsSystem } from '../../../src/sims/mips';
import { presetParams } from '../../../src/sims/config';
import { withText } from '../../../src/sims/params';
const [stepsText = '3000', everyText = '500', ...sets] = process.argv.slice(2);
const ctx = await createNodeContext();
const params = withText(mipsSystem.schema, presetParams(mipsSystem, 'abp-mips'), Object.fromEntries(sets.map((s) => s.split('=') as [string, string])));
console.log(sets.join(' '));
const sim = await mipsSystem.create(ctx, params);
const t0 = performance.now();
for (let s = 0; s < Number(stepsText); s += Number(everyText)) {
  sim.step(Number(everyText));
  const m = await sim.sample();
  const h = m.histograms!.densityHistogram!.counts;
  console.log(`step ${m.step} wall ${((performance.now() - t0) / 1000).toFixed(0)}s cluster ${m.scalars.largestClusterFraction!.toFixed(3)} meanLocalPhi ${m.scalars.meanLocalDensity!.toFixed(3)} epr ${m.scalars.eprScoreFree!.toFixed(2)} ${m.problem ? 'PROBLEM' : ''}\n  hist ${h.join(' ')}`);
  if (m.problem) break;
}
process.exit(0);
