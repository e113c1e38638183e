// Training-step throughput of the WGSL LocalTransformer (antithetic DSM loss + AdamW) against
// the same network, loss and optimiser in TensorFlow.js (CPU backend, same process).
// Run: NN_PAIRS=256 NN_STEPS=5 npx vitest run -c bench/nn-bench.config.ts
// (through Vite: tfjs-core's gradient registrations are ESM that plain Node cannot load).
import { it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import { createNodeContext } from '../src/gpu/node';
import { AdamW, TrainStep } from '../src/nn/adamw';
import { initialValues } from '../src/nn/layout';
import { LocalTransformer, localTransformerLayout, type LocalTransformerConfig } from '../src/nn/local-transformer';
import { DsmLoss } from '../src/nn/losses';
import { ParamSet } from '../src/nn/params';

type T2 = tf.Tensor2D;
type T3 = tf.Tensor3D;
type Sc = tf.Scalar;

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
  const v = (name: string) => {
    const e = layout.get(name);
    return tf.variable(tf.tensor(Float32Array.from(init.subarray(e.offset, e.offset + e.size)), e.shape), true, name);
  };
  const vars = new Map(layout.entries.map((e) => [e.name, v(e.name)]));
  const W = (n: string) => vars.get(n)!;
  const lin = (h: T2, n: string) => tf.add(tf.matMul(h, W(`${n}.w`) as T2), W(`${n}.b`)) as T2;
  const gelu = (h: T2) => tf.mul(tf.mul(h, 0.5), tf.add(1, tf.tanh(tf.mul(Math.sqrt(2 / Math.PI), tf.add(h, tf.mul(0.044715, tf.pow(h, 3))))))) as T2;
  const ln = (h: T2, n: string) => {
    const { mean, variance } = tf.moments(h, 1, true);
    return tf.add(tf.mul(tf.div(tf.sub(h, mean), tf.sqrt(tf.add(variance, 1e-5))), W(`${n}.gamma`)), W(`${n}.beta`)) as T2;
  };
  const K = cfg.tokens, C = cfg.width, H = cfg.heads, dh = C / H, R = sets * K;
  const xin = tf.tensor2d(x, [R, cfg.inputs]);
  const z = tf.tensor2d(zeta, [pairs, cfg.outputs]);
  const forward = () => {
    let h = tf.concat(cfg.embed.map(([s, c], g) => lin(gelu(lin(tf.slice(xin, [0, s], [R, c]), `embed${g}.l1`)), `embed${g}.l2`)), 1) as T2;
    for (let b = 0; b < cfg.depth; b++) {
      const n = `block${b}`;
      const qkv = tf.reshape(lin(h, `${n}.qkv`), [sets, K, 3, H, dh]);
      const part = (i: number) => tf.reshape(tf.transpose(tf.squeeze(tf.slice(qkv, [0, 0, i, 0, 0], [sets, K, 1, H, dh]), [2]), [0, 2, 1, 3]), [sets * H, K, dh]) as T3;
      const att = tf.softmax(tf.mul(tf.matMul(part(0), part(1), false, true), 1 / Math.sqrt(dh)));
      const o = tf.reshape(tf.transpose(tf.reshape(tf.matMul(att, part(2)), [sets, H, K, dh]), [0, 2, 1, 3]), [R, C]) as T2;
      const h1 = ln(tf.add(h, lin(o, `${n}.proj`)), `${n}.ln1`);
      h = ln(tf.add(h1, lin(gelu(lin(h1, `${n}.mlp1`)), `${n}.mlp2`)), `${n}.ln2`);
    }
    const t0 = tf.reshape(tf.slice(tf.reshape(h, [sets, K, C]), [0, 0, 0], [sets, 1, C]), [sets, C]) as T2;
    const s = lin(gelu(lin(t0, 'head.l1')), 'head.l2');
    const sp = tf.slice(s, [0, 0], [pairs, cfg.outputs]);
    const sm = tf.slice(s, [pairs, 0], [pairs, cfg.outputs]);
    const zz = tf.div(z, sigma);
    return tf.div(tf.sum(tf.add(tf.add(tf.square(sp), tf.mul(2, tf.mul(sp, zz))), tf.sub(tf.square(sm), tf.mul(2, tf.mul(sm, zz))))), pairs) as Sc;
  };
  const opt = tf.train.adam(1e-3);
  const step = () => tf.tidy(() => opt.minimize(forward, true)!.dataSync()[0]!);
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
