// Resolving a system's params from a preset plus overrides (URL, CLI, UI all come through here).
import { defaults, ParamError, quote, withText, withValues, type Params } from './params';
import type { Preset, SimDefinition } from './types';

export function findPreset(def: SimDefinition, name: string): Preset {
  const p = def.presets.find((x) => x.name === name);
  if (!p) {
    throw new ParamError('preset', `preset must be one of ${def.presets.map((x) => x.name).join('|')}; got ${quote(name)}`);
  }
  return p;
}

export function presetParams(def: SimDefinition, name = def.defaultPreset): Params {
  return withValues(def.schema, defaults(def.schema), findPreset(def, name).values);
}

/** Params from a preset (default: the system's default) with text overrides `key=value`. */
export function resolveParams(def: SimDefinition, preset: string | undefined, overrides: Record<string, string>): Params {
  return withText(def.schema, presetParams(def, preset ?? def.defaultPreset), overrides);
}
