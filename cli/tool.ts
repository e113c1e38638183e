// `lab <verb> <name>` for a system's or a model's tool: runs it on the checked plan, writes the
// files it hands back (each on its own), prints its report (`--json`: one object) and exits.
import type { GpuContext } from '../src/gpu/context';
import type { Keep } from '../src/sims/tools';
import { writeOutputs, type Output } from './outputs';
import type { Plan } from './plan';
import type { Progress } from './progress';

/** A report as `key value` lines (objects as JSON). */
function reportLines(report: Record<string, unknown>): string[] {
  return Object.entries(report).map(([k, v]) => `${k.padEnd(14)} ${typeof v === 'object' ? JSON.stringify(v) : v}`);
}

export async function runTool(ctx: GpuContext, plan: Plan, keep: Keep, progress: Progress): Promise<number> {
  const { args, tool } = plan;
  const result = await tool!.run(
    { ctx, keep, progress: (line) => progress.line(line), advance: (done, total, unit) => progress.update(done, total, unit) },
    {
      def: plan.def, params: plan.params, preset: plan.preset, explicit: plan.explicit, steps: args.steps, count: args.count,
      inputs: plan.inputs, resume: plan.resume, weights: plan.weights, settings: plan.settings,
    },
  );
  progress.end();
  const outputs: Output[] = [];
  const out = result.files?.out;
  const state = result.files?.state;
  if (args.out && out) outputs.push({ flag: '--out', path: args.out, data: out });
  if (args.state && state) outputs.push({ flag: '--state', path: args.state, data: state });
  const failed = await writeOutputs(outputs);
  for (const line of failed) console.error(`error: ${line}`);
  if (result.problem) {
    console.error(`error: ${result.problem}${outputs.length > failed.length ? '; the outputs were written' : ''}`);
    return 3;
  }
  for (const note of result.notes ?? []) console.error(`note: ${note}`);
  const report = args.out ? { ...result.report, out: args.out } : result.report;
  if (args.json) console.log(JSON.stringify(report));
  else console.log((result.text ?? reportLines(report)).join('\n'));
  return failed.length > 0 ? 1 : 0;
}
