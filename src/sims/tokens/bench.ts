// Benchmark: the fused attention kernel (tiled, online softmax) against an unfused pipeline in
// the same runtime (S = βQKᵀ into an n×n buffer, row softmax, S·V), plus a full layer step.
// Times are wall-clock per dispatch batch after a warm-up (queue drained around each batch).
// The unfused baseline has two variants: 'tiled' (16×16 workgroup-memory matmuls and a
// workgroup-reduction softmax, the usual choice on a GPU) and 'simple' (one thread per output
// element or row, no barriers), used on software adapters where barriers are very expensive
// (SwiftShader: the tiled variant is ~10–100× slower there).
import { Readback, storageBuffer, UniformStruct } from '../../gpu/buffers';
import type { GpuContext } from '../../gpu/context';
import { gridFor } from '../../gpu/dispatch';
import { kernel, wgsl, type Kernel } from '../../gpu/pipelines';
import threads from '../../gpu/shaders/threads.wgsl?raw';
import unfusedCode from './shaders/unfused.wgsl?raw';
import { defaults, withValues } from '../params';
import { liveSettings, TokenEngine, TokenWeights } from './engine';
import { ATTEND_FIELDS, attentionCodeFor } from './kernels';
import { buildModel, normals } from './model';
import { schema } from './params';

const UNFUSED = wgsl(threads, unfusedCode);

export interface BenchOptions {
  n: number;
  d: number;
  heads: number;
  reps: number;
  /** Default: 'simple' on a software adapter, 'tiled' otherwise. */
  unfused?: 'tiled' | 'simple';
}

export interface BenchResult {
  n: number;
  d: number;
  heads: number;
  fusedAttentionMs: number;
  unfusedAttentionMs: number;
  /** unfused / fused time. */
  ratio: number;
  /** n²·d per second of the fused kernel. */
  tokensSq_d_perSecond: number;
  /** One Strang–Euler layer (attention + two half FFNs of width 4d), random weights. */
  layerStepMs: number;
  /** max |fused − unfused| / max |unfused|: both pipelines compute the same thing. */
  maxRelDiff: number;
  adapter: string;
  unfusedVariant: 'tiled' | 'simple';
  timing: 'wall-clock per batch (queue drained)';
}

interface Pass {
  kernel: Kernel;
  groups: [number, number];
}

async function timeBatches(device: GPUDevice, passes: Pass[], reps: number, warmUp: boolean): Promise<number> {
  const run = async (count: number) => {
    const encoder = device.createCommandEncoder({ label: 'bench' });
    const pass = encoder.beginComputePass({ label: 'bench' });
    for (let r = 0; r < count; r++)
      for (const { kernel, groups } of passes) {
        pass.setPipeline(kernel.pipeline);
        pass.setBindGroup(0, kernel.bindGroup);
        pass.dispatchWorkgroups(groups[0], groups[1]);
      }
    pass.end();
    device.queue.submit([encoder.finish()]);
    await device.queue.onSubmittedWorkDone();
  };
  if (warmUp) await run(1); // pipeline compilation and first-touch allocations
  const t0 = performance.now();
  await run(reps);
  return (performance.now() - t0) / reps;
}

