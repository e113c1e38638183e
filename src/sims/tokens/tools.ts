// The tokens system's headless verbs beyond `run`: `lab convergence tokens` and `lab bench tokens`.
import { ParamError, withValues, type Params } from '../params';
import type { SimTool, ToolResult } from '../tools';
import { benchTokens } from './bench';
import { measureConvergence } from './convergence';
import { schema, type TokenParams } from './params';
import { shippedPair } from './trained/frames';
import { parseTrainedInput } from './trained/input';
import { layerStepSizes, solverGapCurves, solverGapOfPair } from './trained/measures';

/** A trained network's layers as ODE steps: both networks' solver gaps and step sizes (--preset trained-sort|trained-charlm). */
async function trainedConvergence(p: TokenParams, advance?: (done: number, total: number, unit: string) => void): Promise<ToolResult> {
  const input = parseTrainedInput(p.trainedTask, p.text);
  if (typeof input === 'string') throw new Error(input); // the schema refused it already
  const nets = await shippedPair(p.trainedTask);
  const rows = await solverGapOfPair(nets, input, (done, total) => advance?.(done, total, 'layers'));
  const curves = solverGapCurves(rows);
  const stepSizes = Object.fromEntries(Object.values(nets).map((net) => [net.cfg.arch, layerStepSizes(net, input)]));
  const text = [`${p.trainedTask} networks on ${JSON.stringify(p.text)}: each layer's splitting, refined with its own weights, against the RK4 flow of its sub-flows`];
  text.push('network layer   step |Δx|/|x|   gap n=1 (the network)   gap n=32   fitted order');
  for (const c of curves) {
    const [arch, , l] = c.label.split(' ');
    const step = stepSizes[arch!]![Number(l) - 1]!;
    text.push(`${c.label.padEnd(17)} ${step.toExponential(3).padEnd(15)} ${c.y[0]!.toExponential(3).padEnd(23)} ${c.y.at(-1)!.toExponential(3).padEnd(10)} ${c.slope!.toFixed(2)}`);
  }
  return { report: { system: 'tokens', task: p.trainedTask, text: p.text, rows, orders: Object.fromEntries(curves.map((c) => [c.label, c.slope])), stepSizes }, text };
}

export const convergenceTool: SimTool = {
  verb: 'convergence',
  summary: 'error vs step size for lie/strang × euler/rk4, with fitted orders (preset convergence); a trained network\'s layers against their ODE flow (preset trained-sort, trained-charlm)',
  options: [],
  preset: 'convergence',
  quick: { set: { n: '4', d: '4' } },
  async run({ ctx, advance }, { params }) {
    const p = schema.typed(params);
    if (p.weights === 'trained') return trainedConvergence(p, advance);
    const result = await measureConvergence(ctx, params, { progress: (done, total) => advance?.(done, total, 'layer steps') });
    const text = ['scheme         dt          error'];
    for (const r of result.rows) text.push(`${r.scheme.padEnd(14)} ${r.dt.toExponential(3)}  ${r.error.toExponential(3)}`);
    text.push(`fitted orders: ${Object.entries(result.orders).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', ')}`);
    for (const note of result.notes) text.push(`note: ${note}`);
    return { report: { ...result }, text };
  },
};

/** Token counts of `bench tokens` unless --set n= names one. */
export const BENCH_TOKEN_NS = [256, 1024, 4096];

/** bench tokens runs at d = 64, 4 heads unless set: the pair must pass the schema's rules (d divisible by heads). */
function benchParams(params: Params, explicit: ReadonlySet<string>): Params {
  const shape = { d: explicit.has('d') ? params.d : 64, heads: explicit.has('heads') ? params.heads : 4 };
  try {
    for (const n of explicit.has('n') ? [] : BENCH_TOKEN_NS) withValues(schema, params, { ...shape, n });
    return withValues(schema, params, shape);
  } catch (e) {
    if (e instanceof ParamError) throw new ParamError(e.field, `${e.message} (bench tokens runs at d = 64, heads = 4, n = ${BENCH_TOKEN_NS.join('|')} unless --set)`);
    throw e;
  }
}

export const benchTool: SimTool = {
  verb: 'bench',
  summary: `fused vs unfused attention and a layer step at n = ${BENCH_TOKEN_NS.join(', ')}, d = 64, 4 heads (TF.js/ORT ratios: bench/)`,
  options: ['steps'],
  prepare: benchParams,
  quick: { set: { n: '64', d: '16', heads: '2' }, steps: 1 },
  async run({ ctx, advance }, { params, explicit, steps }) {
    const { n, d, heads } = schema.typed(params);
    const ns = explicit.has('n') ? [n] : BENCH_TOKEN_NS;
    const rows = [];
    const text: string[] = [];
    for (const [i, size] of ns.entries()) {
      advance?.(i, ns.length, 'sizes');
      const r = await benchTokens(ctx, { n: size, d, heads, reps: steps ?? 1 });
      rows.push(r);
      text.push(
        `n=${size} d=${d}: fused ${r.fusedAttentionMs.toFixed(1)} ms, unfused ${r.unfusedAttentionMs.toFixed(1)} ms ` +
          `(ratio ${r.ratio.toFixed(2)}), ${r.tokensSq_d_perSecond.toExponential(2)} tokens²·d/s, layer ${r.layerStepMs.toFixed(1)} ms`,
      );
    }
    return { report: { system: 'tokens', rows }, text };
  },
};
