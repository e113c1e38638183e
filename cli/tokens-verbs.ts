// `lab convergence tokens` and `lab bench tokens`.
import { measureConvergence } from '../src/sims/tokens/convergence';
import { benchTokens } from '../src/sims/tokens/bench';
import { BENCH_TOKEN_NS, type Verb } from './verbs';

export const convergenceVerb: Verb = async (ctx, { params, args }) => {
  const result = await measureConvergence(ctx, params);
  if (args.json) console.log(JSON.stringify(result));
  else {
    console.log('scheme         dt          error');
    for (const r of result.rows) console.log(`${r.scheme.padEnd(14)} ${r.dt.toExponential(3)}  ${r.error.toExponential(3)}`);
    console.log('fitted orders:', Object.entries(result.orders).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', '));
    for (const note of result.notes) console.log(`note: ${note}`);
  }
  return 0;
};

/** Attention throughput for n = 256, 1024, 4096 (or the one n given with --set n=) at d = 64, 4 heads unless set (verbs.ts). */
export const benchTokensVerb: Verb = async (ctx, { params, args }) => {
  const d = params.d as number;
  const heads = params.heads as number;
  const ns = 'n' in args.set ? [params.n as number] : BENCH_TOKEN_NS;
  const rows = [];
  for (const n of ns) {
    const r = await benchTokens(ctx, { n, d, heads, reps: args.steps ?? 1 });
    rows.push(r);
    if (!args.json) {
      console.log(
        `n=${n} d=${d}: fused ${r.fusedAttentionMs.toFixed(1)} ms, unfused ${r.unfusedAttentionMs.toFixed(1)} ms ` +
          `(ratio ${r.ratio.toFixed(2)}), ${r.tokensSq_d_perSecond.toExponential(2)} tokens²·d/s, layer ${r.layerStepMs.toFixed(1)} ms`,
      );
    }
  }
  if (args.json) console.log(JSON.stringify({ system: 'tokens', rows }));
  return 0;
};
