// Parameter schemas: one place that validates values for the UI, the URL, the CLI and imported files.
import { quote } from '../quote';
import { SEQUENTIAL_MAPS } from '../gpu/colormap';

export { quote };

export interface NumberParam {
  kind: 'number';
  name: string;
  label: string;
  unit: string;
  description: string;
  default: number;
  min: number;
  max: number;
  /** Open interval ends: `min < v` instead of `min <= v`. */
  minExclusive?: boolean;
  maxExclusive?: boolean;
  integer?: boolean;
  /** Changing it needs a rebuild of the system (buffers are resized); otherwise it applies live. */
  rebuild?: boolean;
  /** UI hint for a log-scale slider. */
  log?: boolean;
}

export interface EnumParam {
  kind: 'enum';
  name: string;
  label: string;
  description: string;
  options: readonly string[];
  /** Meaning of each option, shown in the UI. */
  optionLabels?: Record<string, string>;
  default: string;
  rebuild?: boolean;
  /** Added after files were written without it (a date): a reader fills it from the preset, as the lab fills a state file's. */
  added?: string;
}

/** The colour map of ordered values, one spec for every system that colours by a value (gpu/colormap.ts). */
export const colormapSpec = {
  kind: 'enum', name: 'colormap', label: 'colour map', default: 'viridis', options: SEQUENTIAL_MAPS,
  optionLabels: {
    viridis: 'viridis (blue–green–yellow)', cividis: 'cividis (blue–yellow, for colour-vision deficiency)',
    inferno: 'inferno (black–red–yellow)', magma: 'magma (black–purple–cream)', plasma: 'plasma (blue–purple–yellow)',
  },
  description: 'Colour map of ordered values (d3-scale-chromatic; perceptually uniform). Signed values use a blue–white–red map ' +
    'and angles a cyclic one; the colour bar shows the scale.',
} as const satisfies EnumParam;

export interface BooleanParam {
  kind: 'boolean';
  name: string;
  label: string;
  description: string;
  default: boolean;
  rebuild?: boolean;
}

export interface StringParam {
  kind: 'string';
  name: string;
  label: string;
  description: string;
  default: string;
  maxLength: number;
  rebuild?: boolean;
}

/** A value or an interval `lo:hi` (e.g. an incident energy, fixed or drawn per event), both in [min, max]. */
export interface RangeParam {
  kind: 'range';
  name: string;
  label: string;
  unit: string;
  description: string;
  /** As text: `10` or `2:10`. */
  default: string;
  min: number;
  max: number;
  rebuild?: boolean;
  log?: boolean;
}

export type ParamSpec = NumberParam | EnumParam | BooleanParam | StringParam | RangeParam;
export type ParamValue = number | string | boolean;
export type Params = Record<string, ParamValue>;

/** A rule that involves several fields, e.g. "d must be divisible by heads". Returns a message or null. */
export type CrossCheck = (p: Params) => string | null;

export interface ParamSchema {
  specs: readonly ParamSpec[];
  checks?: readonly CrossCheck[];
  /** Axes researchers sweep in that are not params themselves (mips: Pe sets Dr). */
  derived?: readonly DerivedAxis[];
}

/**
 * A quantity set through params it determines: `apply` gives the param values that make it
 * `value` for the other params (they are then checked like any value), or throws ParamError
 * naming it when it cannot be set (e.g. Pe when v0 = 0).
 */
export interface DerivedAxis {
  name: string;
  label: string;
  unit: string;
  description: string;
  /** Which params it sets, for messages and help. */
  sets: readonly string[];
  apply(params: Params, value: number): Params;
  /** Its value for a full param set. */
  of(params: Params): number;
}

/** The value type a spec declares: number, its enum's options, boolean or string. */
export type ValueOf<S extends ParamSpec> = S extends { kind: 'number' }
  ? number
  : S extends { kind: 'enum'; options: readonly (infer O)[] }
    ? O
    : S extends { kind: 'boolean' }
      ? boolean
      : string;

/** The params a list of specs declares, each field typed by its spec (`dt: number`, `force: 'softdisk' | 'wca' | 'none'`). */
export type ParamsOf<Specs extends readonly ParamSpec[]> = { readonly [S in Specs[number] as S['name']]: ValueOf<S> };

