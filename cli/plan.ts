// Everything a CLI run needs, checked before the GPU is touched: the verb and its options,
// params, model settings, the files it reads (state, weights, a tool's inputs) and the paths it
// writes. A pure function of the arguments and the file system, so tests call it in-process
// (test/fuzz).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WeightsFormatError } from '../src/nn/io';
import { quote } from '../src/quote';
import { resolveParams } from '../src/sims/config';
import { defaults, ParamError, withText, type ParamSchema, type Params } from '../src/sims/params';
import { getSystem } from '../src/sims/registry';
import { checkState, MAX_STATE_STEP, parseStateFile, type SimState } from '../src/sims/state';
import { INPUT_FILE_OPTIONS, type InputFile, type InputFileOption, type SimTool, type ToolOption } from '../src/sims/tools';
import type { SimDefinition } from '../src/sims/types';
import { UsageError, type CliArgs } from './args';
import { checkOutputs, reason, type OutputPath } from './outputs';
import { findTool, offers, usageOf, verbs } from './verbs';
import '../src/sims/index';

export interface Plan {
  args: CliArgs;
  def: SimDefinition;
  /** The tool the verb runs; none for `run`. */
  tool?: SimTool;
  /** How the user named the target (`mips`, `score`), for messages. */
  target: string;
  params: Params;
  /** Param names the user set. */
  explicit: ReadonlySet<string>;
  preset: string;
  /** The state to resume from (checked; its params are `params`). */
  resume?: SimState;
  /** Model weights (checked against `params`). */
  weights?: Uint8Array;
  /** The model's settings with the tool's extra ones (tools that read them). */
  settings?: Params;
  /** The files given with a tool's input-file options, read. */
  inputs: Partial<Record<InputFileOption, InputFile>>;
  /** Lines for stderr: what the run does that the user may not expect. */
  notes: string[];
}

type Option = ToolOption | 'every';
const ALL_OPTIONS: readonly Option[] = ['steps', 'count', 'every', 'out', 'state', 'resume', 'weights', ...INPUT_FILE_OPTIONS];
export const RUN_OPTIONS: readonly Option[] = ['steps', 'every', 'out', 'state', 'resume', 'weights'];

function checkOptions(args: CliArgs, allowed: readonly Option[], what: string): void {
  for (const o of ALL_OPTIONS) {
    if (args[o] !== undefined && !allowed.includes(o)) throw new UsageError(`--${o} does not apply to ${what}`);
  }
}

/** The model's settings plus the tool's own, as one schema (messages name the prefixed field). */
function settingsSchema(def: SimDefinition, tool: SimTool): ParamSchema {
  const own = tool.settings?.schema ?? def.model!.settings;
  return { specs: [...own.specs, ...(tool.settings?.extra ?? [])], checks: own.checks };
}

/** Model settings (`--set <prefix>KEY=V`) through their schema; refused where nothing reads them. */
function modelSettings(weights: string | undefined, def: SimDefinition, tool: SimTool | undefined, given: Record<string, string>): Params | undefined {
  const keys = Object.keys(given);
  if (!tool?.settings || !(tool.settings.schema ?? def.model)) {
    if (keys.length === 0) return undefined;
    const readers = offers().filter((o) => o.tool.settings && o.def === def).map((o) => `${o.verb} ${o.name}`);
    throw new UsageError(`${quote(keys[0]!)}: ${def.model?.prefix ?? ''}* settings apply only to ${readers.join(' and ')}`);
  }
  const schema = settingsSchema(def, tool);
  if (weights) {
    const extra = new Set((tool.settings.extra ?? []).map((s) => s.name));
    const network = keys.find((k) => !extra.has(k));
    if (network) {
      const only = extra.size > 0 ? ` (only ${[...extra].join(', ')} applies)` : '';
      throw new UsageError(`${quote(network)}: with --weights the network settings come from the file${only}`);
    }
  }
  return withText(schema, defaults(schema), given);
}

function readInput(flag: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    // reason() speaks of outputs ("its folder does not exist"); a missing input is just missing.
    const missing = e instanceof Error && 'code' in e && e.code === 'ENOENT';
    throw new UsageError(`${flag} ${quote(file)} cannot be read: ${missing ? 'no such file' : reason(e)}`);
  }
}

/** The input files a tool cannot run without are named. */
function checkRequired(args: CliArgs, tool: SimTool | undefined, what: string): void {
  // Weights may come from the preset's shipped file (weightsFile).
  const missing = tool?.requires?.find((o) => o !== 'weights' && args[o] === undefined);
  if (missing) throw new UsageError(`${what} needs --${missing} FILE`);
}

/** The repository's public/ folder, where the lab serves shipped weights from. */
const PUBLIC_DIR = fileURLToPath(new URL('../public/', import.meta.url));

