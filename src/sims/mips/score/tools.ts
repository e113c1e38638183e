// The score network's headless verbs: `lab train mips` (online training, writes the weights
// file) and `lab bench score` (training throughput and inference time).
import { OnlineTrainer } from '../../../nn/trainable';
import { defineSchema, withValues, type Params } from '../../params';
import type { SimTool, ToolResult } from '../../tools';
import { nonFiniteMetric } from '../../metrics';
import { schema } from '../params';
import type { MipsSimulation } from '../simulation';
import { benchScore, type ScoreBenchResult } from './bench';
import { SCORE_TINY, settingsFromParams, settingsToParams } from './config';
import { CONVERGENCE_METRICS } from './convergence';
import { modelFromWeights, ScoreModel } from './model';

/** score.warmup: sim steps before training starts (a setting of train, not of the network). */
const TRAIN_EXTRA = defineSchema([
  { kind: 'number', name: 'score.warmup', label: 'warm-up', unit: 'steps', description: 'Sim steps before training.', default: 0, min: 0, max: 1e9, integer: true },
]);

/** Tiny network settings as `--set` text, for runs on a software adapter. */
const TINY_SET = Object.fromEntries(Object.entries(settingsToParams({ ...SCORE_TINY, batch: 64 })).map(([k, v]) => [k, String(v)]));

const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;

export const trainTool: SimTool = {
  verb: 'train',
  summary: 'train the score network headless (writes --out weights.safetensors; --weights continues a file)',
  options: ['steps', 'out', 'state', 'resume', 'weights'],
  out: { ext: '.safetensors', required: true },
  settings: { extra: TRAIN_EXTRA.specs },
  quick: { set: { n: '64', ...TINY_SET }, steps: 8 },
  async run({ ctx, keep, progress: say, advance }, input): Promise<ToolResult> {
    const { def, preset } = input;
    const steps = input.steps ?? 2000;
    const settings = input.settings!;
    const warmup = TRAIN_EXTRA.typed(settings)['score.warmup'];
    const sim = keep((await def.create(ctx, input.params)) as MipsSimulation);
    if (input.resume) await sim.importState(input.resume);
    for (let done = 0; done < warmup; done += 1000) {
      sim.step(Math.min(1000, warmup - done));
      await sim.sample();
    }
    // Continue from the file's weights (and its settings), or start a new network.
    const model = keep(input.weights ? await modelFromWeights(sim, input.weights) : new ScoreModel(sim, settingsFromParams(settings)));
    sim.attach(model);
    const trainer = new OnlineTrainer(model);
    const every = Math.max(1, Math.floor(steps / 20));
    let next = model.steps + every;
    const progress = await trainer.run(model.steps + steps, async (p) => {
      advance?.(p.steps, p.total, 'training steps');
      if (p.steps < next && p.steps < p.total) return;
      next += every;
      const s = await sim.sample();
      say(`step ${p.steps}/${p.total} loss ${p.smoothLoss.toFixed(4)} eprLearned ${s.scalars.eprLearned?.toPrecision(4)} ` +
        `eprScoreFree ${s.scalars.eprScoreFree?.toPrecision(4)} sim step ${sim.stepCount} ${p.samplesPerS.toFixed(0)} samples/s ETA ${p.etaS.toFixed(0)} s`);
    });
    // Final estimate: average over a few snapshots spaced by the training chunks' sim steps.
    const learned: number[] = [];
    const scoreFree: number[] = [];
    let problem: string | undefined;
    let last: Record<string, number> = {};
    for (let r = 0; r < 5 && !problem; r++) {
      sim.step(Math.max(1, model.settings.simStepsPerChunk * 5));
      const s = await sim.sample();
      last = s.scalars;
      problem = s.problem ?? nonFiniteMetric(s);
      learned.push(s.scalars.eprLearned!);
      scoreFree.push(s.scalars.eprScoreFree!);
    }
    const bytes = await model.save({ preset, simStep: sim.stepCount });
    const files = { out: () => bytes, state: async () => JSON.stringify(await sim.exportState()) };
    if (problem) return { report: {}, files, problem: `${problem} (after ${progress.steps} training steps)` };
    const report = {
      system: def.id, preset, bytes: bytes.length, steps: progress.steps,
      loss: progress.smoothLoss, seconds: progress.elapsedS, samplesPerS: progress.samplesPerS, simStep: sim.stepCount,
      eprLearned: mean(learned), eprScoreFree: mean(scoreFree),
      // The convergence check of the last estimate (convergence.ts), beside the learned EPR.
      ...Object.fromEntries(CONVERGENCE_METRICS.map((m) => [m.name, last[m.name]])),
      settings: model.settings, adapter: ctx.adapterName,
    };
    const notes = last.eprLearnedConverged === 0
      ? [`the network is not converged: the learned EPR and its divergence form differ by ${last.eprLearnedGap?.toFixed(3)} ± ${last.eprLearnedGapErr?.toFixed(3)} (relative); train longer`]
      : [];
    return { report, notes, files };
  },
};

/** Sizes of `bench score` unless --set n= names one. */
export const BENCH_SCORE_NS = [4096, 16384];

export const benchScoreTool: SimTool = {
  verb: 'bench',
  summary: `score-network training throughput and inference time at n = ${BENCH_SCORE_NS.join(', ')} (boffi-mips; TF.js ratio: bench/score.bench.ts)`,
  options: ['steps'],
  preset: 'boffi-mips',
  settings: { extra: [] },
  quick: { set: { n: '64', ...TINY_SET }, steps: 2 },
  async run({ ctx, progress }, input): Promise<ToolResult> {
    const { def, params } = input;
    const settings = settingsFromParams(input.settings!);
    const sizes = input.explicit.has('n') ? [schema.typed(params).n] : BENCH_SCORE_NS;
    const results: ScoreBenchResult[] = [];
    const text: string[] = [];
    for (const n of sizes) {
      const p: Params = withValues(def.schema, params, { n });
      // On a CPU adapter one evaluation over N = 16384 takes minutes: time one (after the cold one).
      const r = await benchScore(ctx, p, settings, input.steps ?? (ctx.software ? 5 : 50), ctx.software ? 1 : 20);
      results.push(r);
      progress(`score n=${n}: ${r.particleSamplesPerSecond.toFixed(0)} particle-samples/s, inference ${r.inferenceMs.toFixed(0)} ms (first, cold: ${r.firstInferenceMs.toFixed(0)} ms)`);
      text.push(`score n=${n}: training ${r.particleSamplesPerSecond.toFixed(0)} particle-samples/s (${r.trainMsPerStep.toFixed(1)} ms/step, batch ${r.batch}); inference ${r.inferenceMs.toFixed(1)} ms per evaluation of all particles`);
    }
    const tfjs = 'ratio vs TensorFlow.js (CPU backend): SCORE_N=… npx vitest run -c bench/score-bench.config.ts';
    return { report: { bench: 'score', adapter: ctx.adapterName, settings, results, tfjs }, text: [...text, tfjs] };
  },
};