/** A schema that keeps its specs' literal names and options, so its params are typed (ParamsOf). */
export interface TypedSchema<Specs extends readonly ParamSpec[]> extends ParamSchema {
  readonly specs: Specs;
  /** Narrows params this schema has validated (checkAll / withText / withValues) to their declared types. */
  typed(p: Params): ParamsOf<Specs>;
}

/**
 * Declares a schema whose params are typed from the declaration itself (`const`: the names and
 * enum options stay literal). Cross-checks see the typed params.
 */
export function defineSchema<const Specs extends readonly ParamSpec[]>(
  specs: Specs,
  checks: ReadonlyArray<(p: ParamsOf<Specs>) => string | null> = [],
  derived: readonly DerivedAxis[] = [],
): TypedSchema<Specs> {
  // The one place validated Params become typed: every value was checked against its spec.
  const typed = (p: Params) => p as unknown as ParamsOf<Specs>;
  return { specs, checks: checks.map((c) => (p: Params) => c(typed(p))), derived, typed };
}

export class ParamError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'ParamError';
  }
}

export function describeRange(s: ParamSpec): string {
  switch (s.kind) {
    case 'number': {
      const lo = s.minExclusive ? '(' : '[';
      const hi = s.maxExclusive ? ')' : ']';
      const what = s.integer ? 'an integer' : 'a number';
      return `${what} in ${lo}${s.min}, ${s.max}${hi}${s.unit ? ` ${s.unit}` : ''}`;
    }
    case 'enum':
      return `one of ${s.options.join('|')}`;
    case 'boolean':
      return 'true or false';
    case 'string':
      return `a non-empty text of at most ${s.maxLength} characters`;
    case 'range':
      return `a number or lo:hi with min ≤ lo ≤ hi ≤ max, in [${s.min}, ${s.max}]${s.unit ? ` ${s.unit}` : ''}`;
  }
}

function fail(s: ParamSpec, got: unknown): never {
  const shown = typeof got === 'string' ? quote(got) : String(got);
  throw new ParamError(s.name, `${s.name} must be ${describeRange(s)}; got ${shown}`);
}

