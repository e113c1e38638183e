// Run: node --import tsx --import ./cli/register-loaders.mjs bench/showers-flow-tfjs.ts [STEPS [SHOWERS [TOKENS]]]
//   (or FLOW_SHOWERS / FLOW_TOKENS in the environment; defaults 20 steps, 8 showers, 128 tokens)
//
// The shower flow network's training step: ours (WGSL FlowTrainStep: forward, FlowLoss, backward,
// AdamW + clip + EMA, stats read back) against the same network, masked MSE and optimiser in
// TensorFlow.js (CPU backend), on one batch of generator showers (ECAL, 15 mm cells, 2–10 GeV
// electrons), in one Node process. Both start from our initial weights; their initial losses (and a
// float64 CPU reference) are printed as the correctness anchor. One JSON object on stdout.
//
// TF.js optimiser: tf.train.adam (eps 1e-8, as ours) on gradients clipped to global norm maxGradNorm
// the way adamw.wgsl clips, plus decoupled weight decay on the Linear weights and a weight EMA, as
// ours. Unlike ours it does not skip steps with a non-finite loss (that needs a sync before the update).
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { createNodeContext } from '../src/gpu/node';
import { ADAMW_DEFAULTS } from '../src/nn/adamw';
import type { ParamLayout } from '../src/nn/layout';
import { ParamSet } from '../src/nn/params';
import { presetParams } from '../src/sims/config';
import { withValues } from '../src/sims/params';
import { getSystem } from '../src/sims/registry';
import { detectorOf, eventSpec, generateEvents } from '../src/sims/showers/events';
import { conditionWidth, flowBatch, type FlowBatch } from '../src/sims/showers/flow/batches';
import { buildBatch, computeStats, POINT_DIM, type ShowerBatch } from '../src/sims/showers/flow/dataset';
import {
  FLOW_ADAMW, FLOW_DEFAULT, FlowLoss, FlowNetwork, flowInputs, flowNetworkLayout, FlowTrainStep, type FlowInputs, type FlowNetworkConfig,
} from '../src/sims/showers/flow/network';
import { flowLoss, flowNetworkForward } from '../src/sims/showers/flow/network-reference';
import { schema } from '../src/sims/showers/params';
import { Rng } from '../src/sims/showers/random';
import '../src/sims/index';

// tfjs-core's Node bundle has no gradients, and its ESM register_all_gradients does not resolve under
// Node's ESM loader (a directory import); require() (through tsx) resolves it, and the gradient
// registry is global, so the bundle's engine sees them.
createRequire(import.meta.url)('@tensorflow/tfjs-core/dist/register_all_gradients');

type T2 = tf.Tensor2D;

const WARMUP = 2;
const SEED = 1;
/** Padding keys get this added to their scores: exp underflows to exactly 0, and no -inf NaNs. */
const MASKED = -1e9;

function positiveInt(name: string, raw: string | undefined, fallback: number): number {
  const v = Number(raw ?? fallback);
  if (!(Number.isInteger(v) && v >= 1)) {
    console.error(`error: ${name} must be a positive integer; got ${JSON.stringify(raw)}`);
    process.exit(2);
  }
  return v;
}

/** One batch of `showers` generator showers with at most `tokens` hits each (bigger ones are passed over). */
function showerBatch(showers: number, tokens: number): { batch: ShowerBatch; fb: FlowBatch; layers: number; skipped: number } {
  const p = schema.typed(withValues(schema, presetParams(getSystem('showers'), 'electron-10gev'), { ecalCell: 15, energy: '2:10' }));
  const spec = eventSpec(p);
  const detector = detectorOf(spec);
  const pool = generateEvents(detector, spec, 0, Math.max(64, 4 * showers));
  const fits = pool.filter((s) => s.hits.length <= tokens);
  if (fits.length < showers) throw new RangeError(`only ${fits.length} of ${pool.length} showers have <= ${tokens} hits; raise TOKENS`);
  const chosen = fits.slice(0, showers);
  const batch = buildBatch(chosen, computeStats(pool), detector, tokens);
  const fb = flowBatch(batch, new Rng(SEED), { pairing: 'ot', timeFeatures: FLOW_DEFAULT.timeFeatures });
  return { batch, fb, layers: detector.layers.length, skipped: pool.indexOf(chosen[showers - 1]!) + 1 - showers };
}

