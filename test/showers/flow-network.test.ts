// The flow network (showers/flow/network.ts) at tiny sizes: the forward against the float64 CPU network
// (network-reference.ts, padding rows included), every parameter gradient of the flow loss against central
// finite differences of that reference, the attention mask (a token sees its own layer only at window 0;
// padding never reaches a real token), a training smoke run, and one step on a real shower batch.
// Tolerances: |gpu − ref| ≤ atol + rtol · max|ref| over each tensor (as test/nn).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GpuContext } from '../../src/gpu/context';
import { createNodeContext } from '../../src/gpu/node';
import { fill, type Op } from '../../src/nn/ops';
import { ParamSet } from '../../src/nn/params';
import { presetParams } from '../../src/sims/config';
import { withValues } from '../../src/sims/params';
import { getSystem } from '../../src/sims/registry';
import { detectorOf, eventSpec, generateEvents } from '../../src/sims/showers/events';
import { conditionWidth, flowBatch } from '../../src/sims/showers/flow/batches';
import { buildBatch, computeStats, maxHits } from '../../src/sims/showers/flow/dataset';
import {
  FLOW_ALLSHOWERS, FLOW_DEFAULT, FlowLoss, FlowNetwork, flowInputs, flowNetworkLayout, FlowTrainStep, type FlowInputs, type FlowNetworkConfig,
} from '../../src/sims/showers/flow/network';
import { flowLoss, flowNetworkForward } from '../../src/sims/showers/flow/network-reference';
import { schema } from '../../src/sims/showers/params';
import { Rng } from '../../src/sims/showers/random';
import '../../src/sims/index';
import { execOps, expectClose, numericGrad, randn, read } from '../nn/helpers';

let ctx: GpuContext;
let device: GPUDevice;
beforeAll(async () => {
  ctx = await createNodeContext();
  device = ctx.device;
});
afterAll(() => device.destroy());

const TINY: FlowNetworkConfig = {
  tokens: 8, layers: 6, particles: 4, timeFeatures: 4,
  width: 8, depth: 2, heads: 2, mlp: 12, condHidden: 6, countsHidden: 5, window: 1, proj: false,
};
const S = 2;
const R = S * TINY.tokens;
// Layers per token (−1: padding). Every layer is used; shower 1 is half padding.
const TOK = [0, 0, 1, 2, 2, 5, -1, -1, 3, 3, 3, 4, -1, -1, -1, -1];

/** Random inputs; padding rows get points too (a real batch has zeros there), so a leak would show. */
function inputs(cfg: FlowNetworkConfig, seed: number): FlowInputs {
  const f = (n: number, s: number, scale = 1) => Float32Array.from(randn(n, s, scale));
  return {
    points: f(R * 3, seed),
    tok: Float32Array.from(TOK),
    cond: f(S * conditionWidth(cfg.timeFeatures), seed + 1),
    counts: f(S * cfg.layers, seed + 2),
    particle: Float32Array.from([2, 0]),
  };
}

/** A ParamSet whose biases and LayerNorm affines are moved off their 0 / 1 init, so every path counts. */
async function perturbedParams(cfg: FlowNetworkConfig, seed: number): Promise<{ params: ParamSet; theta: Float64Array }> {
  const layout = flowNetworkLayout(cfg);
  const params = new ParamSet(device, layout, seed);
  const noise = randn(layout.size, seed + 100, 0.1);
  const theta = Float64Array.from(await params.weights()).map((v, i) => v + noise[i]!);
  params.setWeights(Float32Array.from(theta));
  return { params, theta };
}

const exec = (ops: Op[]) => execOps(device, ops);