/** Checks one typed value against its spec; returns it unchanged or throws ParamError. Never clamps. */
export function checkValue(s: ParamSpec, v: unknown): ParamValue {
  switch (s.kind) {
    case 'number': {
      if (typeof v !== 'number' || !Number.isFinite(v)) fail(s, v);
      if (s.integer && !Number.isInteger(v)) fail(s, v);
      const belowMin = s.minExclusive ? v <= s.min : v < s.min;
      const aboveMax = s.maxExclusive ? v >= s.max : v > s.max;
      if (belowMin || aboveMax) fail(s, v);
      return v;
    }
    case 'enum':
      if (typeof v !== 'string' || !s.options.includes(v)) fail(s, v);
      return v;
    case 'boolean':
      if (typeof v !== 'boolean') fail(s, v);
      return v;
    case 'string':
      if (typeof v !== 'string' || v.trim().length === 0 || v.length > s.maxLength) fail(s, v);
      return v;
    case 'range': {
      if (typeof v !== 'string') fail(s, v);
      const r = parseRangeText(v);
      if (!r || r.lo < s.min || r.hi > s.max || r.lo > r.hi) fail(s, v);
      return v;
    }
  }
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** `10` → [10, 10], `2:10` → [2, 10]; null when either end is not a plain finite decimal. */
function parseRangeText(text: string): { lo: number; hi: number } | null {
  const parts = text.split(':');
  if (parts.length > 2 || !parts.every((t) => DECIMAL.test(t))) return null;
  const [lo, hi] = [Number(parts[0]), Number(parts[parts.length - 1])];
  return Number.isFinite(lo) && Number.isFinite(hi) ? { lo, hi } : null;
}

/** The interval a validated range value holds (`lo === hi` for a single value). */
export function rangeOf(value: string): { lo: number; hi: number } {
  const r = parseRangeText(value);
  if (!r) throw new ParamError('range', `not a range: ${quote(value)}`);
  return r;
}

/** Parses a value given as text (URL, CLI, form field), then checks it. */
export function parseValue<S extends ParamSpec>(s: S, text: string): ValueOf<S>;
export function parseValue(s: ParamSpec, text: string): ParamValue {
  const t = text.trim();
  switch (s.kind) {
    case 'number': {
      // Number('') is 0 and Number('0x10') is 16: accept plain decimal/scientific notation only.
      if (!DECIMAL.test(t)) fail(s, text);
      return checkValue(s, Number(t));
    }
    case 'boolean':
      if (t === 'true' || t === '1') return true;
      if (t === 'false' || t === '0') return false;
      return fail(s, text);
    case 'enum':
      return checkValue(s, t);
    case 'string':
      return checkValue(s, text);
    case 'range':
      return checkValue(s, t);
  }
}

export function specOf(schema: ParamSchema, name: string): ParamSpec {
  const s = schema.specs.find((x) => x.name === name);
  if (!s) {
    const known = schema.specs.map((x) => x.name).join(', ');
    throw new ParamError(name, `unknown parameter ${quote(name)}; known parameters: ${known}`);
  }
  return s;
}

export function defaults(schema: ParamSchema): Params {
  return Object.fromEntries(schema.specs.map((s) => [s.name, s.default]));
}

/** Runs the cross-field rules; throws the first failure. */
export function checkAll(schema: ParamSchema, p: Params): Params {
  for (const s of schema.specs) checkValue(s, p[s.name]);
  for (const rule of schema.checks ?? []) {
    const msg = rule(p);
    if (msg) throw new ParamError(msg.split(' ')[0] ?? 'params', msg);
  }
  return p;
}

/** Merges typed overrides onto a base, validating every field (unknown names are errors). */
export function withValues(schema: ParamSchema, base: Params, values: Record<string, unknown>): Params {
  const out: Params = { ...base };
  for (const [k, v] of Object.entries(values)) out[k] = checkValue(specOf(schema, k), v);
  return checkAll(schema, out);
}

/** Merges text overrides (`key=value` pairs from a URL or CLI) onto a base. */
export function withText(schema: ParamSchema, base: Params, values: Record<string, string>): Params {
  const out: Params = { ...base };
  for (const [k, v] of Object.entries(values)) out[k] = parseValue(specOf(schema, k), v);
  return checkAll(schema, out);
}

export function formatValue(v: ParamValue): string {
  return typeof v === 'number' ? String(v) : String(v);
}

/** Names of the fields whose change needs a rebuild. */
export function needsRebuild(schema: ParamSchema, before: Params, after: Params): boolean {
  return schema.specs.some((s) => s.rebuild && before[s.name] !== after[s.name]);
}

/** Conversions between a model's settings (an object of numbers) and their `prefix`-named params. */
export interface PrefixedSettings<T> {
  toParams(s: T): Params;
  /** From params `schema` validated (missing names read as undefined). */
  fromParams(p: Params): T;
  /** Throws ParamError naming the prefixed field when a setting is out of range. */
  check(s: T): void;
}

export function prefixedSettings<T extends object>(schema: ParamSchema, prefix: string, defaults: T): PrefixedSettings<T> {
  const keys = Object.keys(defaults) as Array<keyof T & string>;
  const toParams = (s: T): Params => Object.fromEntries(keys.map((k) => [prefix + k, s[k] as ParamValue]));
  return {
    toParams,
    fromParams: (p) => Object.fromEntries(keys.map((k) => [k, p[prefix + k]])) as T,
    check: (s) => void checkAll(schema, toParams(s)),
  };
}

/**
 * The cross-check of a network's width against its heads (`<prefix>width`, `<prefix>heads`): whole heads
 * of at most `maxHeadDim` channels, and an even width where the network splits it in two.
 */
export function widthHeadsCheck(prefix: string, maxHeadDim: number, even = false): (p: Params) => string | null {
  return (p) => {
    const w = p[`${prefix}width`] as number;
    const h = p[`${prefix}heads`] as number;
    const ok = (!even || w % 2 === 0) && w % h === 0 && w / h <= maxHeadDim;
    return ok ? null : `${prefix}width must be ${even ? 'even and ' : ''}divisible by ${prefix}heads into at most ${maxHeadDim} channels per head; got width ${w}, heads ${h}`;
  };
}
