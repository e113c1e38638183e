// Weights files: safetensors round trip, the legacy PLNN reader, and clear errors for every
// way a file can be wrong. Files are inspected by hand from the safetensors spec, not through
// our reader.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeContext } from '../../src/gpu/node';
import { ParamSet } from '../../src/nn/params';
import { localTransformerLayout, type LocalTransformerConfig } from '../../src/nn/local-transformer';
import { decodeWeights, encodeWeights, loadParams, readWeightsMeta, saveParams, WeightsFormatError } from '../../src/nn/io';
import type { ParamLayout } from '../../src/nn/layout';

let device: GPUDevice;
beforeAll(async () => {
  device = (await createNodeContext()).device;
});
afterAll(() => device.destroy());

const CFG: LocalTransformerConfig = {
  tokens: 4, inputs: 4, embed: [[0, 2], [2, 2]], embedHidden: 6, width: 8, depth: 2, heads: 2, mlp: 12, headHidden: 7, outputs: 2,
};

/** The header of a safetensors image, read from the spec: u64 length, then JSON. */
function headerOf(bytes: Uint8Array): { json: Record<string, any>; dataStart: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(view.getBigUint64(0, true));
  return { json: JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))), dataStart: 8 + n };
}

/** A safetensors image with the header edited (the data kept). */
function withHeader(bytes: Uint8Array, edit: (h: Record<string, any>) => void): Uint8Array {
  const { json, dataStart } = headerOf(bytes);
  edit(json);
  const text = new TextEncoder().encode(JSON.stringify(json));
  const out = new Uint8Array(8 + text.length + bytes.length - dataStart);
  new DataView(out.buffer).setBigUint64(0, BigInt(text.length), true);
  out.set(text, 8);
  out.set(bytes.subarray(dataStart), 8 + text.length);
  return out;
}

