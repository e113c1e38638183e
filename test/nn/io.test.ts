// Weights files: round trip, and clear errors for wrong magic, version, size and shape.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeContext } from '../../src/gpu/node';
import { ParamSet } from '../../src/nn/params';
import { localTransformerLayout, type LocalTransformerConfig } from '../../src/nn/local-transformer';
import { decodeWeights, encodeWeights, loadParams, saveParams, WEIGHTS_VERSION, WeightsFormatError } from '../../src/nn/io';

let device: GPUDevice;
beforeAll(async () => {
  device = (await createNodeContext()).device;
});
afterAll(() => device.destroy());

const CFG: LocalTransformerConfig = {
  tokens: 4, inputs: 4, embed: [[0, 2], [2, 2]], embedHidden: 6, width: 8, depth: 2, heads: 2, mlp: 12, headHidden: 7, outputs: 2,
};

describe('weights files', () => {
  it('round-trips weights, EMA and metadata into a fresh parameter set', async () => {
    const a = new ParamSet(device, localTransformerLayout(CFG), 1);
    const ema = (await a.weights()).map((v) => v * 0.5);
    device.queue.writeBuffer(a.ema.buffer, 0, ema);
    const bytes = await saveParams(a, { preset: 'test', steps: 3 });
    expect(new TextDecoder().decode(bytes.subarray(0, 4))).toBe('PLNN');
    const b = new ParamSet(device, localTransformerLayout(CFG), 2);
    expect(Array.from(await b.weights())).not.toEqual(Array.from(await a.weights()));
    const w = loadParams(b, bytes);
    expect(w.meta).toEqual({ preset: 'test', steps: 3 });
    expect(Array.from(await b.weights())).toEqual(Array.from(await a.weights()));
    expect(Array.from(await b.emaWeights())).toEqual(Array.from(ema));
    loadParams(b, bytes, 'ema');
    expect(Array.from(await b.weights())).toEqual(Array.from(ema));
    a.destroy();
    b.destroy();
  });

  it('rejects wrong magic, version, size and shapes with errors naming the problem', async () => {
    const layout = localTransformerLayout(CFG);
    const a = new ParamSet(device, layout, 1);
    const good = await saveParams(a);
    const w0 = Array.from(await a.weights());
    const bad = (f: (b: Uint8Array) => Uint8Array) => f(good.slice());
    expect(() => decodeWeights(bad((b) => (b.set([0x47, 0x49, 0x46, 0x38]), b)), layout)).toThrow(/bad magic "GIF8", expected "PLNN"/);
    expect(() => decodeWeights(bad((b) => (new DataView(b.buffer).setUint32(4, 99, true), b)), layout)).toThrow(
      new RegExp(`format version 99, this build reads version ${WEIGHTS_VERSION}`),
    );
    expect(() => decodeWeights(good.subarray(0, good.length - 8), layout)).toThrow(/truncated or padded/);
    expect(() => decodeWeights(good.subarray(0, 6), layout)).toThrow(/too short/);
    const wider = localTransformerLayout({ ...CFG, width: 16 });
    expect(() => decodeWeights(good, wider)).toThrow(/"embed0.l2.w" has shape \[6, 4\] in the file but \[6, 8\] in the network/);
    expect(() => decodeWeights(good, localTransformerLayout({ ...CFG, depth: 3 }))).toThrow(/tensors in the file, the network has/);
    expect(() => decodeWeights(good, localTransformerLayout({ ...CFG, depth: 3 }))).toThrow(WeightsFormatError);
    // a failed load writes nothing
    const b = new ParamSet(device, wider, 3);
    const wb = Array.from(await b.weights());
    expect(() => loadParams(b, good)).toThrow(WeightsFormatError);
    expect(Array.from(await b.weights())).toEqual(wb);
    expect(Array.from(await a.weights())).toEqual(w0);
    a.destroy();
    b.destroy();
  });

  it('a header that parses but lacks its fields, and non-finite weights, are refused (WeightsFormatError, not a TypeError)', () => {
    const layout = localTransformerLayout(CFG);
    const theta = Float32Array.from({ length: layout.size }, (_, i) => Math.sin(i));
    const withHeader = (edit: (h: Record<string, unknown>) => void) => {
      const bytes = encodeWeights(layout, { theta, meta: {} });
      const hlen = new DataView(bytes.buffer).getUint32(8, true);
      const h = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + hlen)));
      edit(h);
      // Same length as before (spaces), so only the header's content changes.
      const json = new TextEncoder().encode(JSON.stringify(h).padEnd(hlen, ' '));
      expect(json.length).toBe(hlen);
      bytes.set(json, 12);
      return bytes;
    };
    expect(decodeWeights(withHeader(() => undefined), layout).theta).toEqual(theta); // the control
    expect(() => decodeWeights(withHeader((h) => delete h.entries), layout)).toThrow(/header has no "entries" list/);
    expect(() => decodeWeights(withHeader((h) => (h.entries = [{ name: 'x' }])), layout)).toThrow(/header entry 0 must be/);
    expect(() => decodeWeights(withHeader((h) => delete h.tensors), layout)).toThrow(/"tensors" must list "theta"/);
    expect(() => decodeWeights(withHeader((h) => (h.size = 'x')), layout)).toThrow(/"size" must be an integer/);
    expect(() => decodeWeights(new TextEncoder().encode('PLNN\x01\x00\x00\x00\x02\x00\x00\x00[]'), layout)).toThrow(/header must be a JSON object/);
    for (const bad of [NaN, Infinity]) {
      const t = theta.slice();
      t[layout.entries[3]!.offset] = bad;
      expect(() => decodeWeights(encodeWeights(layout, { theta: t, meta: {} }), layout)).toThrow(
        new RegExp(`"theta" holds a non-finite value \\(${bad}\\) at float ${layout.entries[3]!.offset} \\(in "${layout.entries[3]!.name}"\\)`),
      );
    }
    const ema = theta.slice();
    ema[0] = NaN;
    expect(() => decodeWeights(encodeWeights(layout, { theta, ema, meta: {} }), layout)).toThrow(/"ema" holds a non-finite value/);
  });
});
