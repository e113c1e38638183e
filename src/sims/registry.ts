// All systems the lab knows, by id.
import type { SimDefinition } from './types';
import { ParamError } from './params';
import { quote } from '../quote';

const systems = new Map<string, SimDefinition>();

export function register(def: SimDefinition): void {
  systems.set(def.id, def);
}

export function listSystems(): SimDefinition[] {
  return [...systems.values()];
}

export function getSystem(id: string): SimDefinition {
  const def = systems.get(id);
  if (!def) throw new ParamError('system', `unknown system ${quote(id)}; available: ${[...systems.keys()].join(', ')}`);
  return def;
}
