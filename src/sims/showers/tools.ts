// The showers system's headless verbs: `lab generate showers` writes a run's showers as an HDF5 file
// (shower i = step i of the lab's run with the same params), and `lab evaluate showers` scores a
// candidate file against a reference file with the CaloClouds-3 distance table, each row beside its
// noise floor. Neither needs the GPU.
import { quote } from '../../quote';
import { defaults, ParamError, withText, withValues, type Params } from '../params';
import type { InputFile, InputFileOption, SimTool } from '../tools';
import type { Detector, Layer } from './detector';
import { compareSamples, type DistanceRow } from './distances';
import { detectorOf, eventSpec, generateEvents, type AnyShower } from './events';
import { GENERATOR, showerFile } from './files';
import { benchFlow } from './flow/bench';
import { decodeShowers, ShowerFileError, type ShowerRecord } from './hdf5';
import { observeShowers, type ShowerObservables } from './observables';
import { energyRange, schema } from './params';


const DEFAULT_COUNT = 1000;
/** Showers made between two progress lines. */
const CHUNK = 10_000;
/** Coarse 15 mm ECAL cells: ~100 hits per 10 GeV electron, so the conformance suite's runs are quick. */
const QUICK_SET = { ecalCell: '15' };

// ---- generate ----------------------------------------------------------------------------------

/** Showers 0 … count − 1 of the lab's run with these params: the same showers as its steps. */
function runShowers(params: Params, count: number, progress?: (line: string) => void): { detector: Detector; showers: AnyShower[] } {
  const spec = eventSpec(schema.typed(params));
  const detector = detectorOf(spec);
  const showers: AnyShower[] = [];
  for (let first = 0; first < count; first += CHUNK) {
    // Shower i depends on (seed, i) alone, so chunks give the same showers as one call.
    for (const s of generateEvents(detector, spec, first, Math.min(CHUNK, count - first))) showers.push(s);
    if (count > CHUNK) progress?.(`generate showers: ${showers.length} of ${count}`);
  }
  return { detector, showers };
}

function mean(values: readonly number[]): number {
  return values.reduce((s, v) => s + v, 0) / values.length;
}

const visible = (s: ShowerRecord) => s.hits.reduce((e, h) => e + h.e, 0);

export const generateTool: SimTool = {
  verb: 'generate',
  summary: `showers as an HDF5 file (N, max_points, 4); shower i is step i of the lab's run (--count, default ${DEFAULT_COUNT})`,
  options: ['count', 'out'],
  out: { ext: '.h5', required: true },
  quick: { set: QUICK_SET, count: 20 },
  async run({ progress }, { params, count = DEFAULT_COUNT }) {
    const p = schema.typed(params);
    const start = performance.now();
    const { detector, showers } = runShowers(params, count, progress);
    const seconds = (performance.now() - start) / 1000;
    const { lo, hi } = energyRange(p);
    const report = {
      system: 'showers', count, particle: p.particle, energy_gev: { lo, hi }, seed: p.seed, generator: GENERATOR,
      mean_hits: mean(showers.map((s) => s.hits.length)),
      mean_visible_fraction: mean(showers.map((s) => visible(s) / s.energy)),
      seconds, showers_per_second: count / seconds,
    };
    const energy = lo === hi ? `${lo} GeV` : `${lo}–${hi} GeV (uniform per shower)`;
    const text = [
      `${count} ${p.particle} showers, ${energy}, seed ${p.seed}, ECAL cells ${p.ecalCell} mm`,
      `mean ${report.mean_hits.toFixed(1)} hits, visible / incident ${report.mean_visible_fraction.toFixed(4)}; ${seconds.toFixed(2)} s (${report.showers_per_second.toFixed(0)} showers/s)`,
    ];
    return { report, text, files: { out: () => showerFile(params, detector, showers) } };
  },
};

