// The metric log behind the plots and the CSV/JSON exports: one row per step (a pause or
// "sample now" repeats a step), and a rebuild that restarts the clock starts a new run.
import { describe, expect, it } from 'vitest';
import { MetricLog } from '../../src/sims/metrics';
import type { MetricSample, PlotSpec } from '../../src/sims/types';
import { seriesLines } from '../../src/ui/plots/plot-data';

const sample = (step: number, e: number): MetricSample => ({ step, time: step * 0.5, scalars: { e } });

describe('MetricLog', () => {
  it('keeps one row per step: a repeated step replaces the row with the newer values', () => {
    const log = new MetricLog('x');
    log.push(sample(0, 1));
    log.push(sample(0, 1)); // "sample now" while paused
    log.push(sample(10, 2));
    log.push(sample(10, 3)); // pause: the same step, a newer value (e.g. a learned EPR)
    const rows = log.toCSV().trim().split('\n');
    expect(rows).toEqual(['step,time,run,e', '0,0,0,1', '10,5,0,3']);
  });

  it('a new run keeps its samples apart: plotted as separate lines, exported with its run number', () => {
    const log = new MetricLog('x');
    for (const s of [0, 10, 20]) log.push(sample(s, s));
    log.newRun('after n 1024 → 4096');
    log.push(sample(0, 100)); // the rebuilt system restarts at step 0: not a duplicate of step 0 of run 0
    log.push(sample(10, 110));
    expect(log.samples.map((s) => [s.run, s.step])).toEqual([[0, 0], [0, 10], [0, 20], [1, 0], [1, 10]]);
    const spec: PlotSpec = { kind: 'series', id: 'e', title: 'e', y: ['e'] };
    const lines = seriesLines(spec, log.samples);
    // Each run's line is monotone in time: no zig-zag back to t = 0.
    expect(lines.map((l) => [l.run, l.points.map((p) => p[0])])).toEqual([[0, [0, 5, 10]], [1, [0, 5]]]);
    expect(log.toCSV().trim().split('\n').slice(-2)).toEqual(['0,0,1,100', '10,5,1,110']);
    expect(JSON.parse(log.toJSON()).runs).toEqual([{ run: 0, label: 'start' }, { run: 1, label: 'after n 1024 → 4096' }]);
    log.clear();
    expect([log.samples.length, log.run]).toEqual([0, 0]);
  });

  it("a series' x may be the sample's own clock: 'time' and 'step', or a scalar", () => {
    const samples = [sample(0, 1), sample(4, 2)];
    const pts = (x?: string) => seriesLines({ kind: 'series', id: 'e', title: 'e', y: ['e'], x }, samples)[0]!.points;
    expect(pts()).toEqual([[0, 1], [2, 2]]);
    expect(pts('time')).toEqual([[0, 1], [2, 2]]);
    expect(pts('step')).toEqual([[0, 1], [4, 2]]);
    expect(pts('e')).toEqual([[1, 1], [2, 2]]);
  });
});
