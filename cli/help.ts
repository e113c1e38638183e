// `lab --help` and `lab list`, generated from the registry: each verb lists the systems that
// offer it, and each system its presets, parameters and model settings.
import { paramsJsonSchema } from '../src/sims/json-schema';
import { describeRange, type ParamSpec } from '../src/sims/params';
import { LAB_VERSION } from '../src/version';
import { listSystems } from '../src/sims/registry';
import type { ToolOption } from '../src/sims/tools';
import { MAX_COUNT } from './args';
import { RUN_OPTIONS } from './plan';
import { offers, usageOf, type Offer } from './verbs';

/** One entry per verb with the names that offer it; a verb offered by several lists each one's summary. */
function verbLines(): string[] {
  const lines = [`  ${usageOf('run').padEnd(28)} step a system and report its final metrics`];
  const byVerb = new Map<string, Offer[]>();
  for (const o of offers()) byVerb.set(o.verb, [...(byVerb.get(o.verb) ?? []), o]);
  for (const [verb, list] of byVerb) {
    if (list.length === 1) lines.push(`  ${usageOf(verb).padEnd(28)} ${list[0]!.tool.summary}`);
    else {
      lines.push(`  ${usageOf(verb)}`);
      for (const o of list) lines.push(`    ${`${o.name}:`.padEnd(26)} ${o.tool.summary}`);
    }
  }
  lines.push(`  ${'list'.padEnd(28)} systems, presets, parameters and model settings with ranges and units`);
  return lines;
}

/** Options only some tools read: each listed with the verbs that take it (none: left out). */
const TOOL_OPTIONS: ReadonlyArray<{ option: ToolOption; flag: string; text: string }> = [
  { option: 'count', flag: '--count N', text: `how many to make, 1 … ${MAX_COUNT}` },
  { option: 'reference', flag: '--reference FILE', text: 'the reference sample a tool compares with' },
  { option: 'candidate', flag: '--candidate FILE', text: 'the sample compared with the reference' },
];

/** "train: .safetensors, generate: .h5": the file each tool writes with --out. */
function outFiles(): string {
  return [...new Set(offers().flatMap((o) => (o.tool.out ? [`${o.verb}: ${o.tool.out.ext}`] : [])))].join(', ');
}

function toolOptionLines(): string[] {
  return TOOL_OPTIONS.flatMap(({ option, flag, text }) => {
    const takers = offers().filter((o) => o.tool.options.includes(option)).map((o) => `${o.verb} ${o.name}`);
    return takers.length > 0 ? [`  ${flag.padEnd(20)}  ${text} (${takers.join(', ')})`] : [];
  });
}

function settingsLines(): string[] {
  const lines: string[] = [];
  for (const def of listSystems()) {
    const model = def.model;
    if (!model) continue;
    const readers = offers().filter((o) => o.def === def && o.tool.settings);
    const keys = model.settings.specs.map((s) => s.name.slice(model.prefix.length));
    const extra = readers.flatMap((o) => (o.tool.settings?.extra ?? []).map((s) => `${o.verb}: ${s.name.slice(model.prefix.length)} (${s.description.replace(/\.$/, '')})`));
    lines.push(`  --set ${model.prefix}KEY=V`.padEnd(24) + `${model.title} settings of ${def.id}, for ${readers.map((o) => `${o.verb} ${o.name}`).join(' and ')}:`);
    lines.push(`                        ${keys.join(', ')}`);
    for (const e of extra) lines.push(`                        ${e}`);
    lines.push(`  --weights FILE        ${model.title.toLowerCase()} weights for ${def.id} (run: its scalars in every sample${readers.some((o) => o.tool.options.includes('weights')) ? '; train: continue' : ''})`);
  }
  // Settings a system's tools bring themselves (no model owns them), once per prefix.
  const seen = new Set<string>();
  for (const o of offers()) {
    const s = o.tool.settings;
    if (!s?.schema || !s.prefix || seen.has(`${o.name} ${s.prefix}`)) continue;
    seen.add(`${o.name} ${s.prefix}`);
    const readers = offers().filter((r) => r.def === o.def && r.tool.settings?.prefix === s.prefix);
    lines.push(`  --set ${s.prefix}KEY=V`.padEnd(24) + `network settings of ${o.name}, for ${readers.map((r) => `${r.verb} ${r.name}`).join(' and ')} (lab list: ranges, units):`);
    lines.push(`                        ${s.schema.specs.map((p) => p.name.slice(s.prefix!.length)).join(', ')}`);
    for (const r of readers) for (const e of r.tool.settings?.extra ?? []) lines.push(`                        ${r.verb}: ${e.name.slice(s.prefix.length)} (${e.description.replace(/\.$/, '')})`);
  }
  return lines;
}

