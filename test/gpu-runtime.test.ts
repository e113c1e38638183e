import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeContext } from '../src/gpu/node';
import { collectGpuErrors, type GpuContext } from '../src/gpu/context';
import { Readback, storageBuffer, UniformStruct } from '../src/gpu/buffers';
import { dispatch, kernel } from '../src/gpu/pipelines';
import { GpuTimer } from '../src/gpu/timing';
import saxpy from './fixtures/saxpy.wgsl?raw';

let ctx: GpuContext;
beforeAll(async () => {
  ctx = await createNodeContext();
  console.log(`adapter: ${ctx.adapterName}`);
});
afterAll(() => ctx.device.destroy());

describe('gpu runtime', () => {
  it('reports an adapter', () => {
    expect(ctx.adapterName.length).toBeGreaterThan(0);
    expect(Array.isArray(ctx.features)).toBe(true);
  });

  it('runs a kernel with a uniform struct laid out by WGSL rules, reading back through one staging buffer', async () => {
    const { device } = ctx;
    const n = 1000; // not a multiple of the workgroup size
    const x = Float32Array.from({ length: n }, (_, i) => i * 0.5);
    const y = Float32Array.from({ length: n }, (_, i) => 1 - i);
    const xs = storageBuffer(device, 'x', x);
    const ys = storageBuffer(device, 'y', y);
    // Struct { n: u32, a: f32, offset: vec2f }: offset starts at byte 8.
    const u = new UniformStruct(device, 'saxpy', { n: 'u32', a: 'f32', offset: 'vec2f' });
    u.set({ n, a: 3, offset: [0.25, 0.5] }).upload();
    const k = kernel(device, saxpy, 'main', { 0: u.buffer, 1: xs, 2: ys });
    const timer = new GpuTimer(device);
    const enc = device.createCommandEncoder();
    const pass = timer.pass(enc, 'saxpy');
    dispatch(pass, k, Math.ceil(n / 64));
    pass.end();
    timer.resolve(enc);
    device.queue.submit([enc.finish()]);
    const rb = new Readback(device);
    const [a, b] = await Promise.all([rb.f32(ys), rb.f32(xs)]);
    for (let i = 0; i < n; i++) expect(a[i]).toBeCloseTo(3 * x[i]! + y[i]! + 0.25 + 0.5, 4);
    expect(b[7]).toBe(3.5);
    await timer.collect();
    const rep = timer.report();
    if (rep.method === 'timestamp') expect(rep.perLabelMs.saxpy).toBeGreaterThanOrEqual(0);
  });
});

describe('GpuTimer', () => {
  // A pass with real work (an empty pass times as 0 ns): 64 saxpy sweeps over 64k floats.
  const workPass = (timer: GpuTimer, units = 1) => {
    const n = 1 << 16;
    const u = new UniformStruct(ctx.device, 'saxpy', { n: 'u32', a: 'f32', offset: 'vec2f' });
    u.set({ n, a: 1.0001, offset: [0, 0] }).upload();
    const k = kernel(ctx.device, saxpy, 'main', { 0: u.buffer, 1: storageBuffer(ctx.device, 'x', n * 4), 2: storageBuffer(ctx.device, 'y', n * 4) });
    const enc = ctx.device.createCommandEncoder();
    const pass = timer.pass(enc, 'work', units);
    for (let i = 0; i < 64; i++) dispatch(pass, k, n / 64);
    pass.end();
    timer.resolve(enc);
    ctx.device.queue.submit([enc.finish()]);
    return timer.collect();
  };

  it('times a pass only once per interval and scales the timed passes up to all work units', async () => {
    if (!ctx.hasTimestamps) return expect(new GpuTimer(ctx.device).method).toBe('queue');
    const timer = new GpuTimer(ctx.device, true, 60_000);
    await workPass(timer, 2); // timed: 2 units
    const timedMs = timer.report().perLabelMs.work!;
    expect(timedMs).toBeGreaterThan(0);
    await workPass(timer, 3); // within the interval: not timed, but counted
    await workPass(timer, 1);
    // 6 units encoded, 2 timed: the report extrapolates the timed ms by 6 / 2.
    expect(timer.report().perLabelMs.work).toBeCloseTo(timedMs * 3, 9);
  });

  it('without timestamps falls back to queue-completion timing', async () => {
    const timer = new GpuTimer(ctx.device, false);
    expect(timer.method).toBe('queue');
    const ms = await timer.timeQueue(() => void workPass(timer));
    expect(ms).toBeGreaterThan(0);
    expect(timer.report().totalMs).toBe(ms);
  });

  it('collects uncaptured GPU errors: none for valid calls, the message for an invalid one', async () => {
    const { device } = ctx;
    const errors = collectGpuErrors(device);
    device.createBuffer({ label: 'valid', size: 16, usage: GPUBufferUsage.STORAGE }).destroy();
    await device.queue.onSubmittedWorkDone();
    expect(errors.messages).toEqual([]);
    device.createBuffer({ label: 'invalid', size: 16, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.STORAGE });
    await device.queue.onSubmittedWorkDone();
    await expect.poll(() => errors.messages.length).toBe(1);
    expect(errors.messages[0]).toMatch(/MapRead/);
  });
});
