// Everything a CLI run needs, checked before the GPU is touched: the verb and its options,
// params, score settings, the files it reads (state, weights) and the paths it writes. A pure
// function of the arguments and the file system, so tests call it in-process (test/fuzz).
import { readFileSync } from 'node:fs';
import { WeightsFormatError } from '../src/nn/io';
import { quote } from '../src/quote';
import { resolveParams } from '../src/sims/config';
import { ParamError, parseValue, withText, type NumberParam, type Params } from '../src/sims/params';
import { listSystems } from '../src/sims/registry';
import { checkState, MAX_STATE_STEP, type SimState } from '../src/sims/state';
import type { SimDefinition } from '../src/sims/types';
import { SCORE_DEFAULTS, SCORE_PREFIX, withScoreText, type ScoreSettings } from '../src/sims/mips/score/config';
import { checkWeights } from '../src/sims/mips/score/weights';
import { UsageError, type CliArgs } from './args';
import { checkOutputs, reason, type OutputPath } from './outputs';
import { benchTarget, type BenchTarget } from './verbs';
import '../src/sims/index';

export interface Plan {
  args: CliArgs;
  def: SimDefinition;
  params: Params;
  bench?: BenchTarget;
  /** The state to resume from (checked; its params are `params`). */
  resume?: SimState;
  /** Score-network weights (checked against `params`). */
  weights?: Uint8Array;
  /** train and bench score: the network settings; train: sim steps before training. */
  score?: ScoreSettings;
  warmup: number;
  /** Lines for stderr: what the run does that the user may not expect. */
  notes: string[];
}

type Option = 'steps' | 'every' | 'out' | 'state' | 'resume' | 'weights';
/** Options each verb uses; any other is refused rather than ignored. */
const OPTIONS: Record<string, readonly Option[]> = {
  run: ['steps', 'every', 'out', 'state', 'resume', 'weights'],
  train: ['steps', 'out', 'state', 'resume', 'weights'],
  bench: ['steps'],
  convergence: [],
};

/** score.warmup: sim steps before training starts (a CLI setting of train, not of the network). */
const WARMUP: NumberParam = {
  kind: 'number', name: 'score.warmup', label: 'warm-up', unit: 'steps', description: 'Sim steps before training.',
  default: 0, min: 0, max: 1e9, integer: true,
};

function system(args: CliArgs): SimDefinition {
  const ids = listSystems().map((s) => s.id);
  if (!args.system) throw new UsageError(`${args.verb} needs a system: ${ids.join('|')}`);
  const def = listSystems().find((s) => s.id === args.system);
  if (!def) throw new ParamError('system', `unknown system ${quote(args.system)}; available: ${ids.join(', ')}`);
  return def;
}

function checkOptions(args: CliArgs, what: string): void {
  const allowed = OPTIONS[args.verb] ?? [];
  for (const o of ['steps', 'every', 'out', 'state', 'resume', 'weights'] as const) {
    if (args[o] !== undefined && !allowed.includes(o)) throw new UsageError(`--${o} does not apply to ${what}`);
  }
}

/** The score.* keys of --set, without the prefix. */
function scoreOverrides(args: CliArgs): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(args.set)) if (k.startsWith(SCORE_PREFIX)) out[k.slice(SCORE_PREFIX.length)] = v;
  return out;
}

/** Score settings through their strict parser; refused where nothing would read them. */
function scoreSettings(args: CliArgs, uses: boolean): { score?: ScoreSettings; warmup: number } {
  const o = scoreOverrides(args);
  const keys = Object.keys(o);
  if (!uses) {
    if (keys.length === 0) return { warmup: 0 };
    throw new UsageError(`${quote(SCORE_PREFIX + keys[0])}: score.* settings apply only to train mips and bench score`);
  }
  const warmup = o.warmup === undefined ? 0 : (parseValue(WARMUP, o.warmup) as number);
  delete o.warmup;
  if (args.weights && Object.keys(o).length > 0) {
    throw new UsageError(`${quote(SCORE_PREFIX + Object.keys(o)[0])}: with --weights the network settings come from the file (only score.warmup applies)`);
  }
  try {
    return { score: withScoreText(SCORE_DEFAULTS, o), warmup };
  } catch (e) {
    if (e instanceof ParamError) throw e;
    throw new UsageError((e as Error).message);
  }
}

