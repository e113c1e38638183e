// The CLI as a user types it: bad options exit non-zero with one line naming the problem.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { labProcess } from './lab-process';
import { pythonRead } from './python/safetensors';

const lab = (...args: string[]) => labProcess(args);

describe('lab CLI usage errors', () => {
  it('--help prints usage and exits 0', () => {
    const r = lab('--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/usage: npm run --silent lab -- <verb> <system>/);
  });

  it('list shows each range as the errors do: open ends, closed ends, integers marked', () => {
    const r = lab('list');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ {2}phi +a number in \(0, 1\) /m); // was "[0, 1]" for the open interval
    expect(r.stdout).toMatch(/^ {2}n +an integer in \[1, \d+\] particles /m);
  });

  it('<verb> --help lists that verb\'s systems and only the options it takes', () => {
    const run = lab('run', '--help');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^usage: npm run --silent lab -- run mips\|tokens\|showers \[options\]/);
    expect(run.stdout).toMatch(/^ {2}--jsonl /m);
    expect(run.stdout).not.toMatch(/^ {2}--(count|reference|candidate) /m);
    const evaluate = lab('evaluate', '--help');
    expect(evaluate.stdout).toMatch(/^ {2}--reference FILE /m);
    expect(evaluate.stdout).not.toMatch(/^ {2}--(steps|jsonl|every) /m);
  });

  it('--version prints package.json\'s version', () => {
    const r = lab('--version');
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(`particle-lab ${JSON.parse(readFileSync(join(__dirname, '../package.json'), 'utf8')).version}`);
  });

  it('list --json gives each system\'s params as JSON Schema that every preset satisfies and out-of-range values break', () => {
    const r = lab('list', '--json');
    expect(r.code).toBe(0);
    const { systems } = JSON.parse(r.stdout) as { systems: { id: string; presets: { name: string; values: Record<string, unknown> }[]; params: Record<string, any> }[] };
    expect(systems.map((s) => s.id)).toEqual(['mips', 'tokens', 'showers']);
    // A validator for the keywords the schema uses, written here from the JSON Schema spec.
    const valid = (p: Record<string, any>, v: unknown): boolean => {
      if (p.type === 'integer' && !Number.isInteger(v)) return false;
      if ((p.type === 'number' || p.type === 'integer') && typeof v !== 'number') return false;
      if (p.type === 'string' && typeof v !== 'string') return false;
      if (p.type === 'boolean' && typeof v !== 'boolean') return false;
      if (p.enum && !p.enum.includes(v)) return false;
      if (p.minimum !== undefined && (v as number) < p.minimum) return false;
      if (p.exclusiveMinimum !== undefined && (v as number) <= p.exclusiveMinimum) return false;
      if (p.maximum !== undefined && (v as number) > p.maximum) return false;
      if (p.exclusiveMaximum !== undefined && (v as number) >= p.exclusiveMaximum) return false;
      if (p.maxLength !== undefined && (v as string).length > p.maxLength) return false;
      if (p.pattern !== undefined && !new RegExp(p.pattern).test(v as string)) return false;
      return true;
    };
    for (const s of systems) {
      const props = s.params.properties as Record<string, any>;
      expect(s.params.required).toEqual(Object.keys(props));
      for (const [name, p] of Object.entries(props)) expect(valid(p, p.default), `${s.id}.${name} default`).toBe(true);
      for (const preset of s.presets) {
        for (const [name, v] of Object.entries(preset.values)) expect(valid(props[name], v), `${s.id} ${preset.name}: ${name} = ${v}`).toBe(true);
      }
    }
    const phi = systems[0]!.params.properties.phi;
    expect([valid(phi, 0), valid(phi, 0.5), valid(phi, 1)]).toEqual([false, true, false]); // (0, 1), as `lab list` says
    expect(systems[0]!.params.properties.n).toMatchObject({ type: 'integer', minimum: 1, 'x-unit': 'particles' });
    // Derived sweep axes, each naming params its system has.
    const derived = (systems[0] as unknown as { derived: { name: string; sets: string[] }[] }).derived;
    expect(derived.map((d) => d.name)).toEqual(['Pe']);
    for (const name of derived[0]!.sets) expect(systems[0]!.params.properties).toHaveProperty(name);
    expect(derived[0]!.sets).toEqual(['Dr', 'gamma']);
    expect(lab('list').stdout).toMatch(/^ {2}Pe +derived \(sets Dr or gamma\) +Péclet number/m);
  });

  it('run --jsonl streams one JSON sample per line on stdout; --json with it is refused', () => {
    const r = lab('run', 'mips', '--set', 'n=256', '--steps', '20', '--every', '5', '--jsonl');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { step: number; eprScoreFree: number });
    expect(lines.map((l) => l.step)).toEqual([0, 5, 10, 15, 20]);
    expect(lines.every((l) => Number.isFinite(l.eprScoreFree))).toBe(true);
    const both = lab('run', 'mips', '--json', '--jsonl');
    expect(both.code).toBe(2);
    expect(both.stderr.trim()).toBe('error: --json and --jsonl both write stdout; give one');
  });

  it.each([
    [['frob', 'mips'], /unknown verb "frob"/],
    [['run', 'nosuch'], /unknown system "nosuch"/],
    [['run', 'mips', '--steps', '0'], /--steps must be an integer in \[1, /],
    [['run', 'mips', '--set', 'phi'], /--set needs key=value/],
    [['run', 'mips', '--out', 'metrics.txt'], /--out must end in \.csv or \.json/],
    [["run", "mips", "--bogus"], /unknown option "--bogus"/],
    [['bench', 'nosuch'], /bench needs one of mips\|tokens\|showers\|score/],
  ])('%j fails with a one-line message', (args, message) => {
    const r = lab(...args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
  });
});

