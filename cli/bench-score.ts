// `lab bench score`: score-network training throughput and inference time at N = 4096 and
// 16384 (boffi-mips unless --preset/--set say otherwise), as one JSON object. The TensorFlow.js
// comparison needs Vite's ESM resolution and runs under vitest: bench/score.bench.ts.
import { withValues } from '../src/sims/params';
import { mipsSystem } from '../src/sims/mips';
import { benchScore, type ScoreBenchResult } from '../src/sims/mips/score/bench';
import type { Verb } from './verbs';

export const benchScoreVerb: Verb = async (ctx, plan) => {
  const { args, params } = plan;
  const settings = plan.score!; // strictly parsed in plan.ts
  const sizes = args.set.n ? [params.n as number] : [4096, 16384];
  const results: ScoreBenchResult[] = [];
  for (const n of sizes) {
    const p = withValues(mipsSystem.schema, params, { n });
    // On a CPU adapter one evaluation over N = 16384 takes minutes: time one (after the cold one).
    const r = await benchScore(ctx, p, settings, args.steps ?? (ctx.software ? 5 : 50), ctx.software ? 1 : 20);
    results.push(r);
    console.error(`score n=${n}: ${r.particleSamplesPerSecond.toFixed(0)} particle-samples/s, inference ${r.inferenceMs.toFixed(0)} ms (first, cold: ${r.firstInferenceMs.toFixed(0)} ms)`);
    if (!args.json) {
      console.log(`score n=${n}: training ${r.particleSamplesPerSecond.toFixed(0)} particle-samples/s (${r.trainMsPerStep.toFixed(1)} ms/step, batch ${r.batch}); inference ${r.inferenceMs.toFixed(1)} ms per evaluation of all particles`);
    }
  }
  const out = {
    bench: 'score', adapter: ctx.adapterName, settings, results,
    tfjs: 'ratio vs TensorFlow.js (CPU backend): SCORE_N=… npx vitest run -c bench/score-bench.config.ts',
  };
  if (args.json) console.log(JSON.stringify(out));
  else console.log(out.tfjs);
  return 0;
};