export async function benchTokens(ctx: GpuContext, opts: BenchOptions): Promise<BenchResult> {
  const { device } = ctx;
  const { n, d, heads } = opts;
  const reps = Math.max(1, opts.reps);
  if (d % heads !== 0) throw new Error(`d must be divisible by heads (d=${d}, heads=${heads})`);
  const dh = d / heads;
  const beta = 1 / Math.sqrt(dh);
  const data = (stream: number) => new Float32Array(normals(n * d, 5, stream));
  const q = storageBuffer(device, 'bench q', data(1));
  const k = storageBuffer(device, 'bench k', data(2));
  const v = storageBuffer(device, 'bench v', data(3));
  const fusedOut = storageBuffer(device, 'bench fused out', n * d * 4);
  const unfusedOut = storageBuffer(device, 'bench unfused out', n * d * 4);
  const scores = storageBuffer(device, 'bench scores n×n', n * n * 4);
  const uniforms: { destroy(): void }[] = [];

  const attend = new UniformStruct(device, 'bench attend', ATTEND_FIELDS).set({ n, d, normalization: 0, beta });
  attend.upload();
  uniforms.push(attend);
  const fused: Pass[] = [{ kernel: kernel(device, attentionCodeFor(dh), 'attend', { 0: attend.buffer, 1: q, 2: k, 3: v, 4: fusedOut }), groups: [Math.ceil(n / 64), heads] }];

  const variant = opts.unfused ?? (ctx.software ? 'simple' : 'tiled');
  // Big sizes on slow adapters: skip the untimed warm-up (compilation is small next to one rep).
  const warmUp = n <= 1024;
  const unfused: Pass[] = [];
  const tiles = Math.ceil(n / 16);
  for (let h = 0; h < heads; h++) {
    const u = new UniformStruct(device, `bench head ${h}`, { n: 'u32', d: 'u32', headOffset: 'u32', headDim: 'u32', beta: 'f32' }).set({ n, d, headOffset: h * dh, headDim: dh, beta });
    u.upload();
    uniforms.push(u);
    if (variant === 'tiled') {
      unfused.push(
        { kernel: kernel(device, UNFUSED, 'scoresMatmul', { 0: u.buffer, 1: q, 2: k, 3: scores }), groups: [tiles, tiles] },
        // one workgroup per row
        { kernel: kernel(device, UNFUSED, 'softmaxRows', { 0: u.buffer, 1: scores }), groups: gridFor(n, 1) },
        { kernel: kernel(device, UNFUSED, 'mixMatmul', { 0: u.buffer, 1: scores, 2: v, 3: unfusedOut }), groups: [Math.ceil(dh / 16), tiles] },
      );
    } else {
      unfused.push(
        { kernel: kernel(device, UNFUSED, 'scoresSimple', { 0: u.buffer, 1: q, 2: k, 3: scores }), groups: gridFor(n * n) },
        { kernel: kernel(device, UNFUSED, 'softmaxSerial', { 0: u.buffer, 1: scores }), groups: gridFor(n) },
        { kernel: kernel(device, UNFUSED, 'mixSimple', { 0: u.buffer, 1: scores, 2: v, 3: unfusedOut }), groups: gridFor(n * dh) },
      );
    }
  }

  const readback = new Readback(device, 'bench readback');
  try {
    const fusedAttentionMs = await timeBatches(device, fused, reps, warmUp);
    const unfusedAttentionMs = await timeBatches(device, unfused, reps, warmUp);
    const [a, b] = [await readback.f32(fusedOut, 0, n * d * 4), await readback.f32(unfusedOut, 0, n * d * 4)];
    let diff = 0;
    let scale = 0;
    for (let i = 0; i < a.length; i++) {
      diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
      scale = Math.max(scale, Math.abs(b[i]!));
    }

    // A full layer step with the system's own engine.
    const p = schema.typed(withValues(schema, defaults(schema), { n, d, heads, beta, weights: 'random', ffn: 'on', ffnWidth: Math.min(1024, 4 * d), act: 'gelu', sphere: false, init: 'gaussian', splitting: 'strang', substep: 'euler', dt: 0.01, trailLength: 0 }));
    const model = buildModel(p);
    const weights = new TokenWeights(device, model);
    const engine = new TokenEngine(device, model, weights, false, false, liveSettings(p), 'bench');
    const t = async (count: number) => {
      const encoder = device.createCommandEncoder({ label: 'bench layer' });
      const pass = encoder.beginComputePass({ label: 'bench layer' });
      engine.encode(pass, count);
      pass.end();
      device.queue.submit([encoder.finish()]);
      await device.queue.onSubmittedWorkDone();
    };
    if (warmUp) await t(1);
    const t0 = performance.now();
    await t(reps);
    const layerStepMs = (performance.now() - t0) / reps;
    engine.destroy();
    weights.destroy();

    return {
      n,
      d,
      heads,
      fusedAttentionMs,
      unfusedAttentionMs,
      ratio: unfusedAttentionMs / fusedAttentionMs,
      tokensSq_d_perSecond: (n * n * d) / (fusedAttentionMs / 1000),
      layerStepMs,
      maxRelDiff: diff / (scale || 1),
      adapter: ctx.adapterName,
      unfusedVariant: variant,
      timing: 'wall-clock per batch (queue drained)',
    };
  } finally {
    for (const b of [q, k, v, fusedOut, unfusedOut, scores]) b.destroy();
    for (const u of uniforms) u.destroy();
    readback.destroy();
  }
}
