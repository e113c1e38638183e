// node --import tsx --import ./cli/register-loaders.mjs test/mips/scripts/bench.ts [n...] [--steps S] [k=v...]
import { createNodeContext } from '../../../src/gpu/node';
import { mipsSystem } from '../../../src/sims/mips';
import { benchMips } from '../../../src/sims/mips/bench';
import { presetParams } from '../../../src/sims/config';
import { withText } from '../../../src/sims/params';

const args = process.argv.slice(2);
const stepsIdx = args.indexOf('--steps');
const ns = args.filter((a, i) => /^\d+$/.test(a) && i !== stepsIdx + 1).map(Number);
const steps = stepsIdx >= 0 ? Number(args[stepsIdx + 1]) : 100;
const sets = Object.fromEntries(args.filter((a) => a.includes('=')).map((s) => s.split('=') as [string, string]));
const ctx = await createNodeContext();
for (const n of ns.length ? ns : [4096]) {
  const params = withText(mipsSystem.schema, presetParams(mipsSystem, 'abp-mips'), { force: 'wca', phi: '0.5', ...sets, n: String(n) });
  const r = await benchMips(ctx, params, { steps });
  const split = Object.entries(r.kernelMs).map(([k, v]) => `${k} ${v.toFixed(3)}`).join(', ');
  console.log(JSON.stringify({ n: r.n, steps: r.steps, seconds: +r.seconds.toFixed(3), particleStepsPerSecond: Math.round(r.particleStepsPerSecond), adapter: r.adapter }));
  console.log(`   ms/step: ${split}`);
}
process.exit(0);