// ---- evaluate ----------------------------------------------------------------------------------

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const finite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/** Every number of a Layer as detector.ts writes it (the observables' axis reads x0 and zActive, and the detector's front). */
const LAYER_NUMBERS = ['zFront', 'zActive', 'zBack', 'x0', 'lambdaI', 'samplingFraction', 'cellSize', 'threshold', 'stochasticTerm'] as const;

function isLayer(x: unknown, i: number): x is Layer {
  return isRecord(x) && x.index === i && typeof x.section === 'string' && isRecord(x.active) && LAYER_NUMBERS.every((k) => finite(x[k]));
}

/** The detector a file's `detector` attribute describes (its slabs' materials are taken as they are). */
function fileDetector(attribute: unknown, name: string): Detector {
  const fail = (what: string) => new ShowerFileError(name, 'attribute detector', what);
  if (!isRecord(attribute) || !finite(attribute.front) || !Array.isArray(attribute.layers) || attribute.layers.length === 0) {
    throw fail('expected a detector: { front, layers: [...] } as detector.ts writes it');
  }
  const layers: unknown[] = attribute.layers;
  if (!layers.every(isLayer)) {
    const bad = layers.findIndex((l, i) => !isLayer(l, i));
    throw fail(`layer ${bad} is not a layer with index ${bad} and finite ${LAYER_NUMBERS.join(', ')}`);
  }
  return { name: String(attribute.name ?? 'detector'), front: attribute.front, layers };
}

interface Sample {
  path: string;
  detector: Detector;
  showers: ShowerRecord[];
}

/** A shower file, decoded and checked against its own detector; a bad one is refused naming the flag, file and dataset. */
async function readSample(flag: InputFileOption, file: InputFile, least: number): Promise<Sample> {
  const name = `--${flag} ${quote(file.path)}`;
  try {
    const { showers, attributes } = await decodeShowers(file.bytes, name);
    const detector = fileDetector(attributes.detector, name);
    if (showers.length < least) throw new ShowerFileError(name, 'showers', `holds ${showers.length} showers; at least ${least} are needed`);
    showers.forEach((s, i) => {
      // Showers enter through the front face (the axis is traced forwards through the layers).
      if (!(s.theta < Math.PI / 2)) throw new ShowerFileError(name, 'direction', `row ${i} does not point into the stack (z component ≤ 0)`);
      const k = s.hits.findIndex((h) => h.layer >= detector.layers.length);
      if (k >= 0) throw new ShowerFileError(name, 'showers', `shower ${i}, point ${k}: layer ${s.hits[k]!.layer} is beyond the detector's ${detector.layers.length} layers`);
    });
    return { path: file.path, detector, showers };
  } catch (e) {
    if (e instanceof ShowerFileError) throw new ParamError(`--${flag}`, e.message);
    throw new ParamError(`--${flag}`, `${name}: not a readable shower file (${e instanceof Error ? e.message : String(e)})`);
  }
}

/** Refuses a sample in which no shower has visible energy (its centre of gravity and hit energies would be empty). */
function checkEnergetic(observables: readonly ShowerObservables[], flag: InputFileOption, path: string, which: string): void {
  if (!observables.some((o) => Number.isFinite(o.cogLayer))) {
    throw new ParamError(`--${flag}`, `--${flag} ${quote(path)}: showers: no shower of ${which} has visible energy`);
  }
}

const SPLIT =
  "the reference's showers alternate into halves A (even index) and B (odd); the candidate's first |A| showers are " +
  'compared with A, and B with A is the noise floor (two independent samples of the same law and size)';

/** What a binned feature's edges measure: the report's unit, and the variable and unit of the text's bin labels. */
const BIN_AXES: Readonly<Record<string, { unit: string; variable: string; suffix: string }>> = {
  'layer energy (deciles)': { unit: 'layer index', variable: 'layer', suffix: '' },
  'radial energy (deciles)': { unit: 'mm from the axis', variable: 'r', suffix: ' mm' },
};

const ratio = (w1: number, floor: number) => (floor > 0 ? w1 / floor : null);