describe('flow network', () => {
  it('layouts: AllShowers size ~260 k parameters, default much smaller; bad configs refused', () => {
    const all = flowNetworkLayout(FLOW_ALLSHOWERS);
    const small = flowNetworkLayout(FLOW_DEFAULT);
    console.log(`flow network parameters: allshowers ${all.size}, default ${small.size}, tiny ${flowNetworkLayout(TINY).size}`);
    expect(all.size).toBeGreaterThan(200_000);
    expect(all.size).toBeLessThan(320_000);
    expect(small.size).toBeLessThan(all.size / 2);
    expect(all.entries.some((e) => e.name.includes('proj'))).toBe(false);
    expect(all.get('layer.table').shape).toEqual([78, 64]);
    expect(() => flowNetworkLayout({ ...TINY, heads: 3 })).toThrow(/heads/);
    expect(() => flowNetworkLayout({ ...TINY, timeFeatures: 3 })).toThrow(/even/);
  });

  // depth 2 without the projection (AllShowers), depth 1 with it
  it.each([
    { depth: 2, proj: false },
    { depth: 1, proj: true },
  ])('forward (padding rows too) and every parameter gradient of the flow loss match the float64 reference, depth $depth, proj $proj', async ({ depth, proj }) => {
    const cfg = { ...TINY, depth, proj };
    const layout = flowNetworkLayout(cfg);
    const { params, theta } = await perturbedParams(cfg, 3);
    const net = new FlowNetwork(params, cfg, S);
    const loss = new FlowLoss(net);
    const x = inputs(cfg, 10);
    const u = Float32Array.from(randn(R * 3, 20));
    net.setInputs(x);
    loss.setTarget(u, x.tok);
    await exec([fill(device, 'zero grad', params.grad), ...net.forwardOps(), ...loss.ops(), ...net.backwardOps()]);

    const out = await read(device, net.output);
    expectClose('output', out, flowNetworkForward(cfg, theta, x, S, layout), { atol: 1e-5, rtol: 1e-4 });
    const f = (t: Float64Array) => flowLoss(flowNetworkForward(cfg, t, x, S, layout), u, x.tok);
    const gpuLoss = (await read(device, loss.rows)).reduce((a, b) => a + b, 0);
    expect(Math.abs(gpuLoss - f(theta))).toBeLessThan(1e-5 * f(theta));
    const want = numericGrad(f, theta, 1e-5);
    const got = Float64Array.from(await params.gradients());
    for (const e of layout.entries) expectClose(e.name, got.subarray(e.offset, e.offset + e.size), want.subarray(e.offset, e.offset + e.size), { atol: 2e-4, rtol: 1e-3 });
    // particles 1 and 3 are in no shower: exactly no gradient
    const p = layout.get('particle.table').offset;
    expect(Array.from(got.subarray(p + TINY.width, p + 2 * TINY.width))).toEqual(new Array(TINY.width).fill(0));
    params.destroy();
  });

  /** The outputs of the network after moving the points of `tokens` by a fixed random amount. */
  async function outputsWithMoved(net: FlowNetwork, x: FlowInputs, tokens: number[], seed: number): Promise<Float64Array> {
    const points = Float32Array.from(x.points);
    const shift = randn(tokens.length * 3, seed, 2);
    tokens.forEach((t, n) => {
      for (let c = 0; c < 3; c++) points[t * 3 + c]! += shift[n * 3 + c]!;
    });
    net.setInputs({ ...x, points });
    await exec(net.forwardOps());
    return read(device, net.output);
  }

  const rowsOf = (a: Float64Array, rows: number[]) => rows.flatMap((r) => Array.from(a.subarray(r * 3, r * 3 + 3)));
  const maxDiff = (a: Float64Array, b: Float64Array, rows: number[]) => Math.max(...rowsOf(a, rows).map((v, i) => Math.abs(v - rowsOf(b, rows)[i]!)));

  it('window 0: a token sees its own layer only, through every block; other showers are untouched', async () => {
    const cfg = { ...TINY, window: 0 };
    const { params } = await perturbedParams(cfg, 4);
    const net = new FlowNetwork(params, cfg, S);
    const x = inputs(cfg, 30);
    const base = await outputsWithMoved(net, x, [], 0);
    // move token 3 (shower 0, layer 2): its layer-mate 4 changes; layers 0, 1, 5 and shower 1 do not, bit for bit
    const moved = await outputsWithMoved(net, x, [3], 31);
    const others = [0, 1, 2, 5, 8, 9, 10, 11];
    expect(rowsOf(moved, others)).toEqual(rowsOf(base, others));
    expect(maxDiff(moved, base, [4])).toBeGreaterThan(1e-3);
    params.destroy();
  });

  it.each([0, 2])('padding tokens never affect real tokens, window %i', async (window) => {
    const cfg = { ...TINY, window };
    const { params } = await perturbedParams(cfg, 5);
    const net = new FlowNetwork(params, cfg, S);
    const x = inputs(cfg, 40);
    const real = TOK.flatMap((t, r) => (t >= 0 ? [r] : []));
    const pad = TOK.flatMap((t, r) => (t < 0 ? [r] : []));
    const base = await outputsWithMoved(net, x, [], 0);
    const moved = await outputsWithMoved(net, x, pad, 41);
    expect(rowsOf(moved, real)).toEqual(rowsOf(base, real));
    // and a real token's move does reach others within the band (the check above can fail)
    const movedReal = await outputsWithMoved(net, x, [2], 42);
    expect(maxDiff(movedReal, base, window === 0 ? [2] : [0, 1, 2, 3, 4])).toBeGreaterThan(1e-3);
    params.destroy();
  });

  it('trains: on a fixed toy batch the flow loss falls by at least 100x in 300 AdamW steps (seed 6)', async () => {
    const cfg: FlowNetworkConfig = { ...TINY, width: 16, depth: 1, mlp: 32, condHidden: 16, countsHidden: 16, window: 2 };
    const params = new ParamSet(device, flowNetworkLayout(cfg), 6);
    const net = new FlowNetwork(params, cfg, S);
    const loss = new FlowLoss(net);
    const step = new FlowTrainStep(net, loss, { lr: 3e-3, maxGradNorm: 1, emaDecay: 0.9 });
    const x = inputs(cfg, 50);
    // u: a fixed function of the token's point, its layer and its shower's first condition feature
    const F = conditionWidth(cfg.timeFeatures);
    const u = new Float32Array(R * 3);
    for (let r = 0; r < R; r++) {
      if (TOK[r]! < 0) continue;
      const [px, py, pe] = [x.points[3 * r]!, x.points[3 * r + 1]!, x.points[3 * r + 2]!];
      const c0 = x.cond[Math.floor(r / cfg.tokens) * F]!;
      u.set([0.5 * py - px, 0.3 * (TOK[r]! - 2), c0 - 0.5 * pe], 3 * r);
    }
    net.setInputs(x);
    loss.setTarget(u, x.tok);
    const first = (await step.step()).loss;
    for (let i = 0; i < 298; i++) step.submit();
    const last = await step.step();
    console.log(`flow toy loss ${first.toFixed(4)} -> ${last.loss.toExponential(2)} after ${last.steps} steps`);
    expect(last.steps).toBe(300);
    expect(last.skipped).toBe(0);
    expect(last.loss).toBeLessThan(first / 100);
    params.destroy();
  });

  it('one step on a real shower batch (flowInputs, setBatch): the loss is the mean over real tokens', async () => {
    const def = getSystem('showers');
    const p = schema.typed(withValues(schema, presetParams(def, 'electron-10gev'), { ecalCell: 15, energy: '2:4' }));
    const spec = eventSpec(p);
    const detector = detectorOf(spec);
    const showers = generateEvents(detector, spec, 0, 3);
    const cfg: FlowNetworkConfig = { ...FLOW_DEFAULT, tokens: maxHits(showers), timeFeatures: 4, width: 8, depth: 1, heads: 2, mlp: 8, condHidden: 8, countsHidden: 8 };
    const batch = buildBatch(showers, computeStats(showers), detector, cfg.tokens);
    const fb = flowBatch(batch, new Rng(7), { pairing: 'ot', timeFeatures: cfg.timeFeatures });
    expect(() => flowInputs(batch, fb, { ...cfg, timeFeatures: 6 })).toThrow(/conditions/);
    expect(() => flowInputs(batch, fb, { ...cfg, layers: 30 })).toThrow(/layers/);
    const params = new ParamSet(device, flowNetworkLayout(cfg), 8);
    const net = new FlowNetwork(params, cfg, batch.showers);
    const step = new FlowTrainStep(net, new FlowLoss(net));
    step.setBatch(batch, fb);
    const s = await step.step();
    const out = await read(device, net.output); // after the step's forward; the update came later
    expect(Number.isFinite(s.loss) && s.loss > 0).toBe(true);
    expect(Math.abs(s.loss - flowLoss(out, fb.target, batch.tok))).toBeLessThan(1e-5 * s.loss);
    params.destroy();
  });
});