/** The weights a run reads: --weights, else the preset's shipped file for a tool that needs weights. */
function weightsFile(args: CliArgs, def: SimDefinition, tool: SimTool | undefined, preset: string, what: string): { path?: string; note?: string } {
  // An unknown preset is refused by name when the params are resolved.
  if (args.weights || !tool?.requires?.includes('weights') || !def.presets.some((p) => p.name === preset)) return { path: args.weights };
  const shipped = def.model?.defaultWeights[preset];
  const path = shipped && join(PUBLIC_DIR, shipped);
  if (!path || !existsSync(path)) throw new UsageError(`${what} needs --weights FILE (the preset ${preset} ships no ${def.model?.title.toLowerCase() ?? 'model'} weights)`);
  return { path, note: `using the shipped weights of ${preset}: public/${shipped}` };
}

/** The input files the arguments name, read (the options were checked against the tool's). */
function readInputs(args: CliArgs): Partial<Record<InputFileOption, InputFile>> {
  const inputs: Partial<Record<InputFileOption, InputFile>> = {};
  for (const o of INPUT_FILE_OPTIONS) {
    const path = args[o];
    if (path !== undefined) inputs[o] = { path, bytes: new Uint8Array(readInput(`--${o}`, path)) };
  }
  return inputs;
}

function readState(def: SimDefinition, base: Params, file: string): SimState {
  const bytes = new Uint8Array(readInput('--resume', file));
  try {
    return checkState(def.id, def.schema, base, parseStateFile(bytes));
  } catch (e) {
    if (e instanceof ParamError) throw new ParamError(e.field, `--resume ${quote(file)}: ${e.message}`);
    throw e;
  }
}

function readWeights(def: SimDefinition, file: string, params: Params): Uint8Array {
  const bytes = new Uint8Array(readInput('--weights', file));
  try {
    def.model!.checkWeights(bytes, params);
  } catch (e) {
    if (e instanceof WeightsFormatError) throw new UsageError(`--weights ${quote(file)}: ${e.message}`);
    throw e;
  }
  return bytes;
}

/** The system and tool the verb names. */
function target(args: CliArgs): { def: SimDefinition; tool?: SimTool } {
  if (args.verb === 'run') {
    if (!args.system) throw new UsageError(`run needs a system: ${usageOf('run').slice(4)}`);
    return { def: getSystem(args.system) };
  }
  if (!verbs().includes(args.verb)) throw new UsageError(`unknown verb ${quote(args.verb)}; use ${verbs().join('|')}`);
  const { def, tool } = findTool(args.verb, args.system);
  return { def, tool };
}

/** The extension --out must have: the tool's, or .csv/.json for run. */
function checkOut(args: CliArgs, tool: SimTool | undefined, what: string): void {
  const ext = tool?.out?.ext;
  if (tool?.out?.required && !args.out) throw new UsageError(`${what} needs --out FILE${ext}`);
  if (!args.out) return;
  const ok = ext ? args.out.toLowerCase().endsWith(ext) : /\.(csv|json)$/i.test(args.out);
  if (!ok) throw new UsageError(`--out must end in ${ext ?? '.csv or .json'}; got ${quote(args.out)}`);
}

export function makePlan(args: CliArgs): Plan {
  const { def, tool } = target(args);
  const name = args.system!;
  const what = `${args.verb} ${name}`;
  checkOptions(args, tool ? tool.options : RUN_OPTIONS, what);
  if (args.jsonl && tool) throw new UsageError(`--jsonl does not apply to ${what} (it streams the samples of run)`);
  if (args.weights && !def.model) throw new UsageError(`--weights needs a system with a learned model; ${quote(def.id)} has none`);
  checkOut(args, tool, what);
  checkRequired(args, tool, what);

  // <prefix>* keys configure the model, not the system.
  const prefix = def.model?.prefix ?? tool?.settings?.prefix;
  const isSetting = (k: string) => prefix !== undefined && k.startsWith(prefix);
  // A tool may start from its own preset (convergence: the smooth test problem) unless one is named.
  const preset = args.preset ?? (tool?.preset && def.presets.some((p) => p.name === tool.preset) ? tool.preset : def.defaultPreset);
  const notes: string[] = [];
  const weightsAt = weightsFile(args, def, tool, preset, what);
  if (weightsAt.note) notes.push(weightsAt.note);
  const given = Object.fromEntries(Object.entries(args.set).filter(([k]) => isSetting(k)));
  const settings = modelSettings(weightsAt.path, def, tool, given);
  const overrides = Object.fromEntries(Object.entries(args.set).filter(([k]) => !isSetting(k)));
  if (args.seed !== undefined) overrides.seed = args.seed;
  const explicit = new Set(Object.keys(overrides));

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
  if (tool?.prepare) params = tool.prepare(params, explicit);

  const weights = weightsAt.path ? readWeights(def, weightsAt.path, params) : undefined;
  const inputs = readInputs(args);
  const outputs: OutputPath[] = [];
  if (args.out) outputs.push({ flag: '--out', path: args.out });
  if (args.state) outputs.push({ flag: '--state', path: args.state });
  checkOutputs(outputs); // writable and distinct, before any work
  return { args, def, tool, target: name, params, explicit, preset, resume, weights, settings, inputs, notes };
}
