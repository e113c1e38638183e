// Scaling of the mips WCA step with N: the cell list rebuilt every step (skin = 0) and the Verlet
// list (the abp-mips preset's skin), side by side with LAMMPS on the same cores, as ratios.
// Usage: npm run --silent bench:mips [-- 4096 16384 65536 262144 1048576] [-- --skin 0.3]
import { createNodeContext } from '../src/gpu/node';
import { presetParams } from '../src/sims/config';
import { withValues } from '../src/sims/params';
import { mipsSystem } from '../src/sims/mips/index';
import { benchMips, defaultBenchSteps, type MipsBenchResult } from '../src/sims/mips/bench';
import { lammpsAvailable, runLammps } from './lammps';

const argv = process.argv.slice(2);
const skinAt = argv.indexOf('--skin');
const base = presetParams(mipsSystem, 'abp-mips');
const skin = skinAt >= 0 ? Number(argv[skinAt + 1]) : (base.skin as number);
const sizes = argv.filter((a, i) => /^\d+$/.test(a) && i !== skinAt + 1).map(Number);
const ns = sizes.length > 0 ? sizes : [4096, 16384, 65536, 262144, 1048576];
const ctx = await createNodeContext();
const haveLammps = lammpsAvailable();
const summary = (r: MipsBenchResult) => ({ particleStepsPerSecond: r.particleStepsPerSecond, kernelMs: r.kernelMs, neighbourList: r.neighbourList });
const rows = [];
for (const n of ns) {
  const at = (s: number) => withValues(mipsSystem.schema, base, { n, force: 'wca', phi: 0.5, skin: s });
  const cells = await benchMips(ctx, at(0), { steps: defaultBenchSteps(n) });
  const verlet = await benchMips(ctx, at(skin), { steps: defaultBenchSteps(n) });
  const lammps = haveLammps ? runLammps(n, Math.max(100, Math.ceil(2e7 / n))) : undefined;
  const vsLammps = (r: MipsBenchResult) => (lammps ? r.particleStepsPerSecond / lammps.particleStepsPerSecond : null);
  rows.push({
    n,
    cellList: summary(cells),
    verlet: summary(verlet),
    lammpsParticleStepsPerSecond: lammps?.particleStepsPerSecond ?? null,
    ratioVerletOverCellList: verlet.particleStepsPerSecond / cells.particleStepsPerSecond,
    ratioCellListOverLammps: vsLammps(cells),
    ratioVerletOverLammps: vsLammps(verlet),
  });
}
const first = rows[0]!.verlet.particleStepsPerSecond;
console.log(
  JSON.stringify(
    {
      adapter: ctx.adapterName,
      skin,
      lammps: haveLammps ? 'Debian lammps, mpirun on all cores, lj/cut 2^(1/6) shifted, nve+langevin, neighbor 0.3 bin' : 'not installed (apt-get install lammps)',
      rows: rows.map((r) => ({ ...r, verletFlatnessVsFirst: r.verlet.particleStepsPerSecond / first })),
    },
    null,
    1,
  ),
);
ctx.device.destroy();
process.exit(0);
