// URL state: ?system=…&preset=…&<param>=<value>… (only values that differ from the preset).
// Bad entries are reported (naming the field and its range) and dropped, so the run falls back to defaults.
import { presetParams } from '../sims/config';
import { ParamError, checkAll, formatValue, parseValue, specOf, type Params } from '../sims/params';
import { getSystem, listSystems } from '../sims/registry';
import type { SimDefinition } from '../sims/types';
import { quote } from '../quote';

export interface UrlChoice {
  def: SimDefinition;
  preset: string;
  params: Params;
  /** One message per rejected URL entry. */
  errors: string[];
}

const RESERVED = new Set(['system', 'preset']);

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Reads a run from a query string; `label` names where it came from in messages (the URL, or an embedded element's attributes). */
export function readUrl(search: string, fallbackSystem?: string, label = 'URL'): UrlChoice {
  const q = new URLSearchParams(search);
  const errors: string[] = [];
  const systems = listSystems();
  if (systems.length === 0) throw new Error('no simulation systems are registered');
  let def = systems.find((s) => s.id === fallbackSystem) ?? systems[0]!;
  const sys = q.get('system');
  if (sys !== null) {
    try {
      def = getSystem(sys);
    } catch (e) {
      errors.push(`${label}: ${message(e)}`);
    }
  }
  let preset = def.defaultPreset;
  const pre = q.get('preset');
  if (pre !== null) {
    if (def.presets.some((p) => p.name === pre)) preset = pre;
    else errors.push(`${label}: preset must be one of ${def.presets.map((p) => p.name).join('|')}; got ${quote(pre)}`);
  }
  const base = presetParams(def, preset);
  const params: Params = { ...base };
  for (const [key, text] of q) {
    if (RESERVED.has(key)) continue;
    try {
      params[key] = parseValue(specOf(def.schema, key), text);
    } catch (e) {
      errors.push(`${label}: ${message(e)}`);
    }
  }
  try {
    checkAll(def.schema, params);
    return { def, preset, params, errors };
  } catch (e) {
    errors.push(`${label}: ${message(e)} (using the preset's values instead)`);
    return { def, preset, params: base, errors };
  }
}

/** The query string for a run: system, preset, then every param that differs from the preset. */
export function writeQuery(def: SimDefinition, preset: string, params: Params): string {
  const q = new URLSearchParams();
  q.set('system', def.id);
  q.set('preset', preset);
  let base: Params;
  try {
    base = presetParams(def, preset);
  } catch (e) {
    if (!(e instanceof ParamError)) throw e;
    base = {};
  }
  for (const s of def.schema.specs) {
    const v = params[s.name];
    if (v !== undefined && v !== base[s.name]) q.set(s.name, formatValue(v));
  }
  return `?${q.toString()}`;
}
