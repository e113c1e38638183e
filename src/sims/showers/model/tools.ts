// The flow model's headless verbs: `lab train showers` (trains both networks on generator showers of
// the run's conditions, then scores a sample against the generator beside the noise floor, and writes
// the weights) and `lab sample showers` (model showers as the HDF5 file `lab generate showers` writes,
// so `lab evaluate showers` scores them).
import { encodeWeights } from '../../../nn/io';
import { initialValues } from '../../../nn/layout';
import { OnlineTrainer } from '../../../nn/trainable';
import { defaults, ParamError, type Params } from '../../params';
import type { SimTool, ToolResult } from '../../tools';
import { detectorOf, eventConditions, eventSpec, generateEvents, referenceSpec } from '../events';
import { showerFile } from '../files';
import type { ShowerCondition } from '../flow/dataset';
import { functionEvaluations } from '../flow/solvers';
import { observeShowers } from '../observables';
import { schema } from '../params';
import { Rng } from '../random';
import { summariseModel, summaryEdges } from '../summary';
import { FLOW_KIND, modelLayout, poolStats, ShowerFlowModel, trainedOn, trainingPool } from './flow-model';
import { FLOW_PREFIX, FLOW_SETTINGS_DEFAULTS, SAMPLING_SCHEMA, samplingFromParams, settingsFromParams, type FlowSettings, type SamplingSettings } from './settings';
import { modelFromWeights } from './weights';

/** Showers the trained model is scored on unless --count says otherwise. */
const EVAL_COUNT = 200;
/** Showers sampled per GPU batch. */
const SAMPLE_CHUNK = 64;

/** A network small enough for the conformance suite on a software adapter. */
const TINY_SET = {
  ecalCell: '15', energy: '2:5', 'flow.width': '8', 'flow.depth': '1', 'flow.heads': '2', 'flow.mlp': '16',
  'flow.countHidden': '16', 'flow.pool': '32', 'flow.batch': '4',
};

/** TINY_SET's flow.* values as settings (the quick sample's untrained file). */
const TINY_SETTINGS: Partial<FlowSettings> = Object.fromEntries(
  Object.entries(TINY_SET).filter(([k]) => k.startsWith(FLOW_PREFIX)).map(([k, v]) => [k.slice(FLOW_PREFIX.length), Number(v)]),
);

/** Model showers for conditions first … first + count − 1 of the run `params` (counts as `sampling` says). */
async function sampleRun(model: ShowerFlowModel, params: Params, sampling: SamplingSettings, count: number, rng: Rng, progress?: (line: string) => void) {
  const spec = eventSpec(schema.typed(params));
  const showers: ShowerCondition[] = [];
  for (let first = 0; first < count; first += SAMPLE_CHUNK) {
    const n = Math.min(SAMPLE_CHUNK, count - first);
    // Counts from the generator need its showers; the count model needs only their conditions.
    const conditions = sampling.counts === 'generator'
      ? generateEvents(model.detector, spec, first, n)
      : Array.from({ length: n }, (_, k) => eventConditions(spec, first + k));
    const { hits } = await model.sample(conditions, sampling, rng);
    conditions.forEach((c, k) => showers.push({ ...c, hits: hits[k]! }));
    if (count > SAMPLE_CHUNK) progress?.(`sample: ${showers.length} of ${count} showers`);
  }
  return showers;
}

/** The model against the generator for the same conditions, each W1 beside its noise floor. */
async function score(model: ShowerFlowModel, params: Params, count: number, rng: Rng) {
  const p = schema.typed(params);
  const detector = model.detector;
  const generated = generateEvents(detector, eventSpec(p), 0, count);
  const floor = generateEvents(detector, referenceSpec({ ...p, reference: 'independent' }), 0, count);
  const sampled = await sampleRun(model, params, samplingFromParams({}), count, rng);
  const [gen, ref, mod] = [generated, floor, sampled].map((s) => observeShowers(detector, s));
  return summariseModel(mod!, gen!, ref!, summaryEdges(ref!, detector.layers.length)).scalars;
}

const W1_ROWS = ['Hits', 'Cog', 'Ratio'] as const;

