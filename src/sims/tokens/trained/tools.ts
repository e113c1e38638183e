// Headless verbs of the tokens networks: `lab train tokens` (one network, written as
// safetensors) and `lab compare tokens` (standard against Macaron over seeds). Both read
// `--set net.KEY=V` (settings.ts) and `--steps` (training steps).
import type { SimTool, ToolResult } from '../../tools';
import { compareArchitectures } from './compare';
import { NET_PREFIX, NET_SCHEMA, netSettings, seedsOf, SEEDS_SCHEMA } from './settings';
import { TokenNet } from './token-net';

/** Evaluations per run: the training steps between two are steps / EVALUATIONS. */
const EVALUATIONS = 20;
const chunkOf = (steps: number) => Math.max(1, Math.floor(steps / EVALUATIONS));
const QUICK = { 'net.width': '16', 'net.heads': '2', 'net.layers': '1', 'net.context': '6', 'net.vocab': '6', 'net.batch': '8', 'net.validation': '8' };

/** Bits per character for the language model, nats otherwise. */
const lossText = (task: string, loss: number) => (task === 'charlm' ? `${(loss / Math.LN2).toFixed(4)} bits/char` : `${loss.toFixed(4)} nats`);

export const trainNetTool: SimTool = {
  verb: 'train',
  summary: 'train a tokens network on the sort or character-LM task (--set net.task=sort|charlm net.arch=standard|macaron; --out weights.safetensors)',
  options: ['steps', 'out'],
  out: { ext: '.safetensors', required: true },
  settings: { extra: [], prefix: NET_PREFIX, schema: NET_SCHEMA },
  quick: { set: QUICK, steps: 4 },
  async run({ ctx, keep, progress, advance }, input): Promise<ToolResult> {
    const steps = input.steps ?? 2000;
    const net = keep(await TokenNet.create(ctx.device, netSettings(input.settings!, chunkOf(steps))));
    const t0 = performance.now();
    let e = await net.evaluate();
    while (net.steps < steps) {
      const s = await net.trainChunk();
      e = await net.evaluate();
      advance?.(net.steps, steps, 'training steps');
      progress(`step ${net.steps}/${steps} train loss ${s.loss.toFixed(4)} held-out ${lossText(net.settings.task, e.loss)} accuracy ${e.accuracy.toFixed(4)}`);
    }
    const seconds = (performance.now() - t0) / 1000;
    const bytes = await net.save({ validation: e });
    const report = {
      system: 'tokens', task: net.settings.task, arch: net.settings.arch, parameters: net.params.layout.count, steps: net.steps,
      validationLoss: e.loss, ...(net.settings.task === 'charlm' ? { bitsPerChar: e.loss / Math.LN2 } : {}), accuracy: e.accuracy,
      seconds, sequencesPerS: (net.steps * net.samplesPerStep) / seconds, settings: net.settings, adapter: ctx.adapterName,
    };
    return { report, files: { out: () => bytes } };
  },
};


export const compareTool: SimTool = {
  verb: 'compare',
  summary: 'standard against Macaron: both trained from the same seeds and batches; curves, final held-out loss and accuracy, paired difference ± standard error',
  options: ['steps', 'out'],
  out: { ext: '.json', required: false },
  settings: { extra: SEEDS_SCHEMA.specs, prefix: NET_PREFIX, schema: NET_SCHEMA },
  quick: { set: { ...QUICK, 'net.seeds': '2' }, steps: 2 },
  async run({ ctx, advance }, input): Promise<ToolResult> {
    const steps = input.steps ?? 2000;
    const settings = input.settings!;
    const base = netSettings(settings, chunkOf(steps));
    const seeds = seedsOf(settings);
    const c = await compareArchitectures(ctx.device, base, seeds, steps, (done, total) => advance?.(done, total, 'chunks'));
    const f = c.final;
    const pm = (m: number, s: number, digits = 4) => `${m.toFixed(digits)} ± ${s.toFixed(digits)}`;
    const text = [
      `${c.task}, ${seeds.length} seeds, ${steps} steps; parameters: standard ${c.parameters.standard}, macaron ${c.parameters.macaron}`,
      `                 held-out loss (nats)       accuracy`,
      `standard         ${pm(f.standard.loss, f.standard.lossStd).padEnd(26)} ${pm(f.standard.accuracy, f.standard.accuracyStd)}`,
      `macaron          ${pm(f.macaron.loss, f.macaron.lossStd).padEnd(26)} ${pm(f.macaron.accuracy, f.macaron.accuracyStd)}`,
      `macaron − std    ${pm(c.difference.loss.mean, c.difference.loss.stdErr).padEnd(26)} ${pm(c.difference.accuracy.mean, c.difference.accuracy.stdErr)}   (paired by seed, ± standard error)`,
    ];
    return { report: { system: 'tokens', ...c, settings: base, adapter: ctx.adapterName }, text, files: { out: () => JSON.stringify({ ...c, settings: base }, null, 2) } };
  },
};
