// Training-step throughput of the WGSL LocalTransformer (antithetic DSM loss + AdamW) against
// the same network, loss and optimiser in TensorFlow.js (CPU backend, same process).
// Run: NN_PAIRS=256 NN_STEPS=5 npx vitest run -c bench/nn-bench.config.ts
// (through Vite: tfjs-core's gradient registrations are ESM that plain Node cannot load).
import { it } from 'vitest';
import { createNodeContext } from '../src/gpu/node';
import { AdamW, TrainStep } from '../src/nn/adamw';
import { initialValues } from '../src/nn/layout';
import { LocalTransformer, localTransformerLayout, type LocalTransformerConfig } from '../src/nn/local-transformer';
import { DsmLoss } from '../src/nn/losses';
import { ParamSet } from '../src/nn/params';
import { tf, tfjsDsmStep } from './tfjs-dsm';

const pairs = Number(process.env.NN_PAIRS ?? 64);
const steps = Number(process.env.NN_STEPS ?? 2);
const sets = 2 * pairs;
const cfg: LocalTransformerConfig = {
  tokens: 16, inputs: 4, embed: [[0, 2], [2, 2]], embedHidden: 32,
  width: 32, depth: 2, heads: 4, mlp: 64, headHidden: 32, outputs: 2,
};
const sigma = 0.05;
const layout = localTransformerLayout(cfg);
const init = initialValues(layout, 1);
const rand = (n: number) => Float32Array.from({ length: n }, () => Math.random() * 2 - 1);
const x = rand(sets * cfg.tokens * cfg.inputs);
const zeta = rand(pairs * cfg.outputs);

async function ours(): Promise<number> {
  const ctx = await createNodeContext();
  const params = new ParamSet(ctx.device, layout, 1);
  const net = new LocalTransformer(params, cfg, sets);
  const loss = new DsmLoss(ctx.device, net.output, net.dOutput, sigma);
  ctx.device.queue.writeBuffer(net.input.buffer, 0, x);
  ctx.device.queue.writeBuffer(loss.zeta.buffer, 0, zeta);
  const step = new TrainStep(new AdamW(params, { lr: 1e-3 }), net, loss);
  await step.step(); // warm-up
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) step.submit();
  const s = await step.step();
  const ms = (performance.now() - t0) / (steps + 1);
  console.log(`wgsl (${ctx.adapterName}): ${ms.toFixed(1)} ms/step, loss ${s.loss.toFixed(4)}`);
  ctx.device.destroy();
  return ms;
}

function theirs(): number {
  const step = tfjsDsmStep({ cfg, layout, init, pairs, x, zeta, sigma, lr: 1e-3 });
  step();
  const t0 = performance.now();
  let l = 0;
  for (let i = 0; i <= steps; i++) l = step();
  const ms = (performance.now() - t0) / (steps + 1);
  console.log(`tfjs-cpu: ${ms.toFixed(1)} ms/step, loss ${l.toFixed(4)}`);
  return ms;
}

it('LocalTransformer DSM training step: WGSL vs TensorFlow.js CPU', async () => {
  await tf.setBackend('cpu');
  console.log(`LocalTransformer ${JSON.stringify(cfg)}; ${sets} sets (${pairs} antithetic pairs), ${steps + 1} timed steps`);
  const a = await ours();
  const b = theirs();
  console.log(`particle-samples/s: wgsl ${((sets * 1000) / a).toFixed(0)}, tfjs ${((sets * 1000) / b).toFixed(0)}; speed-up ${(b / a).toFixed(2)}x`);
});
