// What `lab <verb> <name>` runs, found through the registry: `run` steps any system; every other
// verb is a tool of a system (`bench mips`) or of its model (`train mips`, `bench score`).
import { quote } from '../src/quote';
import { listSystems } from '../src/sims/registry';
import type { SimTool } from '../src/sims/tools';
import type { SimDefinition } from '../src/sims/types';
import { UsageError } from './args';

/** Verbs every system has, beside its tools. */
export const BUILTIN_VERBS = ['run', 'list'] as const;

export interface Offer {
  verb: string;
  /** The name on the command line: the system's id, or its model's when the system has a tool of that verb itself. */
  name: string;
  def: SimDefinition;
  tool: SimTool;
}

/** Every tool the registered systems offer, in registry order. */
export function offers(): Offer[] {
  const bySystem: Offer[] = [];
  const byModel: Offer[] = [];
  for (const def of listSystems()) {
    const own = def.tools ?? [];
    for (const tool of own) bySystem.push({ verb: tool.verb, name: def.id, def, tool });
    for (const tool of def.model?.tools ?? []) {
      const clash = own.some((t) => t.verb === tool.verb);
      (clash ? byModel : bySystem).push({ verb: tool.verb, name: clash ? def.model!.id : def.id, def, tool });
    }
  }
  return [...bySystem, ...byModel];
}

export function verbs(): string[] {
  return [...new Set([...BUILTIN_VERBS, ...offers().map((o) => o.verb)])];
}

/** The system a name stands for: a system's id, or (for its tools) its model's id. */
function systemNamed(name: string): SimDefinition | undefined {
  return listSystems().find((d) => d.id === name || d.model?.id === name);
}

/** "bench mips|tokens|score" */
export function usageOf(verb: string): string {
  const names = verb === 'run' ? listSystems().map((d) => d.id) : offers().filter((o) => o.verb === verb).map((o) => o.name);
  return `${verb} ${names.join('|')}`;
}

/** The tool `verb name` runs; refuses, naming what exists, when there is none. */
export function findTool(verb: string, name: string | undefined): Offer {
  const matches = offers().filter((o) => o.verb === verb);
  if (!verbs().includes(verb)) throw new UsageError(`unknown verb ${quote(verb)}; use ${verbs().join('|')}`);
  if (name === undefined) throw new UsageError(`${verb} needs one of ${matches.map((o) => o.name).join('|')}`);
  const offer = matches.find((o) => o.name === name);
  if (offer) return offer;
  if (!systemNamed(name)) throw new UsageError(`${verb} needs one of ${matches.map((o) => o.name).join('|')}; got ${quote(name)}`);
  throw new UsageError(`${verb} is not available for ${quote(name)}; it is offered by ${matches.map((o) => o.name).join(', ')}`);
}
