// safetensors files: what we write, numpy reads (a reader written from the spec, in Python);
// what a spec-following writer lays out, we read. Weights and states both.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeSafetensors, encodeSafetensors, SafetensorsError } from '../src/safetensors';
import { encodeWeights } from '../src/nn/io';
import { localTransformerLayout } from '../src/nn/local-transformer';
import { presetParams } from '../src/sims/config';
import { schema as mipsSchema } from '../src/sims/mips/params';
import { packMipsState, openMipsState } from '../src/sims/mips/state';
import { parseStateFile, stateToSafetensors } from '../src/sims/state';
import { getSystem } from '../src/sims/registry';
import '../src/sims/index';
import { pythonRead, pythonWrite } from './python/safetensors';

const dir = mkdtempSync(join(tmpdir(), 'lab-safetensors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const save = (name: string, bytes: Uint8Array) => {
  const file = join(dir, name);
  writeFileSync(file, bytes);
  return file;
};

describe('safetensors', () => {
  it('numpy reads what we write: dtypes, shapes, values and text metadata', () => {
    const w = Float32Array.from({ length: 12 }, (_, i) => Math.fround(Math.sqrt(i) - 1.25));
    const ids = Uint32Array.of(0, 7, 4_000_000_000);
    const bytes = encodeSafetensors([['w', { shape: [3, 4], data: w }], ['ids', { shape: [3], data: ids }], ['empty', { shape: [0, 2], data: new Float32Array(0) }]], { note: 'ünïcode ✓' });
    const py = pythonRead(save('ours.safetensors', bytes));
    expect(py.metadata).toEqual({ note: 'ünïcode ✓' });
    expect(py.tensors.w).toEqual({ dtype: 'F32', shape: [3, 4], values: Array.from(w) });
    expect(py.tensors.ids).toEqual({ dtype: 'U32', shape: [3], values: [0, 7, 4_000_000_000] });
    expect(py.tensors.empty).toEqual({ dtype: 'F32', shape: [0, 2], values: [] });
  });

  it('we read what a spec-following writer lays out (sorted by dtype then name, padded header)', () => {
    const file = join(dir, 'python.safetensors');
    pythonWrite(file);
    const { tensors, metadata } = decodeSafetensors(new Uint8Array(readFileSync(file)));
    expect(metadata).toEqual({ source: 'python' });
    expect(tensors.get('weights.w')).toEqual({ shape: [2, 3], data: Float32Array.of(0, 0.25, 0.5, 0.75, 1, 1.25) });
    expect(tensors.get('counts')).toEqual({ shape: [4], data: Uint32Array.of(1, 2, 3, 4_000_000_000) });
    expect(tensors.get('bias')).toEqual({ shape: [1], data: Float32Array.of(-1.5) });
  });

  it('refuses broken files with one line each', () => {
    const good = encodeSafetensors([['a', { shape: [2], data: Float32Array.of(1, 2) }]]);
    const cases: Array<[Uint8Array, RegExp]> = [
      [good.subarray(0, 5), /too short/],
      [good.subarray(0, good.length - 4), /cover 8 bytes of data but the file holds 4/],
      [Uint8Array.of(...good, 0, 0, 0, 0), /cover 8 bytes of data but the file holds 12/],
      [Uint8Array.of(0xe8, 0x03, 0, 0, 0, 0, 0, 0, 0x7b), /header of 1000 bytes runs past the end/],
      [Uint8Array.of(0, 0, 0, 0, 1, 0, 0, 0), /over 100 MB/],
    ];
    for (const [bytes, message] of cases) expect(() => decodeSafetensors(bytes)).toThrow(message);
    expect(() => decodeSafetensors(good.subarray(0, 5))).toThrow(SafetensorsError);
  });

  it('weights: each layout tensor under its name and shape, the EMA under ema/<name>, the meta as JSON text', () => {
    const layout = localTransformerLayout({ tokens: 4, inputs: 4, embed: [[0, 2], [2, 2]], embedHidden: 6, width: 8, depth: 1, heads: 2, mlp: 12, headHidden: 7, outputs: 2 });
    const theta = Float32Array.from({ length: layout.size }, (_, i) => Math.fround(Math.cos(i)));
    const ema = theta.map((v) => -v);
    const py = pythonRead(save('w.safetensors', encodeWeights(layout, { theta, ema, meta: { kind: 'test', steps: 3 } })));
    expect(JSON.parse(py.metadata.meta!)).toEqual({ kind: 'test', steps: 3 });
    expect(Object.keys(py.tensors).sort()).toEqual(layout.entries.flatMap((e) => [e.name, `ema/${e.name}`]).sort());
    for (const e of layout.entries) {
      expect(py.tensors[e.name]!.shape).toEqual(e.shape);
      expect(py.tensors[e.name]!.values).toEqual(Array.from(theta.subarray(e.offset, e.offset + e.size)));
      expect(py.tensors[`ema/${e.name}`]!.values).toEqual(Array.from(ema.subarray(e.offset, e.offset + e.size)));
    }
  });

  it('a mips state: numpy reads positions as [N, 2] in id order, and the file imports to the same checked state', () => {
    const params = { ...presetParams(getSystem('mips'), 'dilute-gas'), n: 64 };
    const n = mipsSchema.typed(params).n;
    // GPU layout, slots shuffled: posA = (x, y, 0, id), bodyA = (p, displacement).
    const pos = new Float32Array(4 * n);
    const body = new Float32Array(4 * n);
    for (let s = 0; s < n; s++) {
      const id = (s * 37) % n;
      pos.set([1 + id / 8, 2 + (id % 5), 0, id], 4 * s);
      body.set([Math.cos(id), Math.sin(id), id / 100, -id / 100], 4 * s);
    }
    const state = packMipsState({ params, stepCount: 1234, time: 12.34 }, pos, body, 5);
    const py = pythonRead(save('s.safetensors', stateToSafetensors(state)));
    expect(py.metadata).toMatchObject({ format: 'particle-lab-state', version: '1', system: 'mips', step: '1234', time: '12.34' });
    expect(JSON.parse(py.metadata.params!)).toEqual(params);
    expect(py.tensors.positions!.shape).toEqual([n, 2]);
    expect(py.tensors.positions!.values.slice(0, 6)).toEqual([1, 2, 1 + 1 / 8, 3, 1 + 2 / 8, 4].map(Math.fround));
    expect(py.tensors.msdOriginTime).toEqual({ dtype: 'F32', shape: [1], values: [5] });
    const back = openMipsState(parseStateFile(stateToSafetensors(state)), params);
    const fromJson = openMipsState(JSON.parse(JSON.stringify(state)), params);
    expect(back.state.step).toBe(1234);
    expect(back.state.time).toBe(12.34);
    expect(back.pos).toEqual(fromJson.pos);
    expect(back.body).toEqual(fromJson.body);
    expect(back.msdOriginTime).toBe(5);
  });
});
