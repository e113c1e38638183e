// `lab generate showers` and `lab evaluate showers` as a user runs them: the file h5py (an HDF5
// reader independent of h5wasm) reads, the lab run's showers in it, the same seed giving the same
// bytes; the distance table of two samples of one law (every row near its noise floor) and of
// electrons against pions (far above it); one-line refusals of bad files and options; and the flow
// model trained and sampled into the same file, which evaluate then scores.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorLine, exitCodeOf, parseArgs } from '../../cli/args';
import { makePlan } from '../../cli/plan';
import { resolveParams } from '../../src/sims/config';
import { getSystem } from '../../src/sims/registry';
import { detectorOf, eventSpec, generateEvents } from '../../src/sims/showers/events';
import { decodeShowers } from '../../src/sims/showers/hdf5';
import { schema } from '../../src/sims/showers/params';
import '../../src/sims/index';
import { labProcess, type LabResult } from '../lab-process';

const dir = mkdtempSync(join(tmpdir(), 'showers-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string) => join(dir, name);

/** Debian's python with h5py (scripts/setup.sh --browser installs python3-h5py); without it these tests fail. */
const PYTHON = '/usr/bin/python3';
const h5py = (...args: string[]) => execFileSync(PYTHON, ['test/showers/h5py-check.py', ...args], { encoding: 'utf8' });

/** Coarse 15 mm ECAL cells (~70 hits per shower at 2–10 GeV): a hundred showers take a fraction of a second. */
const SETTINGS = { ecalCell: '15', energy: '2:10' };

function generate(out: string, particle: string, seed: number, count: number): Record<string, unknown> {
  const set = Object.entries({ ...SETTINGS, particle }).flatMap(([k, v]) => ['--set', `${k}=${v}`]);
  const r = labProcess(['generate', 'showers', ...set, '--seed', String(seed), '--count', String(count), '--out', out, '--json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

interface Row {
  feature: string;
  w1: number;
  noise_floor: number;
  ratio: number;
  bins?: { upper_edge: number | null; w1: number; noise_floor: number }[];
}

function evaluate(reference: string, candidate: string): { rows: Row[] } & Record<string, unknown> {
  const r = labProcess(['evaluate', 'showers', '--reference', reference, '--candidate', candidate, '--json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

const ratioOf = (rows: Row[], feature: string) => rows.find((r) => r.feature === feature)!.ratio;

/** Exit 2 with stdout empty and one error line (after the adapter line where the GPU came up first), no stack. */
function expectRefusal(r: LabResult, message: string | RegExp): void {
  expect(r.code, r.stderr).toBe(2);
  expect(r.stdout).toBe('');
  const lines = r.stderr.trim().split('\n').filter((l) => !l.startsWith('adapter: '));
  expect(lines, r.stderr).toHaveLength(1);
  if (typeof message === 'string') expect(lines[0]).toContain(message);
  else expect(lines[0]).toMatch(message);
  expect(lines[0]).toMatch(/^error: /);
  expect(r.stderr).not.toMatch(/\n\s+at |node:internal|\.ts:\d+/);
}

/** Arguments refused before the GPU, in-process on the path cli/lab.ts takes (parseArgs, makePlan): exit code and line. */
function refusal(argv: string[]): { code: number; line: string } {
  try {
    makePlan(parseArgs(argv));
  } catch (e) {
    return { code: exitCodeOf(e), line: errorLine(e) };
  }
  return expect.fail(`${argv.join(' ')} was accepted`);
}

// Three samples, 2–10 GeV: electrons (the reference, 100), electrons of another seed (50), pions (50).
const reference = file('reference.h5');
const candidate = file('candidate.h5');
const pions = file('pions.h5');
let generated: Record<string, unknown>;
beforeAll(() => {
  generated = generate(reference, 'electron', 1, 100);
  generate(candidate, 'electron', 2, 50);
  generate(pions, 'pion', 3, 50);
}, 120_000);

describe('lab generate showers', () => {
  it('writes the file h5py reads: (N, max_points, 4), energies in the asked range, the lab run\'s showers; the same seed, the same bytes', async () => {
    expect(generated).toMatchObject({ count: 100, particle: 'electron', energy_gev: { lo: 2, hi: 10 }, seed: 1, out: reference });
    expect(generated.showers_per_second).toBeGreaterThan(0);

    const read = JSON.parse(h5py('inspect', reference));
    const maxPoints = Math.max(...read.num_points);
    expect(read.shapes).toEqual({ showers: [100, maxPoints, 4], energy: [100], direction: [100, 3], entry: [100, 2], pdg: [100], num_points: [100] });
    expect(read.dtype).toBe('float32');
    expect(read.padding_zero).toBe(true);
    // Uniform in [2, 10]: inside it, and 100 draws reach within 0.5 GeV of both ends (each misses with p = 0.94^100 = 0.2 %).
    expect(read.energy[0]).toBeGreaterThanOrEqual(2);
    expect(read.energy[1]).toBeLessThanOrEqual(10);
    expect(read.energy[0]).toBeLessThan(2.5);
    expect(read.energy[1]).toBeGreaterThan(9.5);
    expect(generated.mean_hits).toBeCloseTo(read.num_points.reduce((s: number, n: number) => s + n, 0) / 100, 10);
    expect(read).toMatchObject({ seed: 1, params: { particle: 'electron', energy: '2:10', ecalCell: 15, seed: 1 } });
    expect(read.generator).toMatch(/^particle-lab showers v\d+/);

    // Shower i of the file is step i of the lab's run with the same params (float32 storage).
    const params = schema.typed(resolveParams(getSystem('showers'), undefined, { ...SETTINGS, particle: 'electron', seed: '1' }));
    const spec = eventSpec(params);
    const made = generateEvents(detectorOf(spec), spec, 0, 100);
    const { showers } = await decodeShowers(readFileSync(reference), 'reference.h5');
    showers.forEach((s, i) => {
      expect(s.energy).toBe(Math.fround(made[i]!.energy));
      expect(s.hits).toEqual(made[i]!.hits.map((h) => ({ x: Math.fround(h.x), y: Math.fround(h.y), layer: h.layer, e: Math.fround(h.e) })));
    });

    const again = file('again.h5');
    generate(again, 'electron', 1, 100);
    expect(readFileSync(again).equals(readFileSync(reference))).toBe(true);
  });

  it('refuses --count 0, --count abc and a missing --out with one line', () => {
    const out = file('never.h5');
    expectRefusal(labProcess(['generate', 'showers', '--count', '0', '--out', out]), 'error: --count must be an integer in [1, 1000000]; got "0"');
    expect(refusal(['generate', 'showers', '--count', 'abc', '--out', out])).toEqual({ code: 2, line: 'error: --count must be an integer in [1, 1000000]; got "abc"' });
    expect(refusal(['generate', 'showers', '--count', '1e3', '--out', out]).line).toMatch(/^error: --count must be an integer/);
    expect(refusal(['generate', 'showers', '--count', '5'])).toEqual({ code: 2, line: 'error: generate showers needs --out FILE.h5' });
  });
});

describe('lab evaluate showers', () => {
  // Same-law tolerance: the ratio W1 / noise floor of a row compares two draws of the same statistic
  // (candidate vs A, B vs A; A and B the reference's halves). Measured over 40 seed triples at this
  // size (50 showers a side, these settings): row ratios have median 1.0, 99th percentile 2.3, and the
  // largest of the 320 was 4.4. So 5: a row above it means the laws differ, not the draw.
  const SAME_LAW = 5;

  it('two samples of one law: every row within a few times its noise floor', () => {
    const table = evaluate(reference, candidate);
    expect(table).toMatchObject({ reference_showers: 100, candidate_showers: 50, layers: 78, compared: { reference_a: 50, reference_b: 50, candidate: 50 } });
    expect(table.split).toMatch(/halves A \(even index\) and B \(odd\)/);
    expect(table.rows.map((r) => r.feature)).toEqual(['cog x', 'cog y', 'cog layer', 'hits', 'visible / incident', 'hit energy', 'layer energy (deciles)', 'radial energy (deciles)']);
    for (const row of table.rows) {
      expect(row.noise_floor, row.feature).toBeGreaterThan(0);
      expect(row.ratio, row.feature).toBeCloseTo(row.w1 / row.noise_floor, 12);
      expect(row.ratio, row.feature).toBeLessThan(SAME_LAW);
    }
    const layers = table.rows.find((r) => r.feature === 'layer energy (deciles)')!;
    expect(layers.bins!.length).toBeGreaterThan(1);
    expect(layers.bins!.at(-1)!.upper_edge).toBeNull(); // the open last bin (∞ has no JSON)
  });

  it('electrons against pions: the hits and the depth of the centre of gravity lie far above the noise floor', () => {
    const { rows } = evaluate(reference, pions);
    // Measured 11–13× (hits) and 44–48× (cog layer) over four pion seeds; both well above SAME_LAW.
    expect(ratioOf(rows, 'hits')).toBeGreaterThan(2 * SAME_LAW);
    expect(ratioOf(rows, 'cog layer')).toBeGreaterThan(4 * SAME_LAW);
  });

  it('prints an aligned table without --json', () => {
    const r = labProcess(['evaluate', 'showers', '--reference', reference, '--candidate', pions]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    const [header, end] = [lines.findIndex((l) => l.startsWith('feature')), lines.findIndex((l) => l.startsWith('W1: '))];
    expect(header).toBeGreaterThan(0);
    expect(end).toBeGreaterThan(header + 8); // a line per feature, more per bin
    const width = lines[header]!.length;
    for (const line of lines.slice(header, end)) expect(line, line).toHaveLength(width);
    expect(lines.some((l) => /^cog layer +\d/.test(l))).toBe(true);
    expect(lines.some((l) => /^ {2}layer in \(\d+, \d+\] +\d/.test(l))).toBe(true);
  });

  it('bad files: exit 2 and one line naming the flag, the file and the dataset', () => {
    const cases: Array<[string, 'reference' | 'candidate', string]> = [
      ['missing-dataset', 'candidate', 'pdg: missing'],
      ['wrong-shape', 'reference', 'direction: shape [100, 2], expected [100, 3]'],
      ['nan-energy', 'candidate', 'energy: value NaN at flat index 1'],
    ];
    for (const [kind, flag, message] of cases) {
      const bad = file(`${kind}.h5`);
      h5py('damage', reference, bad, kind);
      const files = { reference, candidate, [flag]: bad };
      const r = labProcess(['evaluate', 'showers', '--reference', files.reference, '--candidate', files.candidate]);
      expectRefusal(r, `error: --${flag} "${bad}": ${message}`);
    }
    const longer = file('more-layers.h5');
    h5py('damage', candidate, longer, 'more-layers');
    expectRefusal(labProcess(['evaluate', 'showers', '--reference', reference, '--candidate', longer]), /--candidate ".*more-layers\.h5" has 79 detector layers; --reference ".*reference\.h5" has 78/);
  });

  it('refuses what does not apply: --reference on run, a missing --candidate, --set on evaluate, an unreadable file', () => {
    expectRefusal(labProcess(['run', 'showers', '--reference', reference]), 'error: --reference does not apply to run showers');
    const none = file('none.h5');
    const cases: Array<[string[], string]> = [
      [['evaluate', 'showers', '--reference', reference], 'error: evaluate showers needs --candidate FILE'],
      [['evaluate', 'showers', '--reference', reference, '--candidate', candidate, '--set', 'particle=pion'], 'error: "particle" does not apply to evaluate showers'],
      [['evaluate', 'showers', '--reference', reference, '--candidate', candidate, '--seed', '3'], 'error: "seed" does not apply to evaluate showers'],
      [['evaluate', 'showers', '--reference', none, '--candidate', candidate], `error: --reference "${none}" cannot be read: no such file`],
      [['generate', 'showers', '--candidate', candidate, '--out', file('x.h5')], 'error: --candidate does not apply to generate showers'],
    ];
    for (const [argv, line] of cases) {
      const r = refusal(argv);
      expect(r.code).toBe(2);
      expect(r.line.startsWith(line), r.line).toBe(true);
    }
  });
});

describe('lab train / sample showers (the flow model)', () => {
  const TINY = ['--set', 'energy=2:5', '--set', 'ecalCell=30', ...['width=8', 'depth=1', 'heads=2', 'mlp=16', 'countHidden=16', 'pool=32', 'batch=4', 'tokens=64'].flatMap((s) => ['--set', `flow.${s}`])];
  const weights = file('flow.safetensors');

  it('trains, then samples model showers into the file h5py reads, which lab evaluate scores against the generator', () => {
    const t = labProcess(['train', 'showers', ...TINY, '--steps', '3', '--count', '8', '--out', weights, '--json']);
    expect(t.code, t.stderr).toBe(0);
    const report = JSON.parse(t.stdout) as { steps: number; settings: { width: number }; w1: Record<string, { w1: number; floor: number }> };
    expect(report.steps).toBe(3);
    expect(report.settings.width).toBe(8);
    for (const row of Object.values(report.w1)) expect(Number.isFinite(row.w1) && Number.isFinite(row.floor)).toBe(true);

    const out = file('model.h5');
    const set = ['--set', 'energy=2:5', '--set', 'ecalCell=30', '--set', 'flow.solver=euler', '--set', 'flow.steps=2'];
    const s = labProcess(['sample', 'showers', ...set, '--weights', weights, '--count', '5', '--seed', '3', '--out', out, '--json']);
    expect(s.code, s.stderr).toBe(0);
    expect(JSON.parse(s.stdout)).toMatchObject({ count: 5, solver: 'euler', steps: 2, nfe: 2, trainingSteps: 3, counts: 'model' });
    const read = JSON.parse(h5py('inspect', out)) as { shapes: Record<string, number[]>; energy: number[]; generator: string; padding_zero: boolean };
    expect(read.shapes.showers![0]).toBe(5);
    expect(read.energy[0]).toBeGreaterThanOrEqual(2);
    expect(read.energy[1]).toBeLessThanOrEqual(5);
    expect(read.padding_zero).toBe(true);
    expect(read.generator).toContain('flow model (3 training steps; euler × 2; counts from the model)');
    const reference = file('flow-reference.h5');
    const g = labProcess(['generate', 'showers', '--set', 'energy=2:5', '--set', 'ecalCell=30', '--count', '40', '--out', reference, '--json']);
    expect(g.code, g.stderr).toBe(0);
    const e = labProcess(['evaluate', 'showers', '--reference', reference, '--candidate', out, '--json']);
    expect(e.code, e.stderr).toBe(0);
  }, 240_000);

  it('samples with the preset’s shipped weights when --weights is not given, and says so', () => {
    const out = file('shipped.h5');
    const r = labProcess(['sample', 'showers', '--preset', 'flow-electrons', '--set', 'flow.solver=euler', '--set', 'flow.steps=1', '--count', '2', '--out', out, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('using the shipped weights of flow-electrons: public/weights/flow-electrons.bin');
    expect(JSON.parse(r.stdout)).toMatchObject({ count: 2, trainedOn: { particle: 'electron', energy: '2:10', ecalCell: 15 } });
  }, 120_000);

  it('refuses sample without --weights where the preset ships none, weights learned on other cells, and network settings beside --weights, in one line', () => {
    const none = labProcess(['sample', 'showers', '--preset', 'electron-10gev', '--count', '2', '--out', file('x.h5')]);
    expect(none.code).toBe(2);
    expect(none.stderr.trim()).toBe('error: sample showers needs --weights FILE (the preset electron-10gev ships no flow model weights)');
    const cells = labProcess(['sample', 'showers', '--set', 'ecalCell=15', '--weights', weights, '--count', '2', '--out', file('x.h5')]);
    expect(cells.code).toBe(2);
    expect(cells.stderr).toMatch(/^error: --weights .*learned 30 mm ECAL cells .*ecalCell = 15/m);
    const network = labProcess(['sample', 'showers', '--set', 'ecalCell=30', '--set', 'flow.width=16', '--weights', weights, '--count', '2', '--out', file('x.h5')]);
    expect(network.code).toBe(2);
    expect(network.stderr).toContain('"flow.width": with --weights the network settings come from the file');
  }, 120_000);
});