/** A legacy PLNN v1 image, written here from its spec (nothing in src writes it any more). */
function legacyFile(layout: ParamLayout, blocks: Float32Array[], meta: object): Uint8Array {
  const header = {
    layoutHash: layout.hash(), size: layout.size, tensors: ['theta', 'ema'].slice(0, blocks.length), meta,
    entries: layout.entries.map((e) => ({ name: e.name, shape: e.shape, offset: e.offset })),
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const start = Math.ceil((12 + json.length) / 4) * 4;
  const out = new Uint8Array(start + blocks.length * layout.size * 4);
  out.set(new TextEncoder().encode('PLNN'));
  new DataView(out.buffer).setUint32(4, 1, true);
  new DataView(out.buffer).setUint32(8, json.length, true);
  out.set(json, 12);
  blocks.forEach((b, i) => out.set(new Uint8Array(b.buffer, b.byteOffset, layout.size * 4), start + i * layout.size * 4));
  return out;
}

/** Values in every tensor, zero in the layout's alignment padding (which files do not store). */
function wave(layout: ParamLayout): Float32Array<ArrayBuffer> {
  const t = new Float32Array(layout.size);
  for (const e of layout.entries) for (let i = e.offset; i < e.offset + e.size; i++) t[i] = Math.sin(i);
  return t;
}

describe('weights files', () => {
  it('round-trips weights, EMA and metadata into a fresh parameter set, as safetensors tensors named and shaped like the layout', async () => {
    const layout = localTransformerLayout(CFG);
    const a = new ParamSet(device, layout, 1);
    const theta = await a.weights();
    const ema = theta.map((v) => v * 0.5);
    device.queue.writeBuffer(a.ema.buffer, 0, ema);
    const bytes = await saveParams(a, { preset: 'test', steps: 3 });
    const { json, dataStart } = headerOf(bytes);
    expect(dataStart % 8).toBe(0); // the spec's alignment
    expect(json.__metadata__).toEqual({ format: 'particle-lab-weights', version: '2', meta: JSON.stringify({ preset: 'test', steps: 3 }) });
    expect(Object.keys(json).length).toBe(1 + 2 * layout.entries.length);
    let end = 0;
    for (const [prefix, block] of [['', theta], ['ema/', ema]] as const) {
      for (const e of layout.entries) {
        const t = json[prefix + e.name];
        expect(t.dtype).toBe('F32');
        expect(t.shape).toEqual(e.shape);
        expect(t.data_offsets[0]).toBe(end); // packed, no holes: the layout's 4-float padding is not written
        end = t.data_offsets[1];
        const stored = new Float32Array(bytes.slice(dataStart + t.data_offsets[0], dataStart + t.data_offsets[1]).buffer);
        expect(Array.from(stored)).toEqual(Array.from(block.subarray(e.offset, e.offset + e.size)));
      }
    }
    expect(dataStart + end).toBe(bytes.length);
    const b = new ParamSet(device, layout, 2);
    expect(Array.from(await b.weights())).not.toEqual(Array.from(theta));
    const w = loadParams(b, bytes);
    expect(w.meta).toEqual({ preset: 'test', steps: 3 });
    expect(Array.from(await b.weights())).toEqual(Array.from(theta));
    expect(Array.from(await b.emaWeights())).toEqual(Array.from(ema));
    loadParams(b, bytes, 'ema');
    expect(Array.from(await b.weights())).toEqual(Array.from(ema));
    a.destroy();
    b.destroy();
  });

  it('reads the legacy PLNN file, with and without EMA, to the same weights', () => {
    const layout = localTransformerLayout(CFG);
    const theta = wave(layout);
    const ema = theta.map((v) => v / 3);
    const meta = { kind: 'k', steps: 7 };
    const both = decodeWeights(legacyFile(layout, [theta, ema], meta), layout);
    expect(both.theta).toEqual(theta);
    expect(both.ema).toEqual(ema);
    expect(both.meta).toEqual(meta);
    expect(decodeWeights(legacyFile(layout, [theta], meta), layout).ema).toBeUndefined();
    expect(readWeightsMeta(legacyFile(layout, [theta], meta), 'k')).toEqual(meta);
    // The same weights saved now give the same network.
    expect(decodeWeights(encodeWeights(layout, { theta, ema, meta }), layout)).toEqual(both);
    const legacy = legacyFile(layout, [theta], meta);
    new DataView(legacy.buffer).setUint32(4, 99, true);
    expect(() => decodeWeights(legacy, layout)).toThrow(/legacy PLNN format version 99, this build reads version 1/);
    const whole = legacyFile(layout, [theta], meta);
    expect(() => decodeWeights(whole.subarray(0, whole.length - 4), layout)).toThrow(/truncated or padded/);
    expect(() => decodeWeights(whole.subarray(0, 100), layout)).toThrow(/header of \d+ bytes runs past the end of the file \(100 bytes\)/);
    expect(() => decodeWeights(new TextEncoder().encode('PLNN\x01\x00\x00\x00\x02\x00\x00\x00[]'), layout)).toThrow(/header must be a JSON object/);
  });

  it('rejects other files, truncation, and other architectures with errors naming the problem; a failed load writes nothing', async () => {
    const layout = localTransformerLayout(CFG);
    const a = new ParamSet(device, layout, 1);
    const good = await saveParams(a);
    const w0 = Array.from(await a.weights());
    expect(() => decodeWeights(new TextEncoder().encode('GIF89a........'), layout)).toThrow(/not a Particle Lab weights file \(neither safetensors nor the legacy PLNN format\)/);
    expect(() => decodeWeights(good.subarray(0, good.length - 8), layout)).toThrow(/truncated or padded/);
    expect(() => decodeWeights(good.subarray(0, 6), layout)).toThrow(WeightsFormatError);
    const wider = localTransformerLayout({ ...CFG, width: 16 });
    expect(() => decodeWeights(good, wider)).toThrow(/"embed0.l2.w" has shape \[6, 4\] in the file but \[6, 8\] in the network/);
    expect(() => decodeWeights(good, localTransformerLayout({ ...CFG, depth: 3 }))).toThrow(/tensors in the file, the network has/);
    expect(() => decodeWeights(good, localTransformerLayout({ ...CFG, depth: 3 }))).toThrow(WeightsFormatError);
    const b = new ParamSet(device, wider, 3);
    const wb = Array.from(await b.weights());
    expect(() => loadParams(b, good)).toThrow(WeightsFormatError);
    expect(Array.from(await b.weights())).toEqual(wb);
    expect(Array.from(await a.weights())).toEqual(w0);
    a.destroy();
    b.destroy();
  });

  it('a header that parses but breaks the layout, and non-finite weights, are refused (WeightsFormatError, not a TypeError)', () => {
    const layout = localTransformerLayout(CFG);
    const theta = wave(layout);
    const good = encodeWeights(layout, { theta, meta: { kind: 'k' } });
    const edit = (f: (h: Record<string, any>) => void) => () => decodeWeights(withHeader(good, f), layout);
    const first = layout.entries[0]!.name;
    expect(edit(() => undefined)().theta).toEqual(theta); // the control
    expect(edit((h) => (h.__metadata__.format = 'other'))).toThrow(/metadata "format" is "other", expected "particle-lab-weights"/);
    expect(edit((h) => (h.__metadata__.version = '9'))).toThrow(/format version "9", this build reads version 2/);
    expect(edit((h) => (h.__metadata__.meta = '{'))).toThrow(/metadata "meta" is not valid JSON/);
    expect(edit((h) => (h.__metadata__ = { n: 1 }))).toThrow(/"__metadata__" must map text to text/);
    expect(edit((h) => (h[first].dtype = 'F16'))).toThrow(new RegExp(`"${first}" has dtype "F16"; this lab reads F32 and U32`));
    expect(edit((h) => (h[first].dtype = 'U32'))).toThrow(new RegExp(`"${first}" must be F32`));
    expect(edit((h) => (h[first].shape = [1]))).toThrow(/spans \d+ bytes but shape \[1\] of F32 needs 4/);
    expect(edit((h) => (h[first].data_offsets = [4, 4 + 4 * layout.entries[0]!.size]))).toThrow(/starts at byte 4, expected 0/);
    expect(edit((h) => (h[first].data_offsets = 'x'))).toThrow(/data_offsets must be \[begin, end\]/);
    expect(edit((h) => ((h.extra = h[first]), delete h[first]))).toThrow(/tensor "extra" is in the file but not in the network/);
    expect(edit((h) => ((h[`ema/${first}`] = h[first]), delete h[first]))).toThrow(new RegExp(`${layout.entries.length - 1} tensors in the file`));
    expect(readWeightsMeta(good, 'k')).toEqual({ kind: 'k' });
    expect(() => readWeightsMeta(good, 'other')).toThrow(/not a other file/);
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
