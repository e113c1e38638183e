// Shower files: what h5wasm writes is what h5py (Debian's python3-h5py, an independent HDF5
// reader) loads, in the documented layout; a file round-trips; the same seed gives the same bytes;
// and damaged files (made with h5py) are refused with one line naming the dataset.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ildCalorimeter } from '../../src/sims/showers/detector';
import { generateShowers } from '../../src/sims/showers/generator';
import { decodeShowers, encodeShowers, ShowerFileError, type ShowerRecord } from '../../src/sims/showers/hdf5';

const dir = mkdtempSync(join(tmpdir(), 'showers-h5-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Debian's python with h5py (scripts/setup.sh installs python3-h5py). */
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

function python(script: string, ...args: string[]): string {
  return execFileSync(PYTHON, ['-c', script, ...args], { encoding: 'utf8' });
}

const detector = ildCalorimeter({ ecalCellSize: 15, hcalCellSize: 30 });

function sample(seed: number, count = 12): ShowerRecord[] {
  return generateShowers(detector, { particle: 'electron', energy: 10, theta: 0.2, phi: 1 }, { seed, count });
}

async function file(showers: ShowerRecord[], seed: number): Promise<Uint8Array> {
  return encodeShowers(showers, { detector, generator: 'gflash-test', seed });
}

describe('shower HDF5 files', () => {
  it('h5py reads the documented layout: shapes, dtypes, counts, per-shower energy sums and attributes', async () => {
    const showers = sample(1);
    const path = join(dir, 'good.h5');
    writeFileSync(path, await file(showers, 1));
    const out = JSON.parse(python(`
import h5py, json, sys
f = h5py.File(sys.argv[1], 'r')
s = f['showers']
n = f['num_points'][:]
print(json.dumps({
  'shapes': {k: list(f[k].shape) for k in f.keys()},
  'dtypes': {k: str(f[k].dtype) for k in f.keys()},
  'num_points': n.tolist(),
  'esum': [float(s[i, :n[i], 3].sum(dtype='f8')) for i in range(len(n))],
  'padding': float(abs(s[0, n[0]:, :]).sum()) if n[0] < s.shape[1] else 0.0,
  'pdg': f['pdg'][:].tolist(),
  'seed': int(f.attrs['seed']),
  'units': str(f.attrs['units']),
  'cells': json.loads(f.attrs['detector'])['layers'][0]['cellSize'],
}))`, path));
    const n = showers.length;
    const maxPoints = Math.max(...showers.map((s) => s.hits.length));
    expect(out.shapes).toEqual({ showers: [n, maxPoints, 4], energy: [n], direction: [n, 3], entry: [n, 2], pdg: [n], num_points: [n] });
    expect(out.dtypes.showers).toBe('float32');
    expect(out.dtypes.num_points).toBe('int32');
    expect(out.num_points).toEqual(showers.map((s) => s.hits.length));
    showers.forEach((s, i) => {
      // float32 storage: each hit rounds at ~6e-8 relative.
      const sum = s.hits.reduce((a, h) => a + Math.fround(h.e), 0);
      expect(out.esum[i]).toBeCloseTo(sum, 9);
    });
    expect(out.padding).toBe(0);
    expect(out.pdg).toEqual(showers.map(() => 11));
    expect(out.seed).toBe(1);
    expect(out.units).toMatch(/mm.*GeV/);
    expect(out.cells).toBe(15);
  });

  it('round-trips: hits, energies, angles and entry points come back (float32)', async () => {
    const showers = sample(2, 5);
    const back = await decodeShowers(await file(showers, 2), 'mem.h5');
    expect(back.showers).toHaveLength(5);
    back.showers.forEach((b, i) => {
      const s = showers[i]!;
      expect(b.particle).toBe('electron');
      expect(b.energy).toBe(Math.fround(s.energy));
      expect(b.theta).toBeCloseTo(s.theta, 6);
      expect(b.phi).toBeCloseTo(s.phi, 6);
      expect(b.hits).toEqual(s.hits.map((h) => ({ x: Math.fround(h.x), y: Math.fround(h.y), layer: h.layer, e: Math.fround(h.e) })));
    });
    expect(back.attributes.generator).toBe('gflash-test');
    expect(back.attributes.formatVersion).toBe(1);
  });

  it('the same seed gives the same file, bit for bit; another seed another file', async () => {
    const a = await file(sample(3), 3);
    await new Promise((r) => setTimeout(r, 1100)); // HDF5 stores object times in seconds
    const b = await file(sample(3), 3);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    expect(Buffer.from(a).equals(Buffer.from(await file(sample(4), 4)))).toBe(false);
  });

  it('damaged files are refused with one line naming the dataset', async () => {
    const good = join(dir, 'base.h5');
    writeFileSync(good, await file(sample(5, 4), 5));
    const damage: Array<[string, string]> = [
      ['del f["pdg"]', 'pdg: missing'],
      ['del f["direction"]; f["direction"] = np.zeros((4, 2), "f4")', 'direction: shape [4, 2], expected [4, 3]'],
      ['e = f["energy"][:]; e[2] = np.nan; f["energy"][:] = e', 'energy: value NaN at flat index 2'],
      ['n = f["num_points"][:]; n[1] = 10**6; f["num_points"][:] = n', 'num_points: value 1000000'],
      ['p = f["pdg"][:]; p[0] = 13; f["pdg"][:] = p', 'pdg: value 13'],
      ['s = f["showers"][:]; s[0, 0, 2] = 1.5; f["showers"][:] = s', 'showers: shower 0, point 0: layer 1.5 is not an index'],
      ['del f.attrs["detector"]', 'attribute detector: missing'],
    ];
    for (const [edit, message] of damage) {
      const path = join(dir, 'bad.h5');
      python(`
import h5py, numpy as np, shutil, sys
shutil.copy(sys.argv[1], sys.argv[2])
f = h5py.File(sys.argv[2], 'r+')
${edit}
f.close()`, good, path);
      const error = await decodeShowers(readFileSync(path), 'bad.h5').then(() => undefined, (e: unknown) => e);
      expect(error, edit).toBeInstanceOf(ShowerFileError);
      expect((error as Error).message, edit).toContain(`bad.h5: ${message}`);
      expect((error as Error).message).not.toMatch(/\n/);
    }
    const notHdf5 = await decodeShowers(new TextEncoder().encode('not an hdf5 file'), 'text.h5').then(() => undefined, (e: unknown) => e);
    expect((notHdf5 as Error).message).toMatch(/^text\.h5: \/: not an HDF5 file/);
  });
});
