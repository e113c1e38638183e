// Scaling of the mips WCA step with N, side by side with LAMMPS on the same cores, as ratios.
// Usage: npm run --silent bench:mips [-- 4096 16384 65536 262144 1048576]
import { createNodeContext } from '../src/gpu/node';
import { presetParams } from '../src/sims/config';
import { withValues } from '../src/sims/params';
import { mipsSystem } from '../src/sims/mips/index';
import { benchMips } from '../src/sims/mips/bench';
import { defaultBenchSteps } from '../cli/bench-mips';
import { lammpsAvailable, runLammps } from './lammps';

const sizes = process.argv.slice(2).map(Number);
const ns = sizes.length > 0 ? sizes : [4096, 16384, 65536, 262144, 1048576];
const ctx = await createNodeContext();
const haveLammps = lammpsAvailable();
const rows = [];
for (const n of ns) {
  const params = withValues(mipsSystem.schema, presetParams(mipsSystem, 'abp-mips'), { n, force: 'wca', phi: 0.5 });
  const ours = await benchMips(ctx, params, { steps: defaultBenchSteps(n) });
  const lammps = haveLammps ? runLammps(n, Math.max(100, Math.ceil(2e7 / n))) : undefined;
  rows.push({
    n,
    particleStepsPerSecond: ours.particleStepsPerSecond,
    kernelMs: ours.kernelMs,
    lammpsParticleStepsPerSecond: lammps?.particleStepsPerSecond ?? null,
    ratioOursOverLammps: lammps ? ours.particleStepsPerSecond / lammps.particleStepsPerSecond : null,
  });
}
const first = rows[0]!.particleStepsPerSecond;
console.log(
  JSON.stringify(
    {
      adapter: ctx.adapterName,
      lammps: haveLammps ? 'Debian lammps, mpirun on all cores, lj/cut 2^(1/6) shifted, nve+langevin' : 'not installed (apt-get install lammps)',
      rows: rows.map((r) => ({ ...r, flatnessVsFirst: r.particleStepsPerSecond / first })),
    },
    null,
    1,
  ),
);
ctx.device.destroy();
process.exit(0);