export function helpText(): string {
  return `Particle Lab CLI — runs the lab's WebGPU kernels headless (Dawn; SwiftShader when there is no GPU).

usage: npm run --silent lab -- <verb> <system> [options]

verbs:
${verbLines().join('\n')}
  sweep plan|run|…|collect     parameter sweeps over a grid of params and seeds (lab sweep --help)
  worker --redis URL           run queued sweep points (BullMQ; lab sweep --help)

options:
  --preset NAME         start from a preset (default: the system's default preset)
  --set key=value       override a parameter (repeatable); ranges are checked, never clamped
  --seed S              shorthand for --set seed=S
  --steps N             steps to run (run: default 1000)
  --every K             sample metrics every K steps (run; default: steps/100)
  --out FILE            run: the metric time series (.csv|.json); a tool's own file (${outFiles()})
  --state FILE          write the final state, .json or .safetensors (numpy reads its arrays; the lab and --resume read both)
  --resume FILE         start from a saved state (.json or .safetensors): its params, with any --set applied on top
                        (validated; each applied override is noted on stderr)
${[...toolOptionLines(), ...settingsLines()].join('\n')}
  --json                print one JSON object on stdout and nothing else (list: every system's params as JSON Schema)
  --jsonl               run: print each sample as one JSON line on stdout as it is taken
  --quiet, -q           no progress on stderr (on a terminal, run, train, convergence and bench
                        tokens draw a progress bar with the time left; on a pipe, none)
  --adapter NAME        run on the GPU adapter whose name contains NAME (case-sensitive), on a node with
                        several; a name that matches none lists them. Sweep workers and Slurm tasks inherit it
  --version             the lab's version
  --help                this text

Everything (options, params, input files, output paths) is checked before the run starts; an
option a verb does not use is refused. --out and --state must name two different writable files.

exit codes: 0 ok, 1 failure (an output that could not be written is named; the others are kept),
            2 bad arguments or input file, 3 the state or a metric went non-finite (NaN/Inf;
            outputs are still written), 4 the GPU reported an error (results unreliable),
            143 / 130 a sweep point stopped by SIGTERM / SIGINT (checkpointed: run it again to resume)

examples:
  npm run --silent lab -- run mips --preset abp-mips --steps 2000 --json
  npm run --silent lab -- bench mips --set n=65536 --set force=wca --set phi=0.5 --json
  npm run --silent lab -- convergence tokens --json
  npm run --silent lab -- train mips --preset boffi-mips --steps 2000 --out weights.safetensors
  npm run --silent lab -- run mips --preset boffi-mips --weights public/weights/boffi-mips.bin --steps 100 --json
  npm run --silent lab -- bench score --json
  npm run --silent lab -- generate showers --preset flow-electrons --count 2000 --seed 7 --out e.h5
  npm run --silent lab -- train showers --preset flow-electrons --steps 3000 --out flow.safetensors
  npm run --silent lab -- sample showers --preset flow-electrons --count 2000 --seed 8 --out model.h5
  npm run --silent lab -- evaluate showers --reference e.h5 --candidate model.h5 --json`;
}

