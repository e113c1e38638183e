// Verbs beyond `run` and `bench`, keyed by name: convergence, train; and the bench targets.
import type { GpuContext } from '../src/gpu/context';
import { quote } from '../src/quote';
import { ParamError, withValues, type Params } from '../src/sims/params';
import type { SimDefinition } from '../src/sims/types';
import { UsageError, type CliArgs } from './args';
import type { Plan } from './plan';
import type { Keep } from './session';

/** A verb runs a checked plan; what it creates on the device goes to `keep` (torn down on every exit). */
export type Verb = (ctx: GpuContext, plan: Plan, keep: Keep) => Promise<number>;

/** What `lab bench NAME` measures: a system's step, or the score network (trained on mips). */
export interface BenchTarget {
  name: string;
  system: string;
  preset?: string;
  /** The params the bench really runs with, validated by the schema (before the GPU is set up). */
  params?: (def: SimDefinition, params: Params, args: CliArgs) => Params;
  load: () => Promise<Verb>;
}

/** Token sizes of `bench tokens` unless --set n= names one. */
export const BENCH_TOKEN_NS = [256, 1024, 4096];

/** bench tokens runs at d = 64, 4 heads unless set: the pair must pass the schema's rules (d divisible by heads). */
function tokenBenchParams(def: SimDefinition, params: Params, args: CliArgs): Params {
  const shape = { d: 'd' in args.set ? params.d : 64, heads: 'heads' in args.set ? params.heads : 4 };
  try {
    for (const n of 'n' in args.set ? [] : BENCH_TOKEN_NS) withValues(def.schema, params, { ...shape, n });
    return withValues(def.schema, params, shape);
  } catch (e) {
    if (e instanceof ParamError) throw new ParamError(e.field, `${e.message} (bench tokens runs at d = 64, heads = 4, n = ${BENCH_TOKEN_NS.join('|')} unless --set)`);
    throw e;
  }
}

const BENCH: Record<string, BenchTarget> = {
  mips: { name: 'mips', system: 'mips', load: async () => (await import('./bench-mips')).benchMipsVerb },
  tokens: { name: 'tokens', system: 'tokens', params: tokenBenchParams, load: async () => (await import('./tokens-verbs')).benchTokensVerb },
  score: { name: 'score', system: 'mips', preset: 'boffi-mips', load: async () => (await import('./bench-score')).benchScoreVerb },
};

export function benchTarget(name: string | undefined): BenchTarget {
  const target = name === undefined || !Object.hasOwn(BENCH, name) ? undefined : BENCH[name];
  if (!target) throw new UsageError(`bench needs one of ${Object.keys(BENCH).join('|')}; got ${quote(name ?? '')}`);
  return target;
}

/** Verbs beyond run and bench; plan.ts has already refused them for other systems. */
export const VERBS_EXTRA: Record<string, Verb> = {
  convergence: async (ctx, plan, keep) => (await import('./tokens-verbs')).convergenceVerb(ctx, plan, keep),
  train: async (ctx, plan, keep) => (await import('./train')).trainVerb(ctx, plan, keep),
};
