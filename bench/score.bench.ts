// Score-network training step: ours (WGSL: kNN gather from the live boffi-mips snapshot +
// LocalTransformer + antithetic DSM + AdamW/EMA, one submit) against the same network, loss
// and Adam in TensorFlow.js (CPU backend, same process, inputs given: no gather).
// Run: SCORE_PAIRS=128 SCORE_STEPS=3 npx vitest run -c bench/score-bench.config.ts
import { it } from 'vitest';
import { createNodeContext } from '../src/gpu/node';
import { initialValues } from '../src/nn/layout';
import { localTransformerLayout } from '../src/nn/local-transformer';
import { presetParams } from '../src/sims/config';
import { mipsSystem } from '../src/sims/mips';
import { networkConfig, SCORE_DEFAULTS } from '../src/sims/mips/score/config';
import { benchScore } from '../src/sims/mips/score/bench';
import { tf, tfjsDsmStep } from './tfjs-dsm';

const pairs = Number(process.env.SCORE_PAIRS ?? 128);
const steps = Number(process.env.SCORE_STEPS ?? 3);
const settings = { ...SCORE_DEFAULTS, batch: pairs };
const cfg = networkConfig(settings, { model: 'aoup', noisyX: false, trap: false, pairForce: true });
const sets = 2 * pairs;
const sigma = settings.sigma;
const layout = localTransformerLayout(cfg);
const init = initialValues(layout, 1);
const rand = (n: number) => Float32Array.from({ length: n }, () => Math.random() * 2 - 1);

function theirs(): number {
  const x = rand(sets * cfg.tokens * cfg.inputs);
  const zeta = rand(pairs * cfg.outputs);
  const step = tfjsDsmStep({ cfg, layout, init, pairs, x, zeta, sigma, lr: settings.lr });
  step();
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) step();
  return (performance.now() - t0) / steps;
}

it('score training step: WGSL (with gather) vs TensorFlow.js CPU (network + loss + Adam)', async () => {
  await tf.setBackend('cpu');
  const ctx = await createNodeContext();
  const params = presetParams(mipsSystem, 'boffi-mips');
  console.log(`network ${JSON.stringify(cfg)}; ${pairs} antithetic pairs per step`);
  const ours = await benchScore(ctx, params, settings, steps, 1);
  ctx.device.destroy();
  const t = theirs();
  console.log(`wgsl (${ctx.adapterName}): ${ours.trainMsPerStep.toFixed(1)} ms/step, ${ours.particleSamplesPerSecond.toFixed(0)} particle-samples/s; inference over N = 4096: ${ours.inferenceMs.toFixed(0)} ms`);
  console.log(`tfjs-cpu: ${t.toFixed(1)} ms/step, ${((pairs * 1000) / t).toFixed(0)} particle-samples/s; ratio (tfjs ms / ours ms) ${(t / ours.trainMsPerStep).toFixed(2)}x`);
});
