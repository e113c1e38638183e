// The colour maps on the GPU (gpu/colormap.ts + colormap.wgsl) against d3-scale-chromatic evaluated
// directly: every map, its row, its direction and its colour space (linear rgb).
import { interpolateCividis, interpolateInferno, interpolateMagma, interpolatePlasma, interpolateRdBu, interpolateSinebow, interpolateViridis, rgb } from 'd3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Readback, storageBuffer, UniformStruct } from '../src/gpu/buffers';
import { colormapIndex, colormapStops, colormapTable, colormapWgsl, type ColormapName } from '../src/gpu/colormap';
import type { GpuContext } from '../src/gpu/context';
import { createNodeContext } from '../src/gpu/node';
import { dispatch, kernel, wgsl } from '../src/gpu/pipelines';

let ctx: GpuContext;
beforeAll(async () => {
  ctx = await createNodeContext();
});
afterAll(() => ctx?.device.destroy());

const srgbToLinear = (c: number) => (c / 255 <= 0.04045 ? c / 255 / 12.92 : ((c / 255 + 0.055) / 1.055) ** 2.4);

/** d3's own maps, written out here rather than taken from the module under test. */
const D3: Record<ColormapName, (t: number) => string> = {
  viridis: interpolateViridis, cividis: interpolateCividis, inferno: interpolateInferno, magma: interpolateMagma, plasma: interpolatePlasma,
  diverging: (t) => interpolateRdBu(1 - t), cyclic: interpolateSinebow,
};

const linear = (css: string) => {
  const c = rgb(css);
  return [srgbToLinear(c.r), srgbToLinear(c.g), srgbToLinear(c.b)];
};

const LOOKUP = /* wgsl */ `
struct LookupParams { map: u32, count: u32, _a: u32, _b: u32 }
@group(0) @binding(0) var<uniform> u: LookupParams;
@group(0) @binding(1) var<storage, read> ts: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<vec4f>;
@group(0) @binding(3) var<storage, read> colormaps: array<vec4f>;
@compute @workgroup_size(64)
fn lookup(@builtin(global_invocation_id) id: vec3u) {
  if (id.x >= u.count) { return; }
  out[id.x] = vec4f(colormap(u.map, ts[id.x]), 1.0);
}`;

describe('colour maps', () => {
  it('a WGSL lookup gives d3-scale-chromatic’s colour in linear rgb, for every map, within one step of d3’s own table', async () => {
    const { device } = ctx;
    // t outside [0, 1] clamps to the ends; the rest are random-looking points between table entries.
    const ts = Float32Array.from([-0.5, 0, 1, 1.5, ...Array.from({ length: 60 }, (_, i) => ((i * 0.618034) % 1))]);
    const tBuf = storageBuffer(device, 't', ts);
    const out = storageBuffer(device, 'colours', ts.length * 16);
    const u = new UniformStruct(device, 'lookup', { map: 'u32', count: 'u32', _a: 'u32', _b: 'u32' });
    const k = kernel(device, wgsl(colormapWgsl, LOOKUP), 'lookup', { 0: u.buffer, 1: tBuf, 2: out, 3: colormapTable(device) });
    const readback = new Readback(device, 'colormap test');
    for (const name of Object.keys(D3) as ColormapName[]) {
      u.set({ map: colormapIndex(name), count: ts.length }).upload();
      const enc = device.createCommandEncoder();
      const pass = enc.beginComputePass();
      dispatch(pass, k, 1);
      pass.end();
      device.queue.submit([enc.finish()]);
      const got = await readback.f32(out);
      // d3's sequential maps are 256-entry step tables (RdBu and sinebow are smooth): a colour between
      // two of our entries can differ from d3's at the same t by at most the largest step between neighbours.
      const table = Array.from({ length: 256 }, (_, i) => linear(D3[name](i / 255)));
      const tolerance = Math.max(...table.slice(1).flatMap((c, i) => c.map((v, ch) => Math.abs(v - table[i]![ch]!)))) + 1e-6;
      expect(tolerance, name).toBeLessThan(0.04);
      ts.forEach((t, i) => {
        const want = linear(D3[name](Math.min(1, Math.max(0, t))));
        want.forEach((v, ch) => expect(Math.abs(got[4 * i + ch]! - v), `${name} at t = ${t}`).toBeLessThan(tolerance));
      });
    }
    readback.destroy();
    u.destroy();
  });

  it('colour-bar stops run from the map’s start to its end; the diverging map is white at 0 and the cyclic one closes', () => {
    for (const name of Object.keys(D3) as ColormapName[]) {
      const stops = colormapStops(name, 9);
      expect(stops[0]).toEqual(linear(D3[name](0)));
      expect(stops[8]).toEqual(linear(D3[name](1)));
    }
    const [r, g, b] = colormapStops('diverging', 3)[1]!;
    expect(Math.min(r, g, b)).toBeGreaterThan(0.85); // RdBu's middle is near white
    colormapStops('cyclic', 2)[0]!.forEach((v, ch) => expect(v).toBeCloseTo(colormapStops('cyclic', 2)[1]![ch]!, 2));
  });
});
