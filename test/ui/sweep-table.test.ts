// The Sweep view's table: rows of runs.parquet to exact params (dt from dt_2), varying axes, and
// seed means with the sample standard deviation, against hand-computed values.
import { describe, expect, it } from 'vitest';
import { presetParams } from '../../src/sims/config';
import type { Params } from '../../src/sims/params';
import { getSystem } from '../../src/sims/registry';
import { tokensSystem } from '../../src/sims/tokens';
import '../../src/sims/index';
import { axisGroups, axisValues, heatmap, metricsFor, readSweepTable } from '../../src/ui/sweep/sweep-table';

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
    // A param added after the sweep was written (tokens' trainedTask) takes the preset's value.
    const tokens = Object.fromEntries(tokensSystem.schema.specs.filter((p) => p.name !== 'trainedTask').map((p) => [p.name, p.default]));
    const older = readSweepTable([{ system: 'tokens', preset: 'sa-sphere', index: 0, ...tokens, beta: 4 }], 'f.parquet');
    expect(older.params(older.rows[0]!)).toMatchObject({ beta: 4, trainedTask: 'sort' });
    const bad = { ...row(0.1, 2, 1, 1), phi: 3 };
    expect(() => readSweepTable([bad], 'e').params(readSweepTable([bad], 'e').rows[0]!)).toThrow(/phi must be a number in \(0, 1\)/);
  });

  it('with samples, time is an axis: each cell averages one sampled time over the seeds, with its point\'s params', () => {
    // Points 0..2 of the rows above carry their index; samples at t = 0.1 and 0.2 (the second written
    // with float noise that 6 digits remove), and one sample of a point without a result.
    const runs = rows.slice(0, 3).map((r, i) => ({ ...r, index: BigInt(i) }));
    const sample = (index: number, time: number, msd: number) => ({ index: BigInt(index), id: 'x', step: 10n, time, msd });
    const samples = [sample(0, 0.1, 1), sample(0, 0.2 + 1e-12, 2), sample(1, 0.1, 3), sample(1, 0.2, 6), sample(2, 0.1, 5), sample(2, 0.2, 7), sample(9, 0.1, 100)];
    const t = readSweepTable(runs, 'runs.parquet', samples);
    expect(t.axes).toEqual(['Dr', 'Pe', 'time']);
    expect(t.sampleMetrics).toEqual(['msd']);
    expect(t.samples).toHaveLength(6);
    expect(metricsFor(t, 'time', 'Pe')).toEqual(['msd']);
    const { xs, ys, cells } = heatmap(t, 'msd', 'time', 'Pe');
    expect([xs, ys]).toEqual([[0.1, 0.2], [2, 20]]);
    const at = (x: number, y: number) => cells.find((c) => c.x === x && c.y === y)!;
    // Pe = 2 holds seeds 1 and 2 (points 0, 1): at t = 0.2, msd 2 and 6 → mean 4, std √8.
    expect([at(0.2, 2).mean, at(0.2, 2).std, at(0.2, 2).n]).toEqual([4, Math.sqrt(8), 2]);
    expect([at(0.1, 20).mean, at(0.1, 20).n]).toEqual([5, 1]);
    // The cell's row opens its point: Pe = 20 is Dr = 1/20, with seed 1.
    const p = t.params(at(0.1, 20).row);
    expect([p.Dr, p.seed, p.dt]).toEqual([1 / 20, 1, base.dt]);
  });

  it('refuses samples without a time, naming the file', () => {
    expect(() => readSweepTable(rows, 'runs.parquet', [{ index: 0n, msd: 1 }])).toThrow(/runs.parquet: a sample has no time/);
  });

  it('holds the other swept axes at one value (Dr and Pe move together, so they are one axis)', () => {
    // φ × Pe × N: a heatmap over (φ, Pe) shows one N at a time, never an average over N.
    const withN = rows.flatMap((r) => [{ ...r, n: 100n }, { ...r, n: 200n, msd: (r.msd as number) + 100 }]);
    const t = readSweepTable(withN, 'f');
    expect(t.axes).toEqual(['n', 'phi', 'Dr', 'Pe']);
    expect(axisGroups(t)).toEqual([['n'], ['phi'], ['Dr', 'Pe']]);
    expect(axisValues(t, 'n')).toEqual([100, 200]);
    const at = (n: number) => heatmap(t, 'msd', 'phi', 'Pe', { n }).cells.find((c) => c.x === 0.1 && c.y === 2)!;
    expect([at(100).mean, at(100).n]).toEqual([2, 2]);
    expect([at(200).mean, at(200).n]).toEqual([102, 2]);
  });
});
