// Run: node --import tsx --import ./cli/register-loaders.mjs bench/showers-flow-validation.ts [WEIGHTS [N [PHYSICS_N [NFE_N]]]]
//   defaults: public/weights/flow-electrons.bin, N = 1000, PHYSICS_N = 300, NFE_N = 200; the held-out
//   generator sample has max(2000, N) showers, the model samples and the noise floor N each
//
// What a trained flow model learned, measured (issue: showers part 2, "Validation"), printed as JSON:
// - it learned: against a held-out generator sample of ≥ 2000 showers, N model showers for the same conditions and
//   per-layer counts (midpoint × 16), every observable's standardised W1 beside the noise floor (a second
//   held-out sample) and beside the W1 of the untrained model (the same file's settings, initial weights);
//   also with counts from the count model (generation with no reference shower);
// - physics learned: the mean CoG layer of electrons at 2 and 10 GeV, and of photons against electrons,
//   model (counts from the count model) against generator;
// - W1 against NFE per solver (NFE_N showers each, generator counts).
// Not a test: on SwiftShader sampling N showers at 32 network evaluations each takes minutes.
import { readFileSync } from 'node:fs';
import { createNodeContext } from '../src/gpu/node';
import { presetParams } from '../src/sims/config';
import { withValues, type Params } from '../src/sims/params';
import { getSystem } from '../src/sims/registry';
import { compareSamples } from '../src/sims/showers/distances';
import { detectorOf, eventSpec, generateEvents, type AnyShower } from '../src/sims/showers/events';
import { functionEvaluations, SOLVERS, type SolverName } from '../src/sims/showers/flow/solvers';
import { ShowerFlowModel } from '../src/sims/showers/model/flow-model';
import type { SamplingSettings } from '../src/sims/showers/model/settings';
import { modelFromWeights, readFlowMeta } from '../src/sims/showers/model/weights';
import { observeShowers, type ShowerObservables } from '../src/sims/showers/observables';
import { schema, type ShowerParams } from '../src/sims/showers/params';
import { Rng } from '../src/sims/showers/random';
import { standardisedW1 } from '../src/sims/showers/distances';
import '../src/sims/index';

const [weightsPath = 'public/weights/flow-electrons.bin', nText = '1000', physicsText = '300', nfeText = '200'] = process.argv.slice(2);
const N = Number(nText);
const PHYSICS_N = Number(physicsText);
const NFE_N = Number(nfeText);
const REF_N = Math.max(2000, N);
const CHUNK = 64;
const SAMPLING: SamplingSettings = { solver: 'midpoint', steps: 16, counts: 'generator' };

/** Seeds of the held-out samples: apart from the preset's run (5) and the training pool (its own salted seed). */
const HELD_OUT = 1001;
const FLOOR = 1002;

const log = (line: string) => process.stderr.write(`${line}\n`);

function paramsOf(values: Record<string, unknown>): ShowerParams {
  return schema.typed(withValues(schema, presetParams(getSystem('showers'), 'flow-electrons'), values) as Params);
}

function generator(p: ShowerParams, seed: number, count: number): AnyShower[] {
  const spec = { ...eventSpec(p), seed };
  return generateEvents(detectorOf(spec), spec, 0, count);
}

async function sampleLike(model: ShowerFlowModel, showers: readonly AnyShower[], sampling: SamplingSettings, seed: number) {
  const rng = new Rng(seed);
  const out: AnyShower[] = [];
  for (let i = 0; i < showers.length; i += CHUNK) {
    const chunk = showers.slice(i, i + CHUNK);
    const { hits } = await model.sample(chunk, sampling, rng);
    chunk.forEach((s, k) => out.push({ ...s, hits: hits[k]! }));
  }
  return out;
}

/** Energy-weighted mean distance of the hits from the axis, mm. */
function meanRadius(o: ShowerObservables): number {
  let er = 0;
  let e = 0;
  o.hitEnergy.forEach((x, i) => {
    er += x * o.hitRadius[i]!;
    e += x;
  });
  return e > 0 ? er / e : NaN;
}

const finite = (v: number[]) => v.filter(Number.isFinite);
const mean = (v: number[]) => finite(v).reduce((a, b) => a + b, 0) / Math.max(1, finite(v).length);