function reportRow(row: DistanceRow): Record<string, unknown> {
  const out: Record<string, unknown> = { feature: row.feature, w1: row.w1, noise_floor: row.noiseFloor, ratio: ratio(row.w1, row.noiseFloor) };
  if (!row.bins) return out;
  const { edges, w1, noiseFloor } = row.bins;
  // JSON has no ∞: the open last bin's upper edge is null.
  const bins = edges.map((e, k) => ({ upper_edge: Number.isFinite(e) ? e : null, w1: w1[k]!, noise_floor: noiseFloor[k]!, ratio: ratio(w1[k]!, noiseFloor[k]!) }));
  return { ...out, bin_unit: BIN_AXES[row.feature]?.unit ?? null, bins };
}

const number = (x: number | null) => (x === null ? '—' : Math.abs(x) >= 1000 ? x.toFixed(0) : x.toPrecision(3));
/** A bin edge: a layer index as it is, a radius to 3 digits. */
const edge = (x: number) => String(Number(x.toPrecision(3)));

/** Bin k of upper edges q: "layer ≤ q0", "layer in (q_{k−1}, q_k]", "layer > q_{k−1}" for the open last one. */
function binLabel(feature: string, edges: readonly number[], k: number): string {
  const { variable, suffix } = BIN_AXES[feature] ?? { variable: 'bin', suffix: '' };
  if (k === 0) return `${variable} ≤ ${edge(edges[0]!)}${suffix}`;
  const [lo, hi] = [edge(edges[k - 1]!), edges[k]!];
  return Number.isFinite(hi) ? `${variable} in (${lo}, ${edge(hi)}]${suffix}` : `${variable} > ${lo}${suffix}`;
}

/** The table as aligned text: one line per feature, binned features followed by their bins. */
function tableLines(rows: readonly DistanceRow[]): string[] {
  const lines: Array<[string, number, number]> = [];
  for (const row of rows) {
    lines.push([row.feature, row.w1, row.noiseFloor]);
    const bins = row.bins;
    bins?.edges.forEach((_, k) => lines.push([`  ${binLabel(row.feature, bins.edges, k)}`, bins.w1[k]!, bins.noiseFloor[k]!]));
  }
  const width = Math.max(...lines.map(([label]) => label.length), 'feature'.length) + 2;
  const cell = (s: string) => s.padStart(13);
  return [
    `${'feature'.padEnd(width)}${cell('W1')}${cell('noise floor')}${cell('ratio')}`,
    ...lines.map(([label, w1, floor]) => `${label.padEnd(width)}${cell(number(w1))}${cell(number(floor))}${cell(number(ratio(w1, floor)))}`),
  ];
}

/** Two small files of the same law (the quick run's reference and candidate), made as `generate` makes them. */
async function quickInputs(): Promise<Partial<Record<InputFileOption, Uint8Array>>> {
  const make = (seed: string, count: number) => {
    const params = withText(schema, defaults(schema), { ...QUICK_SET, seed });
    const { detector, showers } = runShowers(params, count);
    return showerFile(params, detector, showers);
  };
  return { reference: await make('1', 40), candidate: await make('2', 20) };
}

