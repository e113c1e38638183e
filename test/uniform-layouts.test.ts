// Every uniform layout has one meaning on both sides: binding a UniformStruct's buffer checks its
// fields (names, types, offsets, order) against the WGSL struct of the var<uniform> the entry point
// uses (src/gpu/uniform-layout.ts). Checked here: the check catches a field on one side only, and
// a build of every system (on a stand-in device: nothing compiles) reaches, and so checks, every
// uniform struct in src/**/*.wgsl.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storageBuffer, UniformStruct } from '../src/gpu/buffers';
import type { GpuContext } from '../src/gpu/context';
import { createNodeContext } from '../src/gpu/node';
import { kernel, pipelinesOf, standInDevice } from '../src/gpu/pipelines';
import { checkUniformBindings, declareUniformBuffer, uniformLayout } from '../src/gpu/uniform-layout';
import { declaredUniforms, uniformsOf, type WgslUniform } from '../src/gpu/wgsl-reflect';
import { AdamW, TrainStep } from '../src/nn/adamw';
import { Embedding, SetBroadcast } from '../src/nn/embedding';
import { ParamLayout } from '../src/nn/layout';
import { localTransformerLayout, LocalTransformer } from '../src/nn/local-transformer';
import { DsmLoss, MaskedMseLoss } from '../src/nn/losses';
import { ParamSet } from '../src/nn/params';
import { SortBatch } from '../src/sims/tokens/trained/sort-task';
import { CharBatch, corpusBuffer, corpusOf } from '../src/sims/tokens/trained/charlm-task';
import { tensor } from '../src/nn/tensor';
import { MipsSimulation } from '../src/sims/mips/simulation';
import { networkConfig, outputsOf, SCORE_TINY, scoreArch } from '../src/sims/mips/score/config';
import { ScoreFields } from '../src/sims/mips/score/fields';
import { counterBuffer, ScoreGather } from '../src/sims/mips/score/gather';
import { benchTokens } from '../src/sims/tokens/bench';
import { liveSettings, TokenEngine, TokenWeights } from '../src/sims/tokens/engine';
import { buildModel } from '../src/sims/tokens/model';
import { TokenSimulation } from '../src/sims/tokens/simulation';
import { ildCalorimeter } from '../src/sims/showers/detector';
import { CellView } from '../src/sims/showers/view';
import { mipsParams } from './mips/helpers';
import { params as tokenParams } from './tokens/helpers';

let ctx: GpuContext;
beforeAll(async () => {
  ctx = await createNodeContext();
});
afterAll(() => ctx.device.destroy());

const WGSL = `
struct A { n: u32, dt: f32, box: vec2<f32> }
struct B { count: u32, h: f32 }
@group(0) @binding(0) var<uniform> a: A;
@group(0) @binding(0) var<uniform> b: B;
fn size() -> u32 { return a.n; }
@compute @workgroup_size(1) fn useA() { _ = size(); }
@compute @workgroup_size(1) fn useB() { _ = b.count; }
`;

/** A stand-in buffer that a UniformStruct with these fields fills. */
function filled(fields: [string, string][]): GPUBuffer {
  const buffer = {} as GPUBuffer;
  declareUniformBuffer(buffer, uniformLayout(fields.map(([name, type]) => ({ name, type }))));
  return buffer;
}

describe('uniform layout check', () => {
  const check = (entry: string, fields: [string, string][]) => () => checkUniformBindings(WGSL, entry, 0, { 0: filled(fields) });

  it('passes the same fields, following the entry point through its calls to the uniform it uses', () => {
    expect(uniformsOf(WGSL, 'useA').map((u) => u.variable)).toEqual(['a']);
    expect(check('useA', [['n', 'u32'], ['dt', 'f32'], ['box', 'vec2f']])).not.toThrow();
    expect(check('useB', [['count', 'u32'], ['h', 'f32']])).not.toThrow();
  });

  it('fails a field added, dropped, moved or retyped on one side', () => {
    expect(check('useA', [['n', 'u32'], ['dt', 'f32'], ['box', 'vec2f'], ['extra', 'f32']])).toThrow(/useA: @binding\(0\) var<uniform> a: A: WGSL declares/);
    expect(check('useA', [['n', 'u32'], ['dt', 'f32']])).toThrow(/WGSL declares/);
    expect(check('useA', [['dt', 'f32'], ['n', 'u32'], ['box', 'vec2f']])).toThrow(/WGSL declares/);
    expect(check('useA', [['n', 'u32'], ['dt', 'u32'], ['box', 'vec2f']])).toThrow(/WGSL declares/);
    expect(check('useB', [['n', 'u32'], ['dt', 'f32'], ['box', 'vec2f']])).toThrow(/var<uniform> b: B/);
  });

  it('fails a uniform bound to a buffer no UniformStruct fills', () => {
    expect(() => checkUniformBindings(WGSL, 'useB', 0, { 0: {} as GPUBuffer })).toThrow(/no UniformStruct fills/);
  });

  it('runs where a kernel binds its buffers', () => {
    const d = standInDevice(ctx.device);
    const code = `${WGSL}\n@group(0) @binding(1) var<storage, read_write> out: array<u32>;\n@compute @workgroup_size(1) fn write() { out[0] = a.n; }`;
    const good = new UniformStruct(d, 'good', { n: 'u32', dt: 'f32', box: 'vec2f' });
    const bad = new UniformStruct(d, 'bad', { n: 'u32', box: 'vec2f' });
    const out = storageBuffer(d, 'out', 16);
    expect(() => kernel(d, code, 'write', { 0: good.buffer, 1: out })).not.toThrow();
    expect(() => kernel(d, code, 'write', { 0: bad.buffer, 1: out })).toThrow(/WGSL declares \{ n: u32 @0, dt: f32 @4, box: vec2f @8 \}/);
  });
});

