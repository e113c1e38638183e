// The CLI's contract under malformed and extreme input: a run is either accepted, or refused
// with exit 2 and exactly one line on stderr that names the field or file: no stack trace, no
// signal, no lost output. Argument, parameter and file handling run in-process through the same
// makePlan the CLI calls before it touches the GPU; a handful of real processes check what only
// a process shows (exit status, signals, stderr, temp folders). Seeded; FUZZ_RUNS=N multiplies
// the random cases and the repeated spawns (default 1: about 40 s on 2 cores).
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { labProcess } from '../lab-process';
import { errorLine, exitCodeOf, parseArgs } from '../../cli/args';
import { writeOutputs } from '../../cli/outputs';
import { makePlan } from '../../cli/plan';
import { encodeWeights } from '../../src/nn/io';
import { localTransformerLayout } from '../../src/nn/local-transformer';
import { quote } from '../../src/quote';
import { rng } from '../nn/helpers';
import { presetParams } from '../../src/sims/config';
import { SCORE_DEFAULTS, SCORE_SCHEMA, networkConfig, scoreArch } from '../../src/sims/mips/score/config';
import { SCORE_KIND } from '../../src/sims/mips/score/weights';
import { schema as mipsSchema } from '../../src/sims/mips/params';
import type { ParamSpec, Params } from '../../src/sims/params';
import { listSystems } from '../../src/sims/registry';
import { encodeBuffer, STATE_FORMAT, STATE_VERSION } from '../../src/sims/state';
import '../../src/sims/index';

