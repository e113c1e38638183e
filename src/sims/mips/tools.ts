// The active-matter system's headless verbs beyond `run`: `lab bench mips`.
import type { SimTool } from '../tools';
import { benchMips, defaultBenchSteps } from './bench';
import { schema } from './params';

export const benchTool: SimTool = {
  verb: 'bench',
  summary: 'particle-steps per second and the per-kernel split (LAMMPS ratio: bench/mips-scaling.ts)',
  options: ['steps'],
  quick: { set: { n: '256' }, steps: 10 },
  async run({ ctx }, { params, steps }) {
    const { n } = schema.typed(params);
    const result = await benchMips(ctx, params, { steps: steps ?? defaultBenchSteps(n) });
    const text = [`mips n=${n}: ${result.particleStepsPerSecond.toExponential(3)} particle-steps/s (${result.steps} steps in ${result.seconds.toFixed(2)} s)`];
    for (const [k, ms] of Object.entries(result.kernelMs)) text.push(`  ${k.padEnd(26)} ${ms.toFixed(3)} ms/step`);
    const list = result.neighbourList;
    if (list) {
      const per = list.msPerRebuild === null ? '' : `, ${list.msPerRebuild.toFixed(1)} ms each`;
      const every = list.stepsPerRebuild === null ? '' : ` (every ${list.stepsPerRebuild.toFixed(1)}${per})`;
      text.push(`  Verlet list, skin ${list.skin}: ${list.rebuilds} rebuilds in ${result.steps} steps${every}; at most ${list.most} of ${list.capacity} neighbour slots used`);
    }
    return { report: { system: 'mips', force: params.force, phi: params.phi, model: params.model, ...result }, text };
  },
};
