// Discretisation bias of the passive WCA fluid (the passive-wca preset's physics: φ = 0.5,
// kT = Dt = ε = 1) against dt, for the Euler–Maruyama (em) and Leimkuhler–Matthews (lm) noise
// schemes: T_conf/kT (1 for exact samples) and the score-free EPR (0 for exact samples), as JSON.
// Each run: warm-up for time `warm` from the lattice, then `samples` samples spread over time
// `time`; mean ± standard error from 10 block means. A run that goes non-finite is reported as such.
// Usage: node --import tsx --import ./cli/register-loaders.mjs bench/mips-passive-bias.ts
//          [--n 256] [--dt 5e-5,1e-4,2e-4] [--time 2] [--warm 0.2] [--samples 100] [--seed 3]
import { createNodeContext } from '../src/gpu/node';
import { presetParams } from '../src/sims/config';
import { withValues } from '../src/sims/params';
import { mipsSystem, MipsSimulation } from '../src/sims/mips';
import { blockEstimate } from '../src/sims/mips/block-stats';

const argv = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1]! : fallback;
};
const n = Number(arg('n', '256'));
const dts = arg('dt', '5e-5,1e-4,2e-4').split(',').map(Number);
const time = Number(arg('time', '2'));
const warm = Number(arg('warm', '0.2'));
const samples = Number(arg('samples', '100'));
const seed = Number(arg('seed', '3'));
const schemes = arg('scheme', 'em,lm').split(',');

const ctx = await createNodeContext();
const rows = [];
for (const dt of dts) {
  for (const scheme of schemes) {
    const p = withValues(mipsSystem.schema, presetParams(mipsSystem, 'passive-wca'), { n, dt, scheme, seed });
    const sim = new MipsSimulation(ctx, p);
    const every = Math.max(1, Math.round(time / dt / samples));
    sim.step(Math.round(warm / dt));
    const tConf: number[] = [];
    const epr: number[] = [];
    let problem: string | undefined;
    for (let s = 0; s < samples && !problem; s++) {
      sim.step(every);
      const m = await sim.sample();
      problem = m.problem;
      tConf.push(m.scalars.tConf!);
      epr.push(m.scalars.eprScoreFree!);
    }
    const est = (xs: number[]) => {
      const e = blockEstimate(xs, 10);
      return { mean: e.mean, se: e.se };
    };
    rows.push(
      problem
        ? { dt, scheme, diverged: problem }
        : { dt, scheme, steps: sim.stepCount, tConfOverKT: est(tConf), eprScoreFree: est(epr) },
    );
    sim.dispose();
  }
}
console.log(JSON.stringify({ adapter: ctx.adapterName, n, phi: 0.5, kT: 1, time, warm, samples, seed, rows }, null, 1));
ctx.device.destroy();
process.exit(0);
