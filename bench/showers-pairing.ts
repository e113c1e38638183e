// Optimal-transport pairing against independent noise for the shower flow model (AllShowers' claim:
// OT pairing trains faster): the same network, data, seeds and steps with each pairing; every
// EVERY steps the training loss and the standardised W1 of the sampled showers' visible/incident
// ratio, CoG layer and mean radius against a held-out generator sample (noise floor beside), as JSON.
// Usage: npm run --silent bench:showers-pairing [-- STEPS [EVERY]]   (defaults 300, 100; slow on SwiftShader)
import { createNodeContext } from '../src/gpu/node';
import { presetParams } from '../src/sims/config';
import { withValues } from '../src/sims/params';
import { getSystem } from '../src/sims/registry';
import { standardisedW1 } from '../src/sims/showers/distances';
import type { Hit } from '../src/sims/showers/digitise';
import { detectorOf, eventSpec, generateEvents, type AnyShower } from '../src/sims/showers/events';
import { buildBatch, computeStats, maxHits } from '../src/sims/showers/flow/dataset';
import { FLOW_DEFAULT } from '../src/sims/showers/flow/network';
import type { Pairing } from '../src/sims/showers/flow/pairing';
import { PointFlow } from '../src/sims/showers/flow/point-flow';
import { observeShower } from '../src/sims/showers/observables';
import { schema } from '../src/sims/showers/params';
import { Rng } from '../src/sims/showers/random';
import '../src/sims/index';

const [steps, every] = [Number(process.argv[2] ?? 300), Number(process.argv[3] ?? 100)];
if (!(Number.isInteger(steps) && steps >= 1 && Number.isInteger(every) && every >= 1)) {
  console.error(`error: STEPS and EVERY must be positive integers; got ${JSON.stringify(process.argv.slice(2))}`);
  process.exit(2);
}

async function main() {
  const ctx = await createNodeContext();
  // The model's working point: 2–10 GeV electrons, 15 mm ECAL cells.
  const p = schema.typed(withValues(schema, presetParams(getSystem('showers'), 'electron-10gev'), { ecalCell: 15, energy: '2:10' }));
  const spec = eventSpec(p);
  const detector = detectorOf(spec);
  const [pool, heldA, heldB] = [[0, 2048], [100_000, 256], [200_000, 256]].map(([first, n]) => generateEvents(detector, spec, first!, n!));
  const tokens = Math.ceil(Math.max(...[pool!, heldA!, heldB!].map(maxHits)) / 4) * 4;
  const stats = computeStats(pool!);
  const cfg = { ...FLOW_DEFAULT, tokens, layers: detector.layers.length };
  const features = (sample: readonly AnyShower[], hits?: Hit[][]) => {
    const o = sample.map((s, i) => observeShower(detector, hits ? { ...s, hits: hits[i]! } : s));
    return {
      ratio: o.map((x) => x.visibleFraction),
      cogLayer: o.map((x) => x.cogLayer),
      meanRadius: o.map((x) => x.hitEnergy.reduce((a, e, i) => a + e * x.hitRadius[i]!, 0) / x.visibleEnergy),
    };
  };
  const reference = features(heldA!);
  const other = features(heldB!);
  const keys = ['ratio', 'cogLayer', 'meanRadius'] as const;
  const noiseFloor = Object.fromEntries(keys.map((k) => [k, standardisedW1(reference[k], other[k])]));
  const conditions = buildBatch(heldA!, stats, detector, tokens);
  const runs = [];
  for (const pairing of ['ot', 'random'] as Pairing[]) {
    const flow = new PointFlow(ctx.device, cfg, stats, detector, { batch: 32, pairing, seed: 1, adamw: { lr: 2e-3 } });
    const rng = new Rng(3);
    const curve = [];
    let loss = 0;
    for (let step = 0; step <= steps; step++) {
      if (step > 0) loss = (await flow.trainStep(pool!, rng)).loss;
      if (step % every !== 0) continue;
      const sampled = features(heldA!, await flow.sample(conditions, new Rng(11), 'midpoint', 16));
      curve.push({ step, loss, w1: Object.fromEntries(keys.map((k) => [k, standardisedW1(reference[k], sampled[k])])) });
      console.error(`${pairing} step ${step}: loss ${loss.toFixed(3)}`);
    }
    flow.destroy();
    runs.push({ pairing, curve });
  }
  console.log(JSON.stringify({ bench: 'showers-pairing', tokens, batch: 32, config: cfg, solver: 'midpoint × 16', heldOut: heldA!.length, noiseFloor, runs }, null, 1));
  ctx.device.destroy();
  process.exit(0);
}
void main();
