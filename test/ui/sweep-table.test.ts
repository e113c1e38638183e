// The Sweep view's table: rows of runs.parquet to exact params (dt from dt_2), varying axes, and
// seed means with the sample standard deviation, against hand-computed values.
import { describe, expect, it } from 'vitest';
import { presetParams } from '../../src/sims/config';
import type { Params } from '../../src/sims/params';
import { getSystem } from '../../src/sims/registry';
import '../../src/sims/index';
import { heatmap, readSweepTable } from '../../src/ui/sweep/sweep-table';

const mips = getSystem('mips');
const base: Params = presetParams(mips, 'dilute-gas');

function row(phi: number, Pe: number, seed: number, msd: number): Record<string, unknown> {
  const all: Params = { ...base, phi, Dr: 1 / Pe, seed: BigInt(seed) as unknown as number };
  const { dt, ...rest } = all;
  return { index: 0n, id: 'x', system: 'mips', preset: 'dilute-gas', status: 'ok', ...rest, dt_2: dt, Pe, msd, step: 10n };
}

describe('sweep table', () => {
  const rows = [row(0.1, 2, 1, 1), row(0.1, 2, 2, 3), row(0.1, 20, 1, 5), row(0.2, 2, 1, 7), row(0.2, 20, 1, 8), row(0.2, 20, 2, 10)];

  it('finds the swept axes and metrics, and gives each row its exact params (dt from the dt_2 column)', () => {
    const t = readSweepTable(rows, 'runs.parquet');
    expect(t.def.id).toBe('mips');
    expect(t.axes).toEqual(['phi', 'Dr', 'Pe']);
    expect(t.metrics).toEqual(['msd']);
    const p = t.params(t.rows[2]!);
    expect([p.phi, p.Dr, p.seed, p.dt]).toEqual([0.1, 1 / 20, 1, base.dt]);
  });

  it('averages over seeds: mean, sample std, count; a click target is the lowest seed', () => {
    const { xs, ys, cells } = heatmap(readSweepTable(rows, 'f'), 'msd', 'phi', 'Pe');
    expect([xs, ys]).toEqual([[0.1, 0.2], [2, 20]]);
    const at = (x: number, y: number) => cells.find((c) => c.x === x && c.y === y)!;
    expect([at(0.1, 2).mean, at(0.1, 2).std, at(0.1, 2).n]).toEqual([2, Math.SQRT2, 2]);
    expect([at(0.1, 20).mean, at(0.1, 20).std, at(0.1, 20).n]).toEqual([5, 0, 1]);
    expect([at(0.2, 20).mean, at(0.2, 20).row.seed]).toEqual([9, 1]);
  });

  it('refuses files that are not a collected sweep, naming the file', () => {
    expect(() => readSweepTable([], 'a.parquet')).toThrow(/a.parquet: the sweep has no finished points/);
    expect(() => readSweepTable([{ x: 1 }], 'b.parquet')).toThrow(/b.parquet: no "system" column/);
    expect(() => readSweepTable([{ system: 'nope' }], 'c.parquet')).toThrow(/c.parquet: unknown system/);
    expect(() => readSweepTable([{ system: 'mips', phi: 0.1 }], 'd.parquet')).toThrow(/d.parquet: no column for mips params model, force/);
    const bad = { ...row(0.1, 2, 1, 1), phi: 3 };
    expect(() => readSweepTable([bad], 'e').params(readSweepTable([bad], 'e').rows[0]!)).toThrow(/phi must be a number in \(0, 1\)/);
  });
});