/** `struct S { a: u32, ... }`: what the coverage below compares. */
const signature = (u: WgslUniform) => `${u.struct} { ${u.fields.map((f) => `${f.name}: ${f.type}`).join(', ')} }`;

function wgslFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? wgslFiles(join(dir, e.name)) : e.name.endsWith('.wgsl') ? [join(dir, e.name)] : [],
  );
}

/** Builds the kernels of every system on `d` (binding checks each uniform); returns async leftovers. */
function buildEverything(d: GPUDevice, pending: Promise<unknown>[]): void {
  const like = { ...ctx, device: d };
  // mips: Verlet list (default skin), cell list every step, no pair force
  const sims = [{}, { skin: 0 }, { force: 'none' }].map((v) => new MipsSimulation(like, mipsParams({ n: 64, ...v })));
  // the score network: gathers, fields, training (dsm, AdamW), divergence, and the masked MSE loss
  const sim = sims[0]!;
  const arch = scoreArch(sim.params);
  const cfg = networkConfig(SCORE_TINY, arch);
  const net = new LocalTransformer(new ParamSet(d, localTransformerLayout(cfg)), cfg, 16);
  const gather = new ScoreGather(d, sim.internals, sim.params, arch, SCORE_TINY.neighbors, 0.1, 1, 0);
  const src = { posB: sim.internals.buf.posB, bodyB: sim.internals.buf.bodyB, cellStart: sim.internals.cells.cellStart };
  const meta = storageBuffer(d, 'meta', 16 * 32);
  const counter = counterBuffer(d);
  gather.all(net, meta, src, 16);
  gather.batch(net, tensor(d, 'zeta', 8, outputsOf(arch)), 8, counter);
  gather.tick(counter);
  new ScoreFields(d, sim.internals, sim.params, arch, net, meta, src);
  net.divergenceOps({ inputStart: 0, count: 1 });
  new TrainStep(new AdamW(net.params), net, new DsmLoss(d, net.output, net.dOutput, 0.1));
  new MaskedMseLoss(d, net.output, net.dOutput, 1).ops();
  // embeddings: lookup, gradient through partial tables, set broadcast and its sum
  const embLayout = new ParamLayout();
  Embedding.declare(embLayout, 'layer', 3, 8);
  const emb = new Embedding(new ParamSet(d, embLayout), 'layer', 16, 3, 8, { chunk: 4 });
  const [h, tok, v] = [tensor(d, 'h', 16, 8), tensor(d, 'tok', 16, 1), tensor(d, 'v', 4, 8)];
  emb.forward(tok, h);
  emb.backward(h, { paramGrads: true });
  const bc = new SetBroadcast(d, 'set', 4, 4);
  bc.forward(v, h, { mask: tok, accumulate: true });
  bc.backward(h, v);
  // tokens: the system (view, observables), every scheme of the engine, the attention benchmark
  pending.push(TokenSimulation.create(like, tokenParams({ ffn: 'on' })));
  const p = tokenParams({ ffn: 'on', sphere: true });
  const model = buildModel(p);
  const engine = new TokenEngine(d, model, new TokenWeights(d, model), true, false, liveSettings(p));
  const pass = d.createCommandEncoder().beginComputePass();
  for (const splitting of ['lie', 'strang'] as const) for (const substep of ['euler', 'rk4'] as const) engine.encode(pass, 1, { splitting, substep });
  engine.encode(pass, 1, 'unsplit-rk4');
  for (const unfused of ['tiled', 'simple'] as const) pending.push(benchTokens(like, { n: 8, d: 4, heads: 1, reps: 1, unfused }));
  // tokens networks: the sort and character-LM batch kernels
  const rows = 2 * 4;
  const taskOut = { symbols: tensor(d, 'symbols', rows, 1), positions: tensor(d, 'positions', rows, 1), targets: tensor(d, 'targets', rows, 1) };
  new SortBatch(d, { sets: 2, context: 4, vocab: 3, seed: 1, stream: 1 }, taskOut);
  const corpus = corpusOf('in the beginning god created the heaven and the earth');
  new CharBatch(d, corpus, corpusBuffer(d, corpus), { sets: 2, context: 4, split: 'train', seed: 1, stream: 1 }, taskOut);
  // showers: the cells view
  new CellView(d, ildCalorimeter(), 16, { low: -4, high: -1 }, 'viridis');
}

describe('every uniform struct in src is checked', () => {
  it('a build of every system binds each var<uniform> of src/**/*.wgsl to a matching UniformStruct', async () => {
    const pending: Promise<unknown>[] = [];
    const keys = pipelinesOf(ctx.device, (d) => buildEverything(d, pending));
    await Promise.all(pending);
    const reached = new Set(keys.flatMap((k) => uniformsOf(k.code, k.entryPoint).map(signature)));
    const declared = new Set(wgslFiles(join(__dirname, '../src')).flatMap((f) =>
      declaredUniforms(readFileSync(f, 'utf8')).map((u) => `${f.replace(/.*\/src\//, 'src/')}: ${signature(u)}`),
    ));
    expect(declared.size).toBeGreaterThan(30);
    // A struct listed here has no kernel in buildEverything: add one, so its layout is checked.
    expect([...declared].filter((s) => !reached.has(s.slice(s.indexOf(': ') + 2)))).toEqual([]);
  });
});