/** The three observables: W1 (standardised by the reference) of ratio, CoG layer and mean radius. */
function headline(reference: ShowerObservables[], other: ShowerObservables[]) {
  const pick = (f: (o: ShowerObservables) => number) => [finite(reference.map(f)), finite(other.map(f))] as const;
  const w = (f: (o: ShowerObservables) => number) => standardisedW1(...pick(f));
  return { ratio: w((o) => o.visibleFraction), cogLayer: w((o) => o.cogLayer), meanRadius: w(meanRadius) };
}

async function main() {
  const bytes = new Uint8Array(readFileSync(weightsPath));
  const meta = readFlowMeta(bytes);
  const ctx = await createNodeContext();
  const p = paramsOf({});
  const model = modelFromWeights(ctx.device, p, bytes);
  const untrained = new ShowerFlowModel(ctx.device, model.detector, meta.settings, meta.stats, meta.trainedOn);
  const detector = model.detector;
  const observe = (s: readonly AnyShower[]) => observeShowers(detector, s);

  log(`held-out generator samples: ${REF_N} and ${N} (the noise floor)`);
  const reference = generator(p, HELD_OUT, REF_N);
  const heldOut = reference.slice(0, N); // the model's conditions and counts
  const floor = generator(p, FLOOR, N);
  const [ref, flo] = [observe(reference), observe(floor)];
  const t0 = performance.now();
  log(`model: ${N} showers, ${SAMPLING.solver} × ${SAMPLING.steps}, generator counts`);
  const trained = observe(await sampleLike(model, heldOut, SAMPLING, 1));
  const showersPerSecond = N / ((performance.now() - t0) / 1000);
  log(`untrained model: ${N} showers`);
  const initial = observe(await sampleLike(untrained, heldOut, SAMPLING, 1));
  log(`model with counts from the count model: ${N} showers`);
  const generated = observe(await sampleLike(model, heldOut, { ...SAMPLING, counts: 'model' }, 2));

  const learned = {
    trained: headline(ref, trained), untrained: headline(ref, initial), countModel: headline(ref, generated), floor: headline(ref, flo),
    table: compareSamples(ref, trained, flo).map((r) => ({ feature: r.feature, w1: r.w1, noiseFloor: r.noiseFloor })),
    tableCountModel: compareSamples(ref, generated, flo).map((r) => ({ feature: r.feature, w1: r.w1 })),
    tableUntrained: compareSamples(ref, initial, flo).map((r) => ({ feature: r.feature, w1: r.w1 })),
  };

  // Physics: mean CoG layer, model (counts from the count model) against generator.
  const cog = async (values: Record<string, unknown>, seed: number) => {
    const showers = generator(paramsOf(values), seed, PHYSICS_N);
    const m = observe(await sampleLike(model, showers, { ...SAMPLING, counts: 'model' }, seed));
    return { generator: mean(observe(showers).map((o) => o.cogLayer)), model: mean(m.map((o) => o.cogLayer)) };
  };
  log(`physics: ${PHYSICS_N} showers each for e⁻ 2, e⁻ 10, γ 2:10, e⁻ 2:10 GeV`);
  const [e2, e10, g, e] = [
    await cog({ energy: '2' }, 11), await cog({ energy: '10' }, 12), await cog({ particle: 'photon' }, 13), await cog({}, 14),
  ];
  const physics = {
    electronDepthShift2to10: { generator: e10.generator - e2.generator, model: e10.model - e2.model },
    photonMinusElectron: { generator: g.generator - e.generator, model: g.model - e.model },
    cog: { e2, e10, photon: g, electron: e },
  };

  // W1 against NFE per solver (generator counts).
  const nfe = [];
  const held = heldOut.slice(0, NFE_N);
  for (const solver of SOLVERS as readonly SolverName[]) {
    for (const steps of [2, 4, 8, 16]) {
      log(`NFE table: ${solver} × ${steps}`);
      const m = observe(await sampleLike(model, held, { solver, steps, counts: 'generator' }, 3));
      nfe.push({ solver, steps, nfe: functionEvaluations(solver, steps), ...headline(ref, m) });
    }
  }
  const result = {
    bench: 'showers-flow-validation', weights: weightsPath, trainingSteps: model.steps, settings: meta.settings, trainedOn: meta.trainedOn,
    adapter: ctx.adapterName, n: N, referenceN: REF_N, samplingShowersPerSecond: showersPerSecond, learned, physics, nfeN: NFE_N, nfe,
  };
  process.stdout.write(`${JSON.stringify(result, null, 1)}\n`);
  model.destroy();
  untrained.destroy();
  ctx.device.destroy();
}

void main();
