import { afterAll, beforeAll, expect, it } from 'vitest';
import { createNodeContext } from '../src/gpu/node';
import type { GpuContext } from '../src/gpu/context';
import { Readback, storageBuffer } from '../src/gpu/buffers';
import { dispatch, kernel, wgsl } from '../src/gpu/pipelines';
import { normal4, uniform4 } from '../src/gpu/rng';
import rng from '../src/gpu/shaders/rng.wgsl?raw';

let ctx: GpuContext;
beforeAll(async () => void (ctx = await createNodeContext()));
afterAll(() => ctx.device.destroy());

const probe = `
@group(0) @binding(0) var<storage, read_write> out: array<vec4f>;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3u) {
  if (id.x >= arrayLength(&out)) { return; }
  let n = arrayLength(&out) / 2u;
  if (id.x < n) { out[id.x] = normal4(id.x, 7u, 12345u, 2u); }
  else { out[id.x] = uniform4(id.x - n, 7u, 12345u, 2u); }
}`;

it('GPU normal4/uniform4 equal the CPU mirror; normals have zero mean and unit variance', async () => {
  const n = 4096;
  const out = storageBuffer(ctx.device, 'out', 2 * n * 16);
  const k = kernel(ctx.device, wgsl(rng, probe), 'main', { 0: out });
  const enc = ctx.device.createCommandEncoder();
  const pass = enc.beginComputePass();
  dispatch(pass, k, (2 * n) / 64);
  pass.end();
  ctx.device.queue.submit([enc.finish()]);
  const gpu = await new Readback(ctx.device).f32(out);
  let sum = 0;
  let sq = 0;
  for (let i = 0; i < n; i++) {
    const cpu = normal4(i, 7, 12345, 2);
    for (let c = 0; c < 4; c++) {
      // WGSL's log has absolute error 2^-21 near 1, so sqrt(-2 log u) may differ by ~2^-21/r; 2e-3 covers it.
      expect(Math.abs(gpu[4 * i + c]! - cpu[c]!)).toBeLessThan(2e-3);
      // Uniforms are 24-bit integers scaled by 2^-24: exact in float32, so they must match bit for bit.
      expect(gpu[4 * (n + i) + c]).toBe(Math.fround(uniform4(i, 7, 12345, 2)[c]!));
      sum += cpu[c]!;
      sq += cpu[c]! ** 2;
    }
  }
  // 16384 draws: the mean's standard error is 1/128 and the variance's is sqrt(2/16384) ≈ 0.011; allow 4 SE.
  const m = sum / (4 * n);
  expect(Math.abs(m)).toBeLessThan(4 / 128);
  expect(Math.abs(sq / (4 * n) - m * m - 1)).toBeLessThan(4 * 0.011);
});