function paramLine(s: ParamSpec): string {
  return `  ${s.name.padEnd(22)} ${describeRange(s).padEnd(40)} ${s.description}`;
}

export function listText(): string {
  const lines: string[] = [];
  for (const def of listSystems()) {
    lines.push(`${def.id} — ${def.title}`);
    lines.push(`  presets: ${def.presets.map((p) => p.name).join(', ')} (default ${def.defaultPreset})`);
    for (const s of def.schema.specs) lines.push(paramLine(s));
    for (const d of def.schema.derived ?? []) lines.push(`  ${d.name.padEnd(22)} ${`derived (sets ${d.sets.join(' or ')})`.padEnd(40)} ${d.description}; a sweep axis (lab sweep plan --grid ${d.name}=…)`);
    const model = def.model;
    if (model) {
      lines.push(`  model ${model.id} — ${model.title}: ${model.description}`);
      for (const s of model.settings.specs) lines.push(paramLine(s));
    }
    const own = new Map(offers().filter((o) => o.def === def && o.tool.settings?.schema).map((o) => [o.tool.settings!.prefix, o.tool.settings!.schema!]));
    for (const [prefix, schema] of own) {
      lines.push(`  ${prefix}* — settings of ${offers().filter((o) => o.def === def && o.tool.settings?.prefix === prefix).map((o) => o.verb).join(' and ')}`);
      for (const s of schema.specs) lines.push(paramLine(s));
    }
  }
  return lines.join('\n');
}

/** `lab list --json`: every system with its presets, and its params (and model settings) as JSON Schema. */
export function listJson(): string {
  return JSON.stringify({
    version: LAB_VERSION,
    systems: listSystems().map((def) => ({
      id: def.id,
      title: def.title,
      description: def.description,
      defaultPreset: def.defaultPreset,
      presets: def.presets.map((p) => ({ name: p.name, description: p.description, values: p.values })),
      params: paramsJsonSchema(def.schema, `${def.id} params`),
      // Axes a sweep may take in place of params (lab sweep plan --grid Pe=…), and the params each sets.
      derived: (def.schema.derived ?? []).map((d) => ({ name: d.name, label: d.label, unit: d.unit, description: d.description, sets: [...d.sets], type: 'number' })),
      ...(def.model ? { model: { id: def.model.id, title: def.model.title, settings: paramsJsonSchema(def.model.settings, `${def.model.id} settings`) } } : {}),
    })),
  });
}

/**
 * `lab <verb> --help`: the global help cut to one verb: its line(s), the options it takes (each
 * with its continuation lines) and its examples.
 */
export function verbHelpText(verb: string): string {
  const taken = verb === 'run' ? [...RUN_OPTIONS, 'jsonl'] : offers().filter((o) => o.verb === verb).flatMap((o) => o.tool.options);
  const allowed = new Set(['preset', 'set', 'seed', 'json', 'quiet', 'adapter', 'help', ...taken]);
  const lines = helpText().split('\n');
  const section = (title: string) => {
    const start = lines.indexOf(title) + 1;
    const end = lines.findIndex((l, i) => i >= start && l === '');
    return lines.slice(start, end < 0 ? undefined : end);
  };
  const keep: string[] = [];
  let on = false;
  for (const line of section('options:')) {
    const flag = /^ {2}--([a-z]+)/.exec(line);
    if (flag) on = allowed.has(flag[1]!);
    if (on) keep.push(line);
  }
  const mine = verbLines().filter((l, i, all) => l.startsWith(`  ${verb} `) || (l.startsWith('    ') && all.slice(0, i).reverse().find((x) => !x.startsWith('    '))?.startsWith(`  ${verb} `)));
  const examples = section('examples:').filter((l) => l.includes(`lab -- ${verb} `));
  return [`usage: npm run --silent lab -- ${usageOf(verb)} [options]`, '', ...mine, '', 'options:', ...keep, ...(examples.length ? ['', 'examples:', ...examples] : [])].join('\n');
}
