// The tokens system's headless verbs beyond `run`: `lab convergence tokens` and `lab bench tokens`.
import { ParamError, withValues, type Params } from '../params';
import type { SimTool } from '../tools';
import { benchTokens } from './bench';
import { measureConvergence } from './convergence';
import { schema } from './params';

export const convergenceTool: SimTool = {
  verb: 'convergence',
  summary: 'error vs step size for lie/strang × euler/rk4, with fitted orders (preset convergence)',
  options: [],
  preset: 'convergence',
  quick: { set: { n: '4', d: '4' } },
  async run({ ctx, advance }, { params }) {
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
