// Verbs beyond `run`, keyed by name: bench, convergence, train. Each system registers what it supports.
import type { GpuContext } from '../src/gpu/context';
import type { Params } from '../src/sims/params';
import type { SimDefinition } from '../src/sims/types';
import { UsageError, type CliArgs } from './args';

export type Verb = (ctx: GpuContext, def: SimDefinition, params: Params, args: CliArgs) => Promise<number>;

function unsupported(verb: string, def: SimDefinition): never {
  throw new UsageError(`${verb} is not available for system "${def.id}"`);
}

export const VERBS_EXTRA: Record<string, Verb> = {
  bench: async (_ctx, def) => unsupported('bench', def),
  convergence: async (_ctx, def) => unsupported('convergence', def),
  train: async (_ctx, def) => unsupported('train', def),
};
