// The one convention for 1-D work over a 2-D grid (src/gpu/dispatch.ts on the host,
// src/gpu/shaders/threads.wgsl in the kernels): every item is visited exactly once, past the
// 65535-workgroup limit too, and by the PER_THREAD item loops.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Readback, storageBuffer, UniformStruct } from '../src/gpu/buffers';
import type { GpuContext } from '../src/gpu/context';
import { dispatchItems, dispatchThreads, gridFor, WORKGROUP_SIZE } from '../src/gpu/dispatch';
import { createNodeContext } from '../src/gpu/node';
import { kernel, wgsl } from '../src/gpu/pipelines';
import threads from '../src/gpu/shaders/threads.wgsl?raw';

let ctx: GpuContext;
beforeAll(async () => {
  ctx = await createNodeContext();
});
afterAll(() => ctx.device.destroy());

describe('gridFor', () => {
  it('covers the threads within the per-dimension limit, leaving fewer than y groups idle', () => {
    for (const size of [1, 16, 64]) {
      for (const n of [0, 1, 63, 64, 65, 65535 * size, 65535 * size + 1, 3 * 65535 * size + 7, 1e9]) {
        const [x, y] = gridFor(n, size);
        const groups = Math.max(1, Math.ceil(n / size));
        expect(x).toBeLessThanOrEqual(65535);
        expect(y).toBeLessThanOrEqual(65535);
        expect(x * y).toBeGreaterThanOrEqual(groups);
        expect(x * y - groups).toBeLessThan(y);
      }
    }
  });

  it('uses the workgroup size the kernels declare', () => {
    expect(threads).toContain(`const WG: u32 = ${WORKGROUP_SIZE}u;`);
  });
});

/** A kernel that marks the items of its PER_THREAD loop, walked by `walk` (spreadItems or blockItems). */
const markLoop = (name: string, walk: string) => `
@compute @workgroup_size(WG)
fn ${name}(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  var items = ${walk}(gid, nwg);
  loop {
    let i = item(items);
    if (i >= u.n) { break; }
    out[i] += i + 1u;
    continuing { break if !nextTurn(&items); }
  }
}`;

const MARK = wgsl(
  threads,
  `struct Count { n: u32 }
@group(0) @binding(0) var<uniform> u: Count;
@group(0) @binding(1) var<storage, read_write> out: array<u32>;

@compute @workgroup_size(WG)
fn markThreads(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = threadIndex(gid, nwg);
  if (i < u.n) { out[i] += i + 1u; }
}`,
  markLoop('markSpread', 'spreadItems'),
  markLoop('markBlock', 'blockItems'),
);

/** Runs `entry` over n items and returns the items visited other than exactly once. */
async function misses(entry: string, n: number, perThread: number): Promise<number[]> {
  const { device } = ctx;
  const u = new UniformStruct(device, 'count', { n: 'u32' });
  u.set({ n }).upload();
  const out = storageBuffer(device, 'marks', (n + 64) * 4);
  const k = kernel(device, MARK, entry, { 0: u.buffer, 1: out }, { PER_THREAD: perThread });
  const encoder = device.createCommandEncoder();
  const pass = encoder.beginComputePass();
  if (entry === 'markThreads') dispatchThreads(pass, k, n);
  else dispatchItems(pass, k, n, perThread);
  pass.end();
  device.queue.submit([encoder.finish()]);
  const marks = await new Readback(device).u32(out, 0, (n + 64) * 4);
  const bad: number[] = [];
  for (let i = 0; i < n + 64 && bad.length < 5; i++) if (marks[i] !== (i < n ? i + 1 : 0)) bad.push(i);
  out.destroy();
  u.destroy();
  return bad;
}

describe('threads.wgsl numbering', () => {
  it('threadIndex visits every item once past 65535 workgroups (a 2-D grid)', async () => {
    const n = 65535 * WORKGROUP_SIZE + 1000;
    expect(gridFor(n)[1]).toBe(2);
    expect(await misses('markThreads', n, 1)).toEqual([]);
  });

  it.each(['markSpread', 'markBlock'])('%s visits every item once with PER_THREAD items per invocation', async (entry) => {
    for (const perThread of [1, 8]) for (const n of [1, 1000, 4099]) expect(await misses(entry, n, perThread)).toEqual([]);
  });
});