export const evaluateTool: SimTool = {
  verb: 'evaluate',
  summary: "a candidate shower file against a reference file: the CaloClouds-3 distances (W1 / σ_ref), each beside its noise floor",
  options: ['reference', 'candidate'],
  requires: ['reference', 'candidate'],
  quick: { set: {}, inputs: quickInputs },
  prepare(params, explicit) {
    const [name] = explicit;
    if (name !== undefined) throw new ParamError(name, `${quote(name)} does not apply to evaluate showers: its showers come from --reference and --candidate`);
    return params;
  },
  async run(_env, { inputs }) {
    // Both are present: the CLI refuses a run without the files a tool `requires`.
    const reference = await readSample('reference', inputs.reference!, 2);
    const candidate = await readSample('candidate', inputs.candidate!, 1);
    const [layers, candidateLayers] = [reference.detector.layers.length, candidate.detector.layers.length];
    if (candidateLayers !== layers) {
      throw new ParamError('--candidate', `--candidate ${quote(candidate.path)} has ${candidateLayers} detector layers; --reference ${quote(reference.path)} has ${layers}`);
    }
    const a = reference.showers.filter((_, i) => i % 2 === 0);
    const b = reference.showers.filter((_, i) => i % 2 === 1);
    const compared = candidate.showers.slice(0, a.length);
    const [obsA, obsB, obsCandidate] = [observeShowers(reference.detector, a), observeShowers(reference.detector, b), observeShowers(candidate.detector, compared)];
    checkEnergetic(obsA, 'reference', reference.path, 'half A');
    checkEnergetic(obsB, 'reference', reference.path, 'half B');
    checkEnergetic(obsCandidate, 'candidate', candidate.path, `the first ${compared.length}`);
    const rows = compareSamples(obsA, obsCandidate, obsB);
    const notes =
      compared.length < a.length
        ? [`the candidate has ${compared.length} showers, fewer than the reference's half A (${a.length}): its distances carry more noise than the floor`]
        : [];
    const report = {
      system: 'showers', reference: reference.path, candidate: candidate.path, layers,
      reference_showers: reference.showers.length, candidate_showers: candidate.showers.length,
      compared: { reference_a: a.length, reference_b: b.length, candidate: compared.length }, split: SPLIT,
      rows: rows.map(reportRow),
    };
    const text = [
      `reference ${reference.path}: ${reference.showers.length} showers, halves A (even) ${a.length} and B (odd) ${b.length}`,
      `candidate ${candidate.path}: its first ${compared.length} of ${candidate.showers.length} showers against A`,
      ...tableLines(rows),
      'W1: standardised by A (W1 / σ_A; binned rows: the mean over the bins); noise floor: B against A; ratio = W1 / noise floor.',
    ];
    return { report, text, notes };
  },
};

// ---- bench ---------------------------------------------------------------------------------------

/** The flow model's working point unless set: 2–10 GeV and 15 mm ECAL cells (≤ ~150 hits a shower). */
function benchParams(params: Params, explicit: ReadonlySet<string>): Params {
  return withValues(schema, params, { ...(explicit.has('energy') ? {} : { energy: '2:10' }), ...(explicit.has('ecalCell') ? {} : { ecalCell: 15 }) });
}

/** Where the same network's training step is timed against TensorFlow.js (its CPU backend, in Node). */
const TFJS_RATIO = 'ratio vs TensorFlow.js (CPU backend, same network, loss and optimiser): npm run --silent bench:showers-flow-tfjs -- STEPS';

export const benchTool: SimTool = {
  verb: 'bench',
  summary: "the flow model: training steps/s, sampling showers/s per solver and NFE, and the generator's showers/s as the yardstick (--steps: timed training steps, default 20)",
  options: ['steps'],
  prepare: benchParams,
  quick: { set: { ecalCell: '30', energy: '2:5' }, steps: 2 },
  async run({ ctx, progress }, { params, steps = 20 }) {
    progress('bench showers: generator, then the flow model (training, then sampling)');
    const r = await benchFlow(ctx, schema.typed(params), { steps, batch: 32 });
    const text = [
      `tokens ${r.tokens}, batch ${r.batch}, ${r.parameters} parameters; generator ${r.generatorShowersPerSecond.toFixed(0)} showers/s`,
      `training ${r.training.stepsPerSecond.toFixed(2)} steps/s, ${r.training.showersPerSecond.toFixed(1)} showers/s`,
      ...r.sampling.map((s) => `sampling ${s.solver} × ${s.steps} (NFE ${s.nfe}): ${s.showersPerSecond.toFixed(1)} showers/s (${s.vsGenerator.toExponential(2)} × the generator)`),
      TFJS_RATIO,
    ];
    return { report: { system: 'showers', ...r, tfjs: TFJS_RATIO }, text };
  },
};
