// Sweep axes: `--grid key=a:b:step` or `key=v1,v2,…` over a system's params or its derived axes
// (mips: Pe), `--seeds 1..3` or `1,2,5`, expanded to fully resolved points. Every value, and every
// combination, is checked by the system's schema here, before anything runs.
import { checkAll, parseValue, ParamError, quote, specOf, withValues, type DerivedAxis, type ParamSchema, type Params, type ParamValue } from '../../src/sims/params';

export interface Axis {
  name: string;
  values: ParamValue[];
  derived?: DerivedAxis;
}

/** Enough for any phase diagram, few enough that a typo like 0:1:1e-9 is refused. */
export const MAX_POINTS = 100_000;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** a, a + step, …, up to b inclusive, each rounded to 12 significant digits (0.1 + 0.2 is 0.3 here). */
function steps(name: string, text: string): number[] {
  const parts = text.split(':');
  if (!parts.every((t) => DECIMAL.test(t.trim()))) throw new ParamError(name, `--grid ${name}: ${quote(text)} must be a:b:step with plain numbers`);
  const [a, b, step] = parts.map(Number) as [number, number, number];
  if (!(step > 0) || b < a) throw new ParamError(name, `--grid ${name}=${text}: needs a ≤ b and step > 0`);
  const count = Math.floor((b - a) / step + 1e-9) + 1;
  if (count > MAX_POINTS) throw new ParamError(name, `--grid ${name}=${text} gives ${count} values, more than ${MAX_POINTS}`);
  return Array.from({ length: count }, (_, i) => Number((a + i * step).toPrecision(12)));
}

/** One `--grid` option: `key=a:b:step` (numbers) or `key=v1,v2,…` (any kind), each value checked. */
export function parseAxis(schema: ParamSchema, option: string): Axis {
  const at = option.indexOf('=');
  if (at <= 0 || at === option.length - 1) throw new ParamError('grid', `--grid needs key=a:b:step or key=v1,v2; got ${quote(option)}`);
  const name = option.slice(0, at);
  const text = option.slice(at + 1);
  const derived = schema.derived?.find((d) => d.name === name);
  const isRange = text.split(':').length === 3;
  if (derived) {
    const values = isRange ? steps(name, text) : text.split(',').map((t) => (DECIMAL.test(t.trim()) ? Number(t) : NaN));
    const bad = values.find((v) => !(v > 0) || !Number.isFinite(v));
    if (bad !== undefined) throw new ParamError(name, `--grid ${name}: every value must be a number > 0 (${derived.description}); got ${quote(text)}`);
    return { name, values, derived };
  }
  let spec;
  try {
    spec = specOf(schema, name);
  } catch (e) {
    const extra = schema.derived?.length ? `; derived axes: ${schema.derived.map((d) => d.name).join(', ')}` : '';
    throw new ParamError(name, `--grid: ${(e as Error).message}${extra}`);
  }
  if (isRange && spec.kind !== 'number') throw new ParamError(name, `--grid ${name}: a:b:step needs a number param; list the values (v1,v2)`);
  const texts = isRange ? steps(name, text).map(String) : text.split(',');
  const values = texts.map((t) => parseValue(spec, t));
  if (new Set(values).size !== values.length) throw new ParamError(name, `--grid ${name}: a value is listed twice in ${quote(text)}`);
  return { name, values };
}

/** `--seeds 1..3` or `1,2,5`: each checked by the system's seed param. */
export function parseSeeds(schema: ParamSchema, text: string): number[] {
  const spec = specOf(schema, 'seed');
  const range = /^(\d+)\.\.(\d+)$/.exec(text.trim());
  const texts = range ? Array.from({ length: Math.max(0, Number(range[2]) - Number(range[1]) + 1) }, (_, i) => String(Number(range[1]) + i)) : text.split(',');
  if (texts.length === 0 || texts.length > MAX_POINTS) throw new ParamError('seeds', `--seeds must be a..b (a ≤ b) or a list; got ${quote(text)}`);
  const seeds = texts.map((t) => parseValue(spec, t) as number);
  if (new Set(seeds).size !== seeds.length) throw new ParamError('seeds', `--seeds lists a seed twice: ${quote(text)}`);
  return seeds;
}

export interface GridPoint {
  /** The swept values of this point, by axis name (seed included). */
  axes: Record<string, ParamValue>;
  params: Params;
}

/**
 * Every combination of the axes (the first axis outermost, the seed innermost), each applied to
 * `base` and checked as a whole: a combination the schema refuses fails here, naming it.
 */
export function expand(schema: ParamSchema, base: Params, axes: readonly Axis[], seeds: readonly number[]): GridPoint[] {
  const total = axes.reduce((n, a) => n * a.values.length, seeds.length);
  if (total > MAX_POINTS) throw new ParamError('grid', `the sweep has ${total} points, more than ${MAX_POINTS}`);
  const names = axes.map((a) => a.name);
  if (new Set(names).size !== names.length) throw new ParamError('grid', `--grid names an axis twice (${names.join(', ')})`);
  const points: GridPoint[] = [];
  const visit = (i: number, chosen: Record<string, ParamValue>) => {
    if (i === axes.length) {
      for (const seed of seeds) points.push(resolve(schema, base, axes, { ...chosen, seed }));
      return;
    }
    for (const v of axes[i]!.values) visit(i + 1, { ...chosen, [axes[i]!.name]: v });
  };
  visit(0, {});
  return points;
}

function resolve(schema: ParamSchema, base: Params, axes: readonly Axis[], chosen: Record<string, ParamValue>): GridPoint {
  const where = Object.entries(chosen).map(([k, v]) => `${k}=${v}`).join(', ');
  try {
    const direct = Object.fromEntries(Object.entries(chosen).filter(([k]) => !axes.find((a) => a.name === k)?.derived));
    let params = withValues(schema, base, direct);
    for (const a of axes) if (a.derived) params = withValues(schema, params, a.derived.apply(params, chosen[a.name] as number));
    return { axes: chosen, params: checkAll(schema, params) };
  } catch (e) {
    if (e instanceof ParamError) throw new ParamError(e.field, `sweep point ${where}: ${e.message}`);
    throw e;
  }
}