export const trainTool: SimTool = {
  verb: 'train',
  summary: 'train the flow model (points and per-layer counts) on generator showers of the run’s conditions; --out weights.safetensors',
  options: ['steps', 'count', 'out', 'weights'],
  out: { ext: '.safetensors', required: true },
  preset: 'flow-electrons',
  settings: { extra: [] },
  quick: { set: TINY_SET, steps: 2, count: 8 },
  async run({ ctx, keep, progress: say, advance }, input): Promise<ToolResult> {
    const { params, preset } = input;
    const p = schema.typed(params);
    const steps = input.steps ?? 2000;
    const detector = detectorOf(eventSpec(p));
    const settings: FlowSettings = input.weights ? settingsFromParams({}) : settingsFromParams(input.settings!);
    const t0 = performance.now();
    let model: ShowerFlowModel;
    if (input.weights) {
      model = keep(modelFromWeights(ctx.device, p, input.weights));
      model.setPool(await trainingPool(p, model.settings, (spec, first, n) => generateEvents(detector, spec, first, n)));
    } else {
      const pool = await trainingPool(p, settings, (spec, first, n) => generateEvents(detector, spec, first, n));
      model = keep(ShowerFlowModel.fromPool(ctx.device, detector, settings, pool, trainedOn(p)));
    }
    say(`${model.settings.pool} training showers made and the networks built in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const trainer = new OnlineTrainer(model);
    const every = Math.max(1, Math.floor(steps / 20));
    let next = model.steps + every;
    const progress = await trainer.run(model.steps + steps, (pr) => {
      advance?.(pr.steps, pr.total, 'training steps');
      if (pr.steps < next && pr.steps < pr.total) return;
      next += every;
      say(`step ${pr.steps}/${pr.total} loss ${pr.smoothLoss.toFixed(4)} count loss ${model.countLoss.toFixed(4)} ${pr.samplesPerS.toFixed(1)} showers/s ETA ${pr.etaS.toFixed(0)} s`);
    });
    const count = input.count ?? EVAL_COUNT;
    say(`scoring ${count} model showers against the generator (midpoint, 16 steps)…`);
    const scalars = await score(model, params, count, new Rng(1));
    const bytes = await model.save({ preset });
    const w1 = Object.fromEntries(W1_ROWS.map((k) => [k, { w1: scalars[`flowW1${k}`]!, floor: scalars[`flowW1${k}Floor`]!, ratio: scalars[`flowW1${k}`]! / scalars[`flowW1${k}Floor`]! }]));
    const report = {
      system: 'showers', model: 'flow', preset, bytes: bytes.length, steps: progress.steps, loss: progress.smoothLoss, countLoss: model.countLoss,
      seconds: progress.elapsedS, showersPerSecond: progress.samplesPerS, settings: model.settings, trainedOn: model.trainedOn,
      scored: count, meanHits: scalars.flowMeanHits, w1, adapter: ctx.adapterName,
    };
    const text = [
      `trained ${progress.steps} steps in ${progress.elapsedS.toFixed(0)} s (${progress.samplesPerS.toFixed(1)} showers/s), loss ${progress.smoothLoss.toFixed(4)}, count loss ${model.countLoss.toFixed(4)}`,
      ...W1_ROWS.map((k) => `W1 ${k.toLowerCase()} (standardised): model ${w1[k]!.w1.toFixed(3)} · noise floor ${w1[k]!.floor.toFixed(3)} · ratio ${w1[k]!.ratio.toFixed(2)}`),
    ];
    return { report, text, files: { out: () => bytes } };
  },
};

/** An untrained model's file for these params (CPU only): the quick run's --weights. */
async function untrainedFile(params: Params, settings: FlowSettings): Promise<Uint8Array> {
  const p = schema.typed(params);
  const detector = detectorOf(eventSpec(p));
  const pool = await trainingPool(p, settings, (spec, first, n) => generateEvents(detector, spec, first, n));
  const layout = modelLayout(settings, detector.layers.length);
  const meta = { kind: FLOW_KIND, settings, stats: poolStats(pool, detector), steps: 0, layers: detector.layers.length, trainedOn: trainedOn(p) };
  return encodeWeights(layout, { theta: Float32Array.from(initialValues(layout, settings.seed)), meta });
}

export const sampleTool: SimTool = {
  verb: 'sample',
  summary: 'model showers as an HDF5 file like generate’s, for conditions 0 … count − 1 of the run (--weights FILE, or the preset’s shipped weights)',
  options: ['count', 'out', 'weights'],
  requires: ['weights'],
  out: { ext: '.h5', required: true },
  preset: 'flow-electrons',
  settings: { extra: SAMPLING_SCHEMA.specs },
  quick: {
    set: { ecalCell: '15', energy: '2:5', 'flow.steps': '2', 'flow.solver': 'euler' },
    count: 4,
    async inputs() {
      const settings = { ...FLOW_SETTINGS_DEFAULTS, ...TINY_SETTINGS };
      const params = { ...defaults(schema), ecalCell: 15, energy: '2:5' };
      return { weights: await untrainedFile(params, settings) };
    },
  },
  async run({ ctx, keep, progress }, input): Promise<ToolResult> {
    const { params } = input;
    if (!input.weights) throw new ParamError('weights', 'sample showers needs --weights FILE (a flow weights file: lab train showers --out FILE)');
    const p = schema.typed(params);
    const sampling = samplingFromParams(input.settings ?? {});
    const count = input.count ?? 1000;
    const model = keep(modelFromWeights(ctx.device, p, input.weights));
    const t0 = performance.now();
    const showers = await sampleRun(model, params, sampling, count, new Rng(p.seed), progress);
    const seconds = (performance.now() - t0) / 1000;
    const mean = showers.reduce((n, s) => n + s.hits.length, 0) / Math.max(1, count);
    const report = {
      system: 'showers', model: 'flow', count, seed: p.seed, ...sampling, nfe: functionEvaluations(sampling.solver, sampling.steps),
      trainingSteps: model.steps, trainedOn: model.trainedOn, mean_hits: mean, seconds, showers_per_second: count / seconds, adapter: ctx.adapterName,
    };
    const text = [
      `${count} model showers (${p.particle}, ${p.energy} GeV, seed ${p.seed}) from weights of ${model.steps} training steps; ${sampling.solver} × ${sampling.steps} steps, counts from the ${sampling.counts === 'model' ? 'count model' : 'generator'}`,
      `mean ${mean.toFixed(1)} cells; ${seconds.toFixed(2)} s (${report.showers_per_second.toFixed(1)} showers/s)`,
    ];
    return { report, text, files: { out: () => showerFile(params, model.detector, showers, `particle-lab flow model (${model.steps} training steps; ${sampling.solver} × ${sampling.steps}; counts from the ${sampling.counts})`) } };
  },
};