function readInput(flag: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new UsageError(`${flag} ${quote(file)} cannot be read: ${reason(e)}`);
  }
}

function readState(def: SimDefinition, base: Params, file: string): SimState {
  let raw: unknown;
  try {
    raw = JSON.parse(readInput('--resume', file).toString('utf8'));
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`--resume ${quote(file)} is not JSON (${(e as Error).message})`);
  }
  try {
    return checkState(def.id, def.schema, base, raw);
  } catch (e) {
    if (e instanceof ParamError) throw new ParamError(e.field, `--resume ${quote(file)}: ${e.message}`);
    throw e;
  }
}

function readWeights(file: string, params: Params): Uint8Array {
  const bytes = new Uint8Array(readInput('--weights', file));
  try {
    checkWeights(bytes, params);
  } catch (e) {
    if (e instanceof WeightsFormatError) throw new UsageError(`--weights ${quote(file)}: ${e.message}`);
    throw e;
  }
  return bytes;
}

export function makePlan(args: CliArgs): Plan {
  if (!Object.hasOwn(OPTIONS, args.verb)) throw new UsageError(`unknown verb ${quote(args.verb)}; use run|bench|convergence|train|list`);
  const bench = args.verb === 'bench' ? benchTarget(args.system) : undefined;
  if (bench) args = { ...args, system: bench.system, preset: args.preset ?? bench.preset };
  const def = system(args);
  checkOptions(args, bench ? `bench ${bench.name}` : `${args.verb} ${def.id}`);
  if (args.verb === 'convergence' && def.id !== 'tokens') throw new UsageError(`convergence is not available for system ${quote(def.id)}`);
  if (args.verb === 'train' && def.id !== 'mips') throw new UsageError(`train is only available for mips (the score network); got ${quote(def.id)}`);
  if (args.weights && def.id !== 'mips') throw new UsageError(`--weights is only available for mips; got ${quote(def.id)}`);
  const { score, warmup } = scoreSettings(args, args.verb === 'train' || bench?.name === 'score');

  // score.* keys configure the score network, not the system.
  const overrides = Object.fromEntries(Object.entries(args.set).filter(([k]) => !k.startsWith(SCORE_PREFIX)));
  if (args.seed !== undefined) overrides.seed = args.seed;
  // A convergence study starts from the system's `convergence` preset when it has one (smooth, float32-safe).
  const preset = args.preset ?? (args.verb === 'convergence' && def.presets.some((p) => p.name === 'convergence') ? 'convergence' : undefined);
  const notes: string[] = [];
  let params: Params;
  let resume: SimState | undefined;
  if (args.resume) {
    // The state's params are the base; --set overrides apply on top, validated like any other.
    const saved = readState(def, resolveParams(def, preset, {}), args.resume);
    params = withText(def.schema, saved.params, overrides);
    resume = { ...saved, params };
    const set = Object.keys(overrides);
    if (set.length > 0) notes.push(`--resume: applying ${set.map((k) => `${k}=${quote(overrides[k])}`).join(', ')} on top of the state's params`);
  } else params = resolveParams(def, preset, overrides);
  const start = resume?.step ?? 0;
  if (args.steps !== undefined && start + args.steps > MAX_STATE_STEP) {
    throw new UsageError(`--steps ${args.steps} from step ${start} passes ${MAX_STATE_STEP}, the last step of the GPU's u32 step clock`);
  }
  if (bench?.params) params = bench.params(def, params, args);

  const weights = args.weights ? readWeights(args.weights, params) : undefined;
  if (args.verb === 'train' && !args.out?.toLowerCase().endsWith('.bin')) throw new UsageError('train needs --out FILE.bin (the weights file)');
  const outputs: OutputPath[] = [];
  if (args.out) outputs.push({ flag: '--out', path: args.out });
  if (args.state) outputs.push({ flag: '--state', path: args.state });
  checkOutputs(outputs); // writable and distinct, before any work
  return { args, def, params, bench, resume, weights, score, warmup, notes };
}
