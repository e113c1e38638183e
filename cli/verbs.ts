// Verbs beyond `run`, keyed by name: bench, convergence, train. Each system registers what it supports.
import type { GpuContext } from '../src/gpu/context';
import type { Params } from '../src/sims/params';
import type { SimDefinition } from '../src/sims/types';
import { UsageError, type CliArgs } from './args';

export type Verb = (ctx: GpuContext, def: SimDefinition, params: Params, args: CliArgs) => Promise<number>;

function unsupported(verb: string, def: SimDefinition): never {
  throw new UsageError(`${verb} is not available for system "${def.id}"`);
}

const BENCH: Record<string, () => Promise<Verb>> = {
  mips: async () => (await import('./bench-mips')).benchMipsVerb,
  tokens: async () => (await import('./tokens-verbs')).benchTokensVerb,
};

export const VERBS_EXTRA: Record<string, Verb> = {
  bench: async (ctx, def, params, args) => {
    const load = args.set['score.bench'] ? async () => (await import('./bench-score')).benchScoreVerb : BENCH[def.id];
    if (!load) unsupported('bench', def);
    return (await load())(ctx, def, params, args);
  },
  convergence: async (ctx, def, params, args) => {
    if (def.id !== 'tokens') unsupported('convergence', def);
    return (await import('./tokens-verbs')).convergenceVerb(ctx, def, params, args);
  },
  train: async (ctx, def, params, args) => (await import('./train')).trainVerb(ctx, def, params, args),
};