/** Row weights of the loss: 1 / (3 · real tokens) on real tokens, 0 on padding (as FlowLoss.setTarget). */
function lossWeights(tok: ArrayLike<number>): Float32Array {
  let real = 0;
  for (let r = 0; r < tok.length; r++) if (tok[r]! >= 0) real++;
  return Float32Array.from(tok, (t) => (t >= 0 ? 1 / (POINT_DIM * real) : 0));
}

/** 1 where query i may attend to key j (tok_j >= 0 and |tok_i − tok_j| <= window), per shower: [S, 1, K, K]. */
function attentionMask(tok: ArrayLike<number>, sets: number, k: number, window: number): tf.Tensor4D {
  const m = new Float32Array(sets * k * k);
  for (let s = 0; s < sets; s++) {
    for (let i = 0; i < k; i++) {
      const ti = tok[s * k + i]!;
      for (let j = 0; j < k; j++) {
        const tj = tok[s * k + j]!;
        if (tj >= 0 && Math.abs(ti - tj) <= window) m[(s * k + i) * k + j] = 1;
      }
    }
  }
  return tf.tensor4d(m, [sets, 1, k, k]);
}

const GELU_C = Math.sqrt(2 / Math.PI);
/** tanh GELU, as nn/reference.ts and the kernels. */
const gelu = (x: T2): T2 => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.tanh(tf.mul(GELU_C, tf.add(x, tf.mul(0.044715, tf.mul(x, tf.mul(x, x)))))))) as T2;

/** The network's variables, from weights `theta` in `layout` (our initial weights). */
function variables(layout: ParamLayout, theta: Float32Array): Map<string, tf.Variable> {
  return new Map(layout.entries.map((e) => [e.name, tf.variable(tf.tensor(theta.slice(e.offset, e.offset + e.size), e.shape), true, e.name)]));
}