describe('lab run on Dawn', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lab-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('run mips --json prints one JSON object with the named metrics; --out and --state write files; --resume continues', () => {
    const csv = join(dir, 'm.csv');
    const state = join(dir, 's.json');
    const common = ['--preset', 'dilute-gas', '--set', 'n=256', '--every', '10'];
    const r = lab('run', 'mips', ...common, '--steps', '20', '--out', csv, '--state', state, '--json');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^adapter: /); // says which adapter it runs on, off stdout
    const out = JSON.parse(r.stdout); // the whole of stdout is one JSON object
    expect(out.step).toBe(20);
    for (const k of ['msd', 'eprScoreFree', 'largestClusterFraction', 'polarization']) expect(typeof out[k]).toBe('number');
    expect(out.densityHistogram.counts.length + 1).toBe(out.densityHistogram.edges.length);
    const rows = readFileSync(csv, 'utf8').trim().split('\n');
    expect(rows[0]).toMatch(/^step,time,/);
    expect(rows.map((l) => l.split(',')[0])).toEqual(['step', '0', '10', '20']);
    const saved = JSON.parse(readFileSync(state, 'utf8'));
    expect(saved).toMatchObject({ format: 'particle-lab-state', system: 'mips', step: 20 });

    // 20 + 20 steps through a saved state equal 40 steps in one go (counter-based noise).
    const resumed = JSON.parse(lab('run', 'mips', ...common, '--steps', '20', '--resume', state, '--json').stdout);
    const straight = JSON.parse(lab('run', 'mips', ...common, '--steps', '40', '--json').stdout);
    expect(resumed.step).toBe(40);
    expect(resumed.msd).toBe(straight.msd);
    expect(resumed.eprScoreFree).toBe(straight.eprScoreFree);

    // The same run saved as safetensors: numpy reads the positions the JSON holds, and it resumes alike.
    const tensors = join(dir, 's.safetensors');
    expect(lab('run', 'mips', ...common, '--steps', '20', '--state', tensors).code).toBe(0);
    const py = pythonRead(tensors);
    expect(py.tensors.positions!.shape).toEqual([256, 2]);
    expect(py.tensors.positions!.values).toEqual(Array.from(new Float32Array(new Uint8Array(Buffer.from(saved.buffers.positions.base64, 'base64')).buffer)));
    const fromTensors = JSON.parse(lab('run', 'mips', ...common, '--steps', '20', '--resume', tensors, '--json').stdout);
    expect(fromTensors.msd).toBe(straight.msd);
  });

  it('train mips reports the convergence check beside the learned EPR, and says when the network is not converged', () => {
    const out = join(dir, 'w.safetensors');
    const tiny = ['score.width=16', 'score.depth=1', 'score.heads=2', 'score.neighbors=2'].flatMap((s) => ['--set', s]);
    const r = lab('train', 'mips', '--preset', 'trapped-aoup', '--set', 'n=256', ...tiny, '--steps', '60', '--out', out, '--json');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(readFileSync(out).length).toBe(report.bytes);
    expect(report.eprScoreFree).toBeCloseTo(2, 4); // trapped AOUP, Dt = 0: exactly A d = 2 (science.md)
    for (const k of ['eprLearnedDiv', 'eprLearnedGap', 'eprLearnedGapErr', 'eprLearnedConverged']) expect(typeof report[k]).toBe('number');
    // 60 steps of a tiny network is far from the exact score: the check must not call it converged.
    expect(Math.abs(report.eprLearned - 2)).toBeGreaterThan(0.3);
    expect(report.eprLearnedConverged).toBe(0);
    expect(r.stderr).toMatch(/not converged/);
  });

  it('--adapter NAME: a name that matches none exits 2 listing the adapters (run and the sweep pool alike); a listed name runs, and Slurm tasks get it', () => {
    const miss = lab('run', 'tokens', '--steps', '1', '--adapter', 'no-such-gpu');
    expect(miss.code).toBe(2);
    expect(miss.stderr.trim().split('\n').at(-1)).toMatch(/^error: --adapter: no GPU adapter's name contains 'no-such-gpu' \(the match is case-sensitive\); adapters here: '.+' \(\w+\)/);
    const name = /adapters here: '([^']+)'/.exec(miss.stderr)![1]!;
    const hit = lab('run', 'tokens', '--steps', '1', '--json', `--adapter=${name}`);
    expect(hit.code).toBe(0);
    expect(JSON.parse(hit.stdout).step).toBe(1);
    expect(lab('run', 'tokens', '--adapter').stderr).toMatch(/^error: --adapter needs a value/m);
    // A sweep: the pool's worker and the Slurm script carry the choice.
    const sweep = join(dir, 'adapter-sweep');
    expect(lab('sweep', 'plan', 'tokens', '--grid', 'beta=1,2', '--steps', '2', '--out', sweep).code).toBe(0);
    const pool = lab('sweep', 'run', sweep, '--adapter', 'no-such-gpu');
    expect(pool.code).not.toBe(0);
    expect(pool.stderr).toMatch(/--adapter: no GPU adapter's name contains 'no-such-gpu'/);
    expect(lab('sweep', 'slurm', sweep, '--adapter', "Dev 'A'").code).toBe(0);
    expect(readFileSync(join(sweep, 'sweep.sbatch'), 'utf8')).toMatch(/ '--adapter' 'Dev '\\''A'\\''' sweep point /);
  });

  it('a bad parameter value exits 2 naming the field and its range', () => {
    const r = lab('run', 'mips', '--set', 'phi=1.5');
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^error: phi must be a number in \(0, 1\)/);
    const nan = lab('run', 'mips', '--set', 'dt=NaN');
    expect(nan.code).toBe(2);
    expect(nan.stderr).toMatch(/dt must be a number in \(0, /);
  });

  it('convergence tokens --json prints every row and the fitted order of each scheme (1, 1, 1, 2)', () => {
    const r = lab('convergence', 'tokens', '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out.orders).sort()).toEqual(['lie-euler', 'lie-rk4', 'strang-euler', 'strang-rk4']);
    expect(out.rows.length).toBeGreaterThanOrEqual(12);
    for (const row of out.rows) expect(Object.keys(row)).toEqual(expect.arrayContaining(['scheme', 'splitting', 'substep', 'dt', 'error']));
    // science.md: with Euler sub-steps both splittings are first order; Strang with RK4 sub-steps is second order.
    for (const k of ['lie-euler', 'strang-euler', 'lie-rk4']) expect(Math.abs(out.orders[k] - 1)).toBeLessThan(0.15);
    expect(Math.abs(out.orders['strang-rk4'] - 2)).toBeLessThan(0.15);
  });
});
