// The contract of a headless verb a system or its model offers (bench, convergence, train): it
// takes checked params and returns one JSON-able report; the CLI only parses, dispatches, prints
// and writes the files a tool hands back.
import type { GpuContext } from '../gpu/context';
import type { ParamSchema, ParamSpec, Params } from './params';
import type { SimState } from './state';
import type { SimDefinition } from './types';

export type Releasable = { dispose(): void } | { destroy(): void };
/** Hands a GPU object to the run's teardown (freed on every exit: success, NaN stop, throw). */
export type Keep = <T extends Releasable>(x: T) => T;

/** Files a tool may read, by option (`--reference FILE`): read before the GPU is set up, handed over as bytes. */
export const INPUT_FILE_OPTIONS = ['reference', 'candidate'] as const;
export type InputFileOption = (typeof INPUT_FILE_OPTIONS)[number];

/** Command-line options a tool may read; any other is refused rather than ignored. */
export type ToolOption = 'steps' | 'count' | 'out' | 'state' | 'resume' | 'weights' | InputFileOption;

/** An input file as read from disk; `path` names it in messages. */
export interface InputFile {
  path: string;
  bytes: Uint8Array;
}

export interface ToolInput {
  def: SimDefinition;
  params: Params;
  preset: string;
  /** The param names the user set (a bench sweeps n unless n is set). */
  explicit: ReadonlySet<string>;
  steps?: number;
  /** How many items to make (`--count`; a tool that reads it has its own default). */
  count?: number;
  /** The files given with the tool's input-file options (those it `requires` are present). */
  inputs: Partial<Record<InputFileOption, InputFile>>;
  resume?: SimState;
  /** A weights file already checked against `params` by the model. */
  weights?: Uint8Array;
  /** The model's settings with the tool's own extra ones, prefixed (tools with `settings`). */
  settings?: Params;
}

export interface ToolEnv {
  ctx: GpuContext;
  keep: Keep;
  /** A progress line (stderr on the CLI). */
  progress(line: string): void;
  /** How far a long loop is: `done` of `total` `unit` (a bar on a terminal). */
  advance?(done: number, total: number, unit: string): void;
}

export interface ToolResult {
  /** The `--json` object. */
  report: Record<string, unknown>;
  /** Lines for a reader; the report as `key value` lines when absent. */
  text?: string[];
  /** Lines for stderr: what the user may not expect (e.g. "not converged"). */
  notes?: string[];
  /** The data of `--out` and `--state`, written by the CLI, each on its own. */
  files?: Partial<Record<'out' | 'state', () => Promise<string | Uint8Array> | string | Uint8Array>>;
  /** The state or a metric went non-finite (exit 3; files are still written). */
  problem?: string;
}

export interface SimTool {
  verb: string;
  /** One line for `lab --help`. */
  summary: string;
  options: readonly ToolOption[];
  /** The extension `--out` must have; required: the tool's result is the file. */
  out?: { ext: string; required: boolean };
  /** Input files (or weights) it cannot run without (each also in `options`; a run without one is refused before it starts). */
  requires?: readonly (InputFileOption | 'weights')[];
  /** The preset it starts from unless --preset names one. */
  preset?: string;
  /**
   * Reads the model's settings (`--set <prefix>KEY=V`) and these extra ones (prefixed names). A
   * tool whose settings belong to no model of the system brings them: `schema`, under `prefix`.
   */
  settings?: { extra: readonly ParamSpec[]; prefix?: string; schema?: ParamSchema };
  /** The params it really runs with, checked before the GPU is set up; throws ParamError. */
  prepare?(params: Params, explicit: ReadonlySet<string>): Params;
  /**
   * A run small enough for a software adapter (the conformance suite runs it): `--set` values, steps,
   * count, and the input files it reads, made by the tool itself.
   */
  quick: {
    set: Record<string, string>;
    steps?: number;
    count?: number;
    inputs?(): Promise<Partial<Record<InputFileOption | 'weights', Uint8Array>>>;
  };
  run(env: ToolEnv, input: ToolInput): Promise<ToolResult>;
}