/** The flow network's forward (network-reference.ts's maths) on fixed inputs: () => output [S · K, 3]. */
function tfjsForward(cfg: FlowNetworkConfig, vars: Map<string, tf.Variable>, x: FlowInputs, sets: number): () => T2 {
  const K = cfg.tokens, C = cfg.width, H = cfg.heads, dh = C / H, R = sets * K;
  const W = (n: string) => vars.get(n)!;
  const lin = (h: T2, n: string) => tf.add(tf.matMul(h, W(`${n}.w`) as T2), W(`${n}.b`)) as T2;
  const mlp = (h: T2, n: string) => lin(gelu(lin(h, `${n}.l1`)), `${n}.l2`);
  const ln = (h: T2, n: string) => {
    const { mean, variance } = tf.moments(h, 1, true); // biased variance, eps 1e-5: nn/reference.ts layerNorm
    return tf.add(tf.mul(tf.div(tf.sub(h, mean), tf.sqrt(tf.add(variance, 1e-5))), W(`${n}.gamma`)), W(`${n}.beta`)) as T2;
  };
  // constants, made once (kept: outside any tidy)
  const points = tf.tensor2d(x.points, [R, POINT_DIM]);
  const real = tf.tensor2d(Float32Array.from(x.tok, (t) => (t >= 0 ? 1 : 0)), [R, 1]);
  const layerIdx = tf.tensor1d(Int32Array.from(x.tok, (t) => Math.max(0, t)), 'int32'); // padding rows zeroed by `real`
  const particleIdx = tf.tensor1d(Int32Array.from(x.particle), 'int32');
  const cond = tf.tensor2d(x.cond, [sets, conditionWidth(cfg.timeFeatures)]);
  const counts = tf.tensor2d(x.counts, [sets, cfg.layers]);
  const allowed = attentionMask(x.tok, sets, K, cfg.window);
  const bias = tf.mul(tf.sub(1, allowed), MASKED);

  const attention = (qkv: T2): T2 => {
    // [R, 3C] → q, k, v as [S · H, K, dh]
    const [q, k, v] = tf.unstack(tf.reshape(tf.transpose(tf.reshape(qkv, [sets, K, 3, H, dh]), [2, 0, 3, 1, 4]), [3, sets * H, K, dh])) as tf.Tensor3D[];
    const scores = tf.add(tf.reshape(tf.mul(tf.matMul(q!, k!, false, true), 1 / Math.sqrt(dh)), [sets, H, K, K]), bias);
    // × allowed: a query with no allowed key gets 0, as the kernel (instead of a uniform average)
    const att = tf.reshape(tf.mul(tf.softmax(scores), allowed), [sets * H, K, K]) as tf.Tensor3D;
    return tf.reshape(tf.transpose(tf.reshape(tf.matMul(att, v!), [sets, H, K, dh]), [0, 2, 1, 3]), [R, C]) as T2;
  };

  return () => {
    const perShower = tf.addN([mlp(cond, 'cond'), mlp(counts, 'counts'), tf.gather(W('particle.table'), particleIdx) as T2]);
    const broadcast = tf.reshape(tf.mul(tf.reshape(perShower, [sets, 1, C]), tf.reshape(real, [sets, K, 1])), [R, C]) as T2;
    let h = tf.addN([lin(points, 'point'), tf.mul(tf.gather(W('layer.table'), layerIdx), real) as T2, broadcast]);
    for (let b = 0; b < cfg.depth; b++) {
      const n = `block${b}`;
      const a = attention(lin(h, `${n}.qkv`));
      const h1 = ln(tf.add(h, cfg.proj ? lin(a, `${n}.proj`) : a), `${n}.ln1`);
      h = ln(tf.add(h1, lin(gelu(lin(h1, `${n}.mlp1`)), `${n}.mlp2`)), `${n}.ln2`);
    }
    return lin(h, 'head');
  };
}

/** Masked MSE over real tokens: Σ_r w_r Σ_c (v − u)², w from lossWeights. */
function tfjsLoss(forward: () => T2, target: Float32Array, tok: ArrayLike<number>): () => tf.Scalar {
  const u = tf.tensor2d(target, [tok.length, POINT_DIM]);
  const w = tf.tensor2d(lossWeights(tok), [tok.length, 1]);
  return () => tf.sum(tf.mul(tf.square(tf.sub(forward(), u)), w));
}

/** One AdamW-like step (see the header); returns the loss before the update, read back (the per-step sync). */
function tfjsStep(loss: () => tf.Scalar, vars: Map<string, tf.Variable>, layout: ParamLayout): () => number {
  const o = { ...ADAMW_DEFAULTS, ...FLOW_ADAMW }; // ours: FlowTrainStep's AdamW options
  const { lr, maxGradNorm: maxNorm, emaDecay: ema } = o;
  const adam = tf.train.adam(lr, o.beta1, o.beta2, o.eps);
  const decayed = layout.entries.filter((e) => e.decay).map((e) => vars.get(e.name)!);
  const emas = [...vars.values()].map((v) => tf.variable(v, false));
  return () =>
    tf.tidy(() => {
      const { value, grads } = tf.variableGrads(loss);
      const norm = tf.sqrt(tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g)))));
      const clip = tf.where(tf.greater(norm, maxNorm), tf.div(maxNorm, tf.add(norm, 1e-6)), tf.scalar(1));
      // decoupled decay on the pre-update weights; Adam's update does not depend on them, so order is free
      for (const v of decayed) v.assign(tf.mul(v, 1 - lr * o.weightDecay));
      adam.applyGradients(Object.fromEntries(Object.entries(grads).map(([n, g]) => [n, tf.mul(g, clip)])));
      [...vars.values()].forEach((v, i) => emas[i]!.assign(tf.add(tf.mul(emas[i]!, ema), tf.mul(v, 1 - ema))));
      return value.dataSync()[0]!;
    });
}