const RUNS = Math.max(1, Number(process.env.FUZZ_RUNS ?? 1));
const dir = mkdtempSync(join(tmpdir(), 'lab-fuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const random = rng(12);
const pick = <T>(a: readonly T[]): T => a[Math.floor(random() * a.length)]!;

type Outcome = { ok: true } | { ok: false; code: number; line: string; error: unknown };

/** What the CLI does before the GPU: parse, then check everything. */
function attempt(argv: string[]): Outcome {
  try {
    const args = parseArgs(argv);
    if (!args.help && args.verb !== 'list' && args.verb !== '') makePlan(args);
    return { ok: true };
  } catch (error) {
    return { ok: false, code: exitCodeOf(error), line: errorLine(error), error };
  }
}

/** Refused the CLI way: exit 2, one line, naming `names` (a field or a file); or accepted. */
function expectContract(argv: string[], names: string, mustRefuse = false, context = ''): Outcome {
  const r = attempt(argv);
  const shown = `${JSON.stringify(argv).slice(0, 300)}${context && ` (${context.slice(0, 150)} … ${context.slice(-250)})`}`;
  if (!r.ok) {
    expect(r.code, `${shown}: not a clean refusal: ${r.error instanceof Error ? r.error.stack : r.error}`).toBe(2);
    expect(r.line, shown).not.toMatch(/[\r\n\u2028\u2029]/);
    expect(r.line, shown).not.toMatch(/\n\s+at |node:internal|\.ts:\d+/);
    expect(r.line.length, shown).toBeLessThan(600);
    expect(r.line, `${shown} should name ${names}`).toContain(names);
  } else if (mustRefuse) expect.fail(`${shown} was accepted`);
  return r;
}

const CONTROL = ['\n', '\r', '\u0000', '\u001b[31m', '\u2028', '\u202e', '\t'];
/** Values no number field accepts, plus boundary and out-of-range ones for this spec. */
function badValues(s: ParamSpec): string[] {
  const common = ['', ' ', 'abc', '0x10', '1e999', 'NaN', 'Infinity', '-Infinity', '１２', '٣', '∞', '1,5', '1_000', '9'.repeat(5000), '\u{1F600}', ...CONTROL.map((c) => `1${c}2`)];
  if (s.kind === 'number') {
    const out = [String(s.min - 1), String(s.max * 10 + 1), String(-s.max - 1)];
    if (s.minExclusive) out.push(String(s.min));
    if (s.maxExclusive) out.push(String(s.max));
    if (s.integer) out.push(String(s.min + 0.5), `${s.min}.000001`);
    return [...common, ...out];
  }
  if (s.kind === 'boolean') return [...common, 'yes', 'TRUE ', '2'];
  if (s.kind === 'enum') return [...common, `${s.options[0]}x`, s.options[0]!.toUpperCase() === s.options[0] ? 'zzz' : s.options[0]!.toUpperCase()];
  if (s.kind === 'range') return [...common, String(s.min - 1), String(s.max * 10 + 1), `${s.max}:${s.min}`, `${s.min}:${s.max}:${s.max}`, `:${s.max}`];
  return [...common.filter((v) => v.trim() === ''), 'x'.repeat(s.maxLength + 1)];
}

/** A random value that may be in range (accepted unless a cross-field rule refuses it). */
function randomValue(s: ParamSpec): string {
  if (s.kind === 'number') {
    const v = s.min + random() * (Math.min(s.max, s.min + 1e6) - s.min);
    return String(s.integer ? Math.round(v) : v);
  }
  if (s.kind === 'enum') return pick(s.options);
  if (s.kind === 'boolean') return pick(['true', 'false', '0', '1']);
  if (s.kind === 'range') {
    const [a, b] = [s.min + random() * (s.max - s.min), s.min + random() * (s.max - s.min)];
    return random() < 0.5 ? String(a) : `${Math.min(a, b)}:${Math.max(a, b)}`;
  }
  return 'word '.repeat(1 + Math.floor(random() * 5)).trim();
}

describe('CLI fuzz: every parameter of every system (in-process)', () => {
  for (const def of listSystems()) {
    it(`${def.id}: bad, extreme and random --set values are accepted or refused naming the field`, () => {
      let refused = 0;
      for (const s of def.schema.specs) {
        for (const v of badValues(s)) {
          // An empty or blank string is a valid text for no field; for a number it is refused.
          const r = expectContract(['run', def.id, '--set', `${s.name}=${v}`], s.name, s.kind !== 'string' || v.trim() === '');
          if (!r.ok) refused++;
        }
        for (let i = 0; i < 3 * RUNS; i++) expectContract(['run', def.id, '--set', `${s.name}=${randomValue(s)}`], '');
      }
      // Unknown keys: unicode, control characters, very long, prototype names.
      for (const key of ['nope', 'ph\ni', '\u202ephi', 'x'.repeat(3000), '__proto__', 'constructor', 'score', 'φ']) {
        expectContract(['run', def.id, '--set', `${key}=1`], quote(key).slice(0, 40), true);
      }
      expect(refused).toBeGreaterThan(def.schema.specs.length * 10);
    });
  }

  it('score.* settings: strict on train and bench score, refused where nothing reads them', () => {
    const out = join(dir, 'w.safetensors');
    for (const s of SCORE_SCHEMA.specs) {
      for (const v of badValues(s)) {
        expectContract(['train', 'mips', '--out', out, '--set', `${s.name}=${v}`], s.name, true);
        expectContract(['bench', 'score', '--set', `${s.name}=${v}`], s.name, true);
      }
      for (let i = 0; i < 2 * RUNS; i++) expectContract(['bench', 'score', '--set', `${s.name}=${randomValue(s)}`], 'score.');
      // A score setting on run does nothing: refused, not ignored.
      expectContract(['run', 'mips', '--set', `${s.name}=${s.default}`], s.name, true);
    }
    for (const v of ['-1', '1.5', 'abc', '', '1e999']) expectContract(['train', 'mips', '--out', out, '--set', `score.warmup=${v}`], 'score.warmup', true);
    expect(attempt(['train', 'mips', '--out', out, '--set', 'score.warmup=100', '--set', 'score.width=16']).ok).toBe(true);
    expectContract(['bench', 'tokens', '--set', 'd=6'], 'd must be divisible by heads', true);
    expectContract(['bench', 'tokens', '--set', 'heads=3'], 'heads', true);
  });

  it('malformed flags and verbs', () => {
    const cases: Array<[string[], string]> = [
      [['run', 'mips', '--steps'], '--steps'],
      [['run', 'mips', '--steps=abc'], '--steps'],
      [['run', 'mips', '--steps', '1', '--steps', '2'], '--steps'],
      [['run', 'mips', '--steps', '-1'], '--steps'],
      [['run', 'mips', '--steps', '1e3'], '--steps'],
      [['run', 'mips', '--every', '0'], '--every'],
      [['run', 'mips', '--json=1'], '--json'],
      [['run', 'mips', '-x'], '-x'],
      [['run', 'mips', '---'], '---'],
      [['run', 'mips', '--set'], '--set'],
      [['run', 'mips', '--set', '=1'], '--set'],
      [['run', 'mips', '--set', 'phi=0.3', '--set', 'phi=0.4'], 'phi'],
      [['run', 'mips', 'extra'], 'extra'],
      [['run'], 'run needs a system'],
      [['run', 'mi\nps'], 'mi\\nps'],
      [['ru\nn', 'mips'], 'ru\\nn'],
      [['constructor', 'mips'], 'constructor'],
      [['bench', 'constructor'], 'constructor'],
      [['run', 'mips', '--preset', 'abp\nmips'], 'abp\\nmips'],
      [['run', 'mips', '--preset', 'x'.repeat(10000)], 'preset'],
      [['convergence', 'mips'], 'convergence'],
      [['generate', 'tokens', '--out', 'w.h5'], 'generate'],
      [['train', 'mips'], '--out'],
      [['bench', 'mips', '--out', 'm.csv'], '--out'],
      [['convergence', 'tokens', '--steps', '5'], '--steps'],
      [['run', 'tokens', '--weights', 'w.bin'], '--weights'],
      [['run', 'mips', '--out', 'm.bin'], '--out'],
      [['run', 'mips', '--state', 's.csv'], '--state'],
    ];
    for (const [argv, names] of cases) expectContract(argv, names, true);
    // Random argument soup: any mix of known flags, values and junk.
    const atoms = ['run', 'mips', 'tokens', 'bench', '--set', 'n=16', 'phi=2', '--steps', '3', '--json', '--preset', '--seed', '-1', '--', '=', '', '\n', '--every', 'ü'];
    for (let i = 0; i < 200 * RUNS; i++) {
      const argv = Array.from({ length: 1 + Math.floor(random() * 6) }, () => pick(atoms));
      const r = attempt(argv);
      if (!r.ok) {
        expect(r.code, `${JSON.stringify(argv)}: ${r.error instanceof Error ? r.error.stack : r.error}`).toBe(2);
        expect(r.line).not.toMatch(/[\r\n]/);
      }
    }
  });
});

/** A valid mips state file (no GPU needed: buffers of the right sizes, positions in the box). */
function mipsState(params: Params): Record<string, unknown> {
  const n = params.n as number;
  return {
    format: STATE_FORMAT, version: STATE_VERSION, system: 'mips', params, step: 10, time: 0.1,
    buffers: {
      positions: encodeBuffer(new Float32Array(2 * n).fill(0.5)),
      propulsion: encodeBuffer(new Float32Array(2 * n)),
      displacement: encodeBuffer(new Float32Array(2 * n)),
      msdOriginTime: encodeBuffer(Float32Array.of(0)),
    },
  };
}

describe('CLI fuzz: corrupted input files and output paths (in-process)', () => {
  const params = mipsSchema.typed(presetParams(listSystems().find((d) => d.id === 'mips')!, 'dilute-gas'));

  it('state files: corrupt envelopes, buffers and bytes are refused naming the file', () => {
    const file = join(dir, 'state.json');
    const run = (content: string | Uint8Array, mustRefuse = true) => {
      writeFileSync(file, content);
      const what = typeof content === 'string' ? content.replace(/"base64":"[^"]*"/g, '"base64":…').replace(/"params":\{[^}]*\}/, '"params":{…}') : 'bytes';
      return expectContract(['run', 'mips', '--resume', file], quote(file), mustRefuse, what);
    };
    const good = mipsState(params);
    expect(run(JSON.stringify(good), false).ok).toBe(true); // the control: a valid file is accepted
    type Buffers = Record<string, { base64: string; length: unknown; type: string }>;
    const variants: Array<(s: Record<string, unknown>, b: Buffers) => void> = [
      (s) => delete s.format, (s) => (s.format = 'x\ny'), (s) => (s.version = 2), (s) => (s.system = 'tokens'),
      (s) => (s.step = 2 ** 32), (s) => (s.step = -1), (s) => (s.step = 1.5), (s) => (s.step = '5'), (s) => (s.time = null),
      (s) => delete s.buffers, (s) => (s.buffers = []), (s) => (s.params = 'abc'), (s) => (s.params = { n: '256' }),
      (s) => (s.params = { phi: 2 }), (s) => (s.params = { nope: 1 }),
      (_, b) => (b.positions!.base64 = `!!${b.positions!.base64.slice(2)}`),
      (_, b) => (b.positions!.base64 = b.positions!.base64.slice(0, -4)),
      (_, b) => (b.positions!.base64 = `${b.positions!.base64.slice(0, 8)}\n${b.positions!.base64.slice(8)}`),
      (_, b) => (b.positions!.length = -1), (_, b) => (b.positions!.length = 1.5), (_, b) => (b.positions!.length = 1e12),
      (_, b) => (b.positions!.type = 'f64'),
    ];
    for (const change of variants) {
      const s = mipsState(params);
      change(s, s.buffers as Buffers);
      run(JSON.stringify(s));
    }
    const text = JSON.stringify(mipsState(params));
    for (const bad of ['', '{', 'null', '[]', '"x"', text.slice(0, text.length / 2), '\u00ff\u00fe']) run(bad);
    // Random byte flips: refused naming the file, or still a valid state.
    for (let i = 0; i < 60 * RUNS; i++) {
      const bytes = new TextEncoder().encode(text);
      for (let k = 0; k < 3; k++) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
      run(bytes, false);
    }
    expectContract(['run', 'mips', '--resume', join(dir, 'missing.json')], 'missing.json', true);
    expectContract(['run', 'mips', '--resume', dir], quote(dir), true);
  });

  it('--set on --resume applies on top of the state, validated, and says so', () => {
    const file = join(dir, 'resume.json');
    writeFileSync(file, JSON.stringify(mipsState(params)));
    const plan = makePlan(parseArgs(['run', 'mips', '--resume', file, '--set', 'dt=0.02']));
    expect(plan.params.dt).toBe(0.02);
    expect(plan.resume!.params.dt).toBe(0.02);
    expect(plan.params.n).toBe(params.n);
    expect(plan.notes.join(' ')).toMatch(/applying dt="0.02" on top of the state's params/);
    expectContract(['run', 'mips', '--resume', file, '--set', 'dt=-1'], 'dt', true);
    // The GPU step clock is a u32: a run may not pass step 2^32 − 1.
    expectContract(['run', 'mips', '--resume', file, '--steps', String(2 ** 32 - 10)], '--steps', true);
    expect(attempt(['run', 'mips', '--resume', file, '--steps', String(2 ** 32 - 11)]).ok).toBe(true);
  });

  it('weights files: missing entries, NaN, bad meta and random corruption are refused naming the file', () => {
    const layout = localTransformerLayout(networkConfig(SCORE_DEFAULTS, scoreArch(params)));
    const theta = new Float32Array(layout.size).map(() => random() - 0.5);
    const meta = { kind: SCORE_KIND, settings: SCORE_DEFAULTS, arch: scoreArch(params), steps: 5, trainedOn: {} };
    const good = encodeWeights(layout, { theta, ema: theta, meta });
    const file = join(dir, 'w.bin');
    const run = (bytes: Uint8Array, mustRefuse = true) => {
      writeFileSync(file, bytes);
      const what = new TextDecoder().decode(bytes.subarray(8, 600));
      return expectContract(['run', 'mips', '--preset', 'dilute-gas', '--weights', file], quote(file), mustRefuse, what);
    };
    expect(run(good, false).ok).toBe(true); // the control
    // The safetensors header, edited and written back (u64 length, JSON, the same data).
    const hlen = Number(new DataView(good.buffer).getBigUint64(0, true));
    const withHeader = (edit: (h: Record<string, any>, meta: Record<string, any>) => void) => {
      const h = JSON.parse(new TextDecoder().decode(good.subarray(8, 8 + hlen)));
      const text = h.__metadata__.meta;
      const meta = JSON.parse(text);
      edit(h, meta);
      if (h.__metadata__?.meta === text) h.__metadata__.meta = JSON.stringify(meta); // an edit of the meta object
      const json = new TextEncoder().encode(JSON.stringify(h));
      const out = new Uint8Array(8 + json.length + good.length - 8 - hlen);
      new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
      out.set(json, 8);
      out.set(good.subarray(8 + hlen), 8 + json.length);
      return out;
    };
    const first = layout.entries[0]!.name;
    const edits: Array<(h: Record<string, any>, meta: Record<string, any>) => void> = [
      (h) => delete h[first], (h) => (h[first] = 'x'), (h) => (h[first] = null), (h) => (h[first].dtype = 'F64'), (h) => (h[first].shape = [-1]),
      (h) => (h[first].data_offsets = [0, 1]), (h) => (h.extra = { dtype: 'F32', shape: [0], data_offsets: [0, 0] }),
      (h) => (h[`ema/${first}`] = h[first]), (h) => delete h.__metadata__, (h) => (h.__metadata__ = []), (h) => (h.__metadata__.meta = '{x'),
      (h) => (h.__metadata__.format = 'gguf'), (h) => (h.__metadata__.version = 1),
      (_, m) => (m.arch.model = 5), (_, m) => (m.settings.width = '32'), (_, m) => (m.kind = 'other'), (_, m) => (m.arch.noisyX = !m.arch.noisyX),
    ];
    for (const edit of edits) run(withHeader(edit));
    const nan = good.slice();
    new DataView(nan.buffer).setFloat32(nan.length - 4 * 7, NaN, true); // in the last tensor
    const refusedNan = run(nan);
    expect(refusedNan.ok ? '' : refusedNan.line).toMatch(/non-finite value \(NaN\)/);
    for (const bad of [new Uint8Array(0), good.subarray(0, 11), good.subarray(0, good.length - 4), new TextEncoder().encode('PLNN{}'), good.subarray(8)]) run(bad);
    const huge = good.slice();
    new DataView(huge.buffer).setUint32(0, 0xffffffff, true);
    run(huge);
    // A legacy PLNN file cut short.
    run(new TextEncoder().encode('PLNN\x01\x00\x00\x00\xff\x00\x00\x00{}'));
    for (let i = 0; i < 40 * RUNS; i++) {
      const bytes = good.slice();
      for (let k = 0; k < 2; k++) bytes[Math.floor(random() * Math.min(bytes.length, 4000))] = Math.floor(random() * 256);
      run(bytes, false);
    }
    expectContract(['run', 'mips', '--weights', join(dir, 'none.bin')], 'none.bin', true);
  });

  it('output paths: folders, missing folders, /proc and two outputs on one file are refused before the run', () => {
    const folder = join(dir, 'folder.json');
    mkdirSync(folder, { recursive: true });
    const cases: Array<[string[], string]> = [
      [['--out', folder], quote(folder)],
      [['--state', folder], quote(folder)],
      [['--out', join(dir, 'no', 'such', 'm.csv')], 'm.csv'],
      [['--state', '/proc/particle-lab.json'], '/proc/particle-lab.json'],
      [['--out', join(dir, 'same.json'), '--state', join(dir, 'same.json')], 'same.json'],
      [['--out', join(dir, 'same.json'), '--state', `${dir}/./sub/../same.json`], 'same file'],
    ];
    mkdirSync(join(dir, 'sub'), { recursive: true });
    for (const [extra, names] of cases) expectContract(['run', 'mips', ...extra], names, true);
    expectContract(['train', 'mips', '--out', '/proc/w.safetensors'], '/proc/w.safetensors', true);
    // The probe leaves nothing behind.
    expect(attempt(['run', 'mips', '--out', join(dir, 'fresh.csv'), '--state', join(dir, 'fresh.json')]).ok).toBe(true);
    expect(readdirSync(dir).filter((f) => f.startsWith('fresh'))).toEqual([]);
  });

  it('a failing write loses no other output and names the one that failed', async () => {
    const kept = join(dir, 'kept.csv');
    const gone = join(dir, 'vanished', 'state.json');
    const failed = await writeOutputs([
      { flag: '--state', path: gone, data: () => '{}' },
      { flag: '--out', path: kept, data: () => 'step,time\n0,0\n' },
    ]);
    expect(failed).toEqual([`--state ${quote(gone)} was not written: its folder does not exist`]);
    expect(readFileSync(kept, 'utf8')).toBe('step,time\n0,0\n');
  });
});

/** The CLI as a process, with a private temp folder (to see what it leaves there). */
function lab(tmp: string, ...args: string[]) {
  return labProcess(args, { TMPDIR: tmp, XDG_RUNTIME_DIR: '' });
}

const errorLines = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('error:'));
const otherLines = (stderr: string) => stderr.split('\n').filter((l) => l && !/^(error|adapter|note): /.test(l));

describe('CLI fuzz: real processes', () => {
  const mipsPreset = presetParams(listSystems().find((d) => d.id === 'mips')!, 'dilute-gas');
  const tmp = mkdtempSync(join(dir, 'tmp-'));

  it('errors after the GPU is set up exit 2 cleanly every time: no signal, one error line, no temp folder left', () => {
    // A state without its buffers passes the file checks; the system refuses it on import, on the GPU.
    const file = join(dir, 'nobuffers.json');
    writeFileSync(file, JSON.stringify({ ...mipsState(mipsPreset), buffers: {} }));
    for (let i = 0; i < 2 * RUNS; i++) {
      const r = lab(tmp, 'run', 'mips', '--preset', 'dilute-gas', '--steps', '2', '--resume', file);
      expect(r.signal).toBeNull();
      expect(r.code).toBe(2);
      expect(errorLines(r.stderr)).toHaveLength(1);
      expect(errorLines(r.stderr)[0]).toMatch(/positions/);
      expect(otherLines(r.stderr)).toEqual([]);
    }
    expect(readdirSync(tmp).filter((f) => f.startsWith('particle-lab-xdg-'))).toEqual([]);
  });

  it('bad files are refused before the GPU: one line on stderr, nothing else', () => {
    const state = join(dir, 'badbase64.json');
    const s = mipsState(mipsPreset);
    (s.buffers as Record<string, { base64: string }>).positions!.base64 = '!!!!';
    writeFileSync(state, JSON.stringify(s));
    const out = join(dir, 'never.csv');
    const r = lab(tmp, 'run', 'mips', '--preset', 'dilute-gas', '--resume', state, '--out', out);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^error: --resume ".*badbase64\.json": state buffer "positions": base64/)]);
    expect(r.stdout).toBe('');
  });

  it('run tokens at β = 100, dt = 1: finite results and exit 0 (E_β overflowed float32 before)', () => {
    const r = lab(tmp, 'run', 'tokens', '--set', 'beta=100', '--set', 'dt=1', '--steps', '2', '--json');
    expect(r.signal).toBeNull();
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    for (const [k, v] of Object.entries(out)) if (typeof v !== 'object') expect(typeof v === 'string' || Number.isFinite(v), k).toBe(true);
    // The diagonal terms alone give E_β ≥ n·e^100 / (2βn²) = e^100 / (200 n) > 3e37 for n ≤ 4096,
    // beyond float32's 3.4e38 / e^(88.7) range once summed: the value float32 could not hold.
    expect(out.energy).toBeGreaterThan(Math.exp(100) / (200 * 4096));
  });
});
