// Per-op GPU time of one LocalTransformer DSM training step (zero grads, forward, loss, backward,
// AdamW), each op in its own timestamped compute pass, plus the wall time of whole steps.
// Run: node --import tsx --import ./cli/register-loaders.mjs bench/nn-profile.ts
// Env: NN_SETS (256), NN_TOKENS (17), NN_INPUTS (6), NN_ROUNDS (3), NN_TOP (30),
//      NN_IMPLS: comma-separated roots holding src/nn (default: this tree), timed alternately in
//      one process so that load on the machine hits all of them alike.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createNodeContext } from '../src/gpu/node';

type Op = { label: string; encode(pass: GPUComputePassEncoder): void };

const sets = Number(process.env.NN_SETS ?? 256);
const tokens = Number(process.env.NN_TOKENS ?? 17);
const inputs = Number(process.env.NN_INPUTS ?? 6);
const rounds = Number(process.env.NN_ROUNDS ?? 3);
const top = Number(process.env.NN_TOP ?? 30);
const roots = (process.env.NN_IMPLS ?? resolve(import.meta.dirname, '..')).split(',');

const cfg = {
  tokens, inputs, embed: [[0, 2], [2, inputs - 2]] as Array<[number, number]>, embedHidden: 32,
  width: 32, depth: 2, heads: 4, mlp: 64, headHidden: 32, outputs: 4,
};

const ctx = await createNodeContext();
const device = ctx.device;
if (!ctx.hasTimestamps) throw new Error('no timestamp-query on this adapter');
console.log(`${ctx.adapterName}; ${sets} sets x ${tokens} tokens, ${JSON.stringify(cfg)}`);

const rand = (n: number, seed: number) => {
  let s = seed;
  return Float32Array.from({ length: n }, () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1);
};
const x = rand(sets * tokens * inputs, 7);
const zeta = rand((sets / 2) * cfg.outputs, 9);

interface Impl {
  root: string;
  ops: Op[];
  readLoss(): Promise<number>;
}

async function build(root: string): Promise<Impl> {
  const imp = (p: string) => import(pathToFileURL(resolve(root, p)).href);
  const { ParamSet } = await imp('src/nn/params.ts');
  const { LocalTransformer, localTransformerLayout } = await imp('src/nn/local-transformer.ts');
  const { DsmLoss } = await imp('src/nn/losses.ts');
  const { AdamW } = await imp('src/nn/adamw.ts');
  const params = new ParamSet(device, localTransformerLayout(cfg), 1);
  const net = new LocalTransformer(params, cfg, sets);
  const loss = new DsmLoss(device, net.output, net.dOutput, 0.05);
  device.queue.writeBuffer(net.input.buffer, 0, x);
  device.queue.writeBuffer(loss.zeta.buffer, 0, zeta);
  const opt = new AdamW(params, { lr: 1e-3 });
  const ops: Op[] = [opt.zeroGradOp(), ...net.forwardOps(), ...loss.ops(), ...net.backwardOps(), ...opt.stepOps(loss.rows)];
  return { root, ops, readLoss: async () => (await opt.readStats()).loss };
}

/** Wall and CPU (all threads of this process: SwiftShader's workers) milliseconds of one step. */
async function wholeStep(impl: Impl): Promise<{ wall: number; cpu: number }> {
  const enc = device.createCommandEncoder();
  const pass = enc.beginComputePass();
  for (const op of impl.ops) op.encode(pass);
  pass.end();
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  device.queue.submit([enc.finish()]);
  await device.queue.onSubmittedWorkDone();
  const c = process.cpuUsage(c0);
  return { wall: performance.now() - t0, cpu: (c.user + c.system) / 1000 };
}

async function perOp(impl: Impl): Promise<number[]> {
  const n = impl.ops.length;
  const qs = device.createQuerySet({ type: 'timestamp', count: 2 * n });
  const res = device.createBuffer({ size: 16 * n, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
  const rb = device.createBuffer({ size: 16 * n, usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ });
  const enc = device.createCommandEncoder();
  impl.ops.forEach((op, i) => {
    const pass = enc.beginComputePass({ timestampWrites: { querySet: qs, beginningOfPassWriteIndex: 2 * i, endOfPassWriteIndex: 2 * i + 1 } });
    op.encode(pass);
    pass.end();
  });
  enc.resolveQuerySet(qs, 0, 2 * n, res, 0);
  enc.copyBufferToBuffer(res, 0, rb, 0, 16 * n);
  device.queue.submit([enc.finish()]);
  await rb.mapAsync(GPUMapMode.READ);
  const t = new BigUint64Array(rb.getMappedRange().slice(0));
  rb.unmap();
  qs.destroy();
  res.destroy();
  rb.destroy();
  return impl.ops.map((_, i) => Number(t[2 * i + 1]! - t[2 * i]!) / 1e6);
}

const impls: Impl[] = [];
for (const r of roots) impls.push(await build(r));
for (const impl of impls) {
  await wholeStep(impl); // warm-up (pipeline compilation)
  console.log(`${impl.root}: loss after warm-up ${(await impl.readLoss()).toFixed(5)}`);
}

const whole: Array<Array<{ wall: number; cpu: number }>> = impls.map(() => []);
const ops: number[][][] = impls.map(() => []);
for (let r = 0; r < rounds; r++) {
  for (let i = 0; i < impls.length; i++) {
    whole[i]!.push(await wholeStep(impls[i]!));
    ops[i]!.push(await perOp(impls[i]!));
  }
}
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
// Other jobs on the machine only ever add time: the best of several rounds is the estimate.
const best = (v: number[]) => Math.min(...v);
const walls = (i: number) => whole[i]!.map((w) => w.wall);
const cpus = (i: number) => whole[i]!.map((w) => w.cpu);

impls.forEach((impl, i) => {
  const per = impl.ops.map((op, j) => ({ label: op.label, ms: best(ops[i]!.map((round) => round[j]!)) }));
  const sum = per.reduce((a, b) => a + b.ms, 0);
  console.log(
    `\n== ${impl.root}: whole step best ${best(walls(i)).toFixed(0)} ms wall (${walls(i).map((v) => v.toFixed(0)).join(' ')}), ` +
      `median ${median(cpus(i)).toFixed(0)} ms CPU; per-op best of ${rounds}, summed ${sum.toFixed(0)} ms over ${per.length} ops`,
  );
  const byKind = new Map<string, number>();
  for (const p of per) {
    const kind = p.label.replace(/^(block\d+|embed\d+|head)[.\s]/, '').replace(/^l\d /, '');
    byKind.set(kind, (byKind.get(kind) ?? 0) + p.ms);
  }
  console.log('by kind: ' + [...byKind].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', '));
  for (const p of [...per].sort((a, b) => b.ms - a.ms).slice(0, top)) {
    console.log(`  ${p.ms.toFixed(1).padStart(8)} ms ${((100 * p.ms) / sum).toFixed(1).padStart(5)} %  ${p.label}`);
  }
});
if (impls.length > 1) {
  impls.slice(1).forEach((impl, i) =>
    console.log(
      `whole step ${impls[0]!.root} / ${impl.root}: ${(best(walls(0)) / best(walls(i + 1))).toFixed(2)}x (best wall), ` +
        `${(median(cpus(0)) / median(cpus(i + 1))).toFixed(2)}x (median CPU)`,
    ),
  );
}
device.destroy();