/** Mean ms per call of `step` over `n` calls. */
async function timeSteps(n: number, step: () => unknown): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await step();
  return (performance.now() - t0) / n;
}

const relDiff = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

async function main() {
  const steps = positiveInt('STEPS', process.argv[2], 20);
  const showers = positiveInt('SHOWERS', process.argv[3] ?? process.env.FLOW_SHOWERS, 8);
  const tokens = positiveInt('TOKENS', process.argv[4] ?? process.env.FLOW_TOKENS, FLOW_DEFAULT.tokens);
  const { batch, fb, layers, skipped } = showerBatch(showers, tokens);
  const cfg: FlowNetworkConfig = { ...FLOW_DEFAULT, tokens, layers };
  const layout = flowNetworkLayout(cfg);
  const x = flowInputs(batch, fb, cfg);

  // ours
  const ctx = await createNodeContext();
  const params = new ParamSet(ctx.device, layout, SEED);
  const theta = await params.weights();
  const net = new FlowNetwork(params, cfg, showers);
  const ourStep = new FlowTrainStep(net, new FlowLoss(net));
  ourStep.setBatch(batch, fb);
  const ourLosses: number[] = [];
  const ourOne = async () => ourLosses.push((await ourStep.step()).loss);
  for (let i = 0; i < WARMUP; i++) await ourOne(); // compiles the pipelines
  const oursMs = await timeSteps(steps, ourOne);

  // TF.js, from the same initial weights and batch
  await tf.setBackend('cpu');
  const vars = variables(layout, theta);
  const loss = tfjsLoss(tfjsForward(cfg, vars, x, showers), Float32Array.from(fb.target), x.tok);
  const tfInitial = tf.tidy(() => loss().dataSync()[0]!);
  const tfStep = tfjsStep(loss, vars, layout);
  const tfLosses: number[] = [];
  const tfOne = () => tfLosses.push(tfStep());
  for (let i = 0; i < WARMUP; i++) tfOne();
  const tfMs = await timeSteps(steps, tfOne);

  const reference = flowLoss(flowNetworkForward(cfg, Float64Array.from(theta), x, showers, layout), fb.target, x.tok);
  const ours0 = ourLosses[0]!;
  console.log(JSON.stringify({
    bench: 'showers-flow-tfjs',
    config: cfg,
    parameters: layout.size,
    showers,
    tokens,
    realTokens: Array.from(batch.hits).reduce((a, b) => a + b, 0),
    oversizedShowersPassedOver: skipped,
    steps,
    warmup: WARMUP,
    ours: { msPerStep: oursMs, stepsPerS: 1000 / oursMs, adapter: ctx.adapterName },
    tfjs: { backend: tf.getBackend(), msPerStep: tfMs, stepsPerS: 1000 / tfMs },
    ratio: tfMs / oursMs,
    initialLoss: { ours: ours0, tfjs: tfInitial, float64Reference: reference, relDiffTfjsVsOurs: relDiff(tfInitial, ours0), relDiffOursVsReference: relDiff(ours0, reference) },
    // the loss before the last step, after WARMUP + steps − 1 updates of each optimiser
    lastLoss: { ours: ourLosses.at(-1), tfjs: tfLosses.at(-1), relDiff: relDiff(tfLosses.at(-1)!, ourLosses.at(-1)!) },
  }, null, 1));
  params.destroy();
  ctx.device.destroy();
  process.exit(0); // Dawn's GPU object keeps the process alive
}

void main();
