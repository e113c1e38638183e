// `lab bench mips`: particle-steps per second and the per-kernel split, as one JSON object.
import { benchMips } from '../src/sims/mips/bench';
import type { Verb } from './verbs';

/** Enough particle-steps (~4M) for a stable rate, at least 40 steps (a few Verlet rebuilds). */
export function defaultBenchSteps(n: number): number {
  return Math.min(2000, Math.max(40, Math.ceil(4e6 / n)));
}

export const benchMipsVerb: Verb = async (ctx, { params, args }) => {
  const n = params.n as number;
  const result = await benchMips(ctx, params, { steps: args.steps ?? defaultBenchSteps(n) });
  const out = { system: 'mips', force: params.force, phi: params.phi, model: params.model, ...result };
  if (args.json) console.log(JSON.stringify(out));
  else {
    console.log(`mips n=${n}: ${result.particleStepsPerSecond.toExponential(3)} particle-steps/s (${result.steps} steps in ${result.seconds.toFixed(2)} s)`);
    for (const [k, ms] of Object.entries(result.kernelMs)) console.log(`  ${k.padEnd(26)} ${ms.toFixed(3)} ms/step`);
    const list = result.neighbourList;
    if (list) {
      const per = list.msPerRebuild === null ? '' : `, ${list.msPerRebuild.toFixed(1)} ms each`;
      const every = list.stepsPerRebuild === null ? '' : ` (every ${list.stepsPerRebuild.toFixed(1)}${per})`;
      console.log(`  Verlet list, skin ${list.skin}: ${list.rebuilds} rebuilds in ${result.steps} steps${every}; at most ${list.most} of ${list.capacity} neighbour slots used`);
    }
  }
  return 0;
};
