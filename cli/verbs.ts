// Verbs beyond `run` and `bench`, keyed by name: convergence, train; and the bench targets.
import type { GpuContext } from '../src/gpu/context';
import type { Params } from '../src/sims/params';
import type { SimDefinition } from '../src/sims/types';
import { UsageError, type CliArgs } from './args';

export type Verb = (ctx: GpuContext, def: SimDefinition, params: Params, args: CliArgs) => Promise<number>;

function unsupported(verb: string, def: SimDefinition): never {
  throw new UsageError(`${verb} is not available for system "${def.id}"`);
}

/** What `lab bench NAME` measures: a system's step, or the score network (trained on mips). */
export interface BenchTarget {
  system: string;
  preset?: string;
  load: () => Promise<Verb>;
}

const BENCH: Record<string, BenchTarget> = {
  mips: { system: 'mips', load: async () => (await import('./bench-mips')).benchMipsVerb },
  tokens: { system: 'tokens', load: async () => (await import('./tokens-verbs')).benchTokensVerb },
  score: { system: 'mips', preset: 'boffi-mips', load: async () => (await import('./bench-score')).benchScoreVerb },
};

export function benchTarget(name: string | undefined): BenchTarget {
  const target = name === undefined ? undefined : BENCH[name];
  if (!target) throw new UsageError(`bench needs one of ${Object.keys(BENCH).join('|')}; got ${JSON.stringify(name ?? '')}`);
  return target;
}

export const VERBS_EXTRA: Record<string, Verb> = {
  convergence: async (ctx, def, params, args) => {
    if (def.id !== 'tokens') unsupported('convergence', def);
    return (await import('./tokens-verbs')).convergenceVerb(ctx, def, params, args);
  },
  train: async (ctx, def, params, args) => (await import('./train')).trainVerb(ctx, def, params, args),
};
