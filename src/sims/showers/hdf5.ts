// Shower samples as HDF5 files, in the layout a physicist loads with h5py (CaloClouds / AllShowers
// style): `showers` (N, max_points, 4: x, y, layer, E) zero-padded, `energy` (N,), `direction`
// (N, 3), `pdg` (N,), `num_points` (N,), `entry` (N, 2: where the axis enters the front face), and
// attributes (detector description, units, generator version, seed). Written and read with h5wasm
// (the HDF5 C library compiled to wasm), the same in Node and in the browser. A bad file is refused
// with one line naming the dataset.
import type H5wasmModule from 'h5wasm';

type H5wasm = typeof H5wasmModule;
let loading: Promise<H5wasm> | undefined;
/** h5wasm, loaded on first use: instantiating its WebAssembly takes ~0.3 s that every CLI start and page load would otherwise pay. */
function loadH5wasm(): Promise<H5wasm> {
  loading ??= import('h5wasm').then(async ({ default: h5 }) => (await h5.ready, h5));
  return loading;
}
import type { Hit } from './digitise';

/** HDF5 file layout version of this module (attribute `format_version`). */
export const SHOWER_FILE_VERSION = 1;

/** PDG Monte Carlo codes of the particles the generator knows. */
export const PDG_CODES: Readonly<Record<string, number>> = { electron: 11, photon: 22, pion: 211, neutron: 2112 };

/** One shower as a file holds it. */
export interface ShowerRecord {
  particle: string;
  /** Incident energy, GeV. */
  energy: number;
  /** Polar and azimuthal angle of the incident direction, rad. */
  theta: number;
  phi: number;
  /** Where the axis enters the front face, mm. */
  x: number;
  y: number;
  hits: Hit[];
}

export interface ShowerFileAttributes {
  /** The detector description (JSON-able). */
  detector: unknown;
  generator: string;
  seed: number;
}

export interface ShowerFile {
  showers: ShowerRecord[];
  attributes: ShowerFileAttributes & { units: string; formatVersion: number };
}

const UNITS = 'x, y: mm; layer: index from 0; E: visible energy, GeV; energy: incident, GeV; direction: unit vector';

export class ShowerFileError extends Error {
  constructor(file: string, dataset: string, message: string) {
    super(`${file}: ${dataset}: ${message}`);
    this.name = 'ShowerFileError';
  }
}

let nextName = 0;

/** A scratch path in h5wasm's in-memory file system. */
function scratch(): string {
  return `/showers-${nextName++}.h5`;
}

/** Runs `write` with the clock pinned, so the same showers give the same bytes (HDF5 stores object times). */
function withFixedClock<T>(write: () => T): T {
  const now = Date.now;
  Date.now = () => 0;
  try {
    return write();
  } finally {
    Date.now = now;
  }
}

export async function encodeShowers(showers: readonly ShowerRecord[], attributes: ShowerFileAttributes): Promise<Uint8Array> {
  const h5wasm = await loadH5wasm();
  const { FS } = await h5wasm.ready;
  const n = showers.length;
  const maxPoints = Math.max(1, ...showers.map((s) => s.hits.length));
  const points = new Float32Array(n * maxPoints * 4);
  const energy = new Float32Array(n);
  const direction = new Float32Array(n * 3);
  const entry = new Float32Array(n * 2);
  const pdg = new Int32Array(n);
  const numPoints = new Int32Array(n);
  showers.forEach((s, i) => {
    const code = PDG_CODES[s.particle];
    if (code === undefined) throw new Error(`shower ${i}: no PDG code for particle ${s.particle}`);
    s.hits.forEach((h, k) => points.set([h.x, h.y, h.layer, h.e], (i * maxPoints + k) * 4));
    energy[i] = s.energy;
    direction.set([Math.sin(s.theta) * Math.cos(s.phi), Math.sin(s.theta) * Math.sin(s.phi), Math.cos(s.theta)], 3 * i);
    entry.set([s.x, s.y], 2 * i);
    pdg[i] = code;
    numPoints[i] = s.hits.length;
  });
  const path = scratch();
  withFixedClock(() => {
    const f = new h5wasm.File(path, 'w');
    try {
      f.create_dataset({ name: 'showers', data: points, shape: [n, maxPoints, 4] });
      f.create_dataset({ name: 'energy', data: energy, shape: [n] });
      f.create_dataset({ name: 'direction', data: direction, shape: [n, 3] });
      f.create_dataset({ name: 'entry', data: entry, shape: [n, 2] });
      f.create_dataset({ name: 'pdg', data: pdg, shape: [n] });
      f.create_dataset({ name: 'num_points', data: numPoints, shape: [n] });
      f.create_attribute('detector', JSON.stringify(attributes.detector));
      f.create_attribute('generator', attributes.generator);
      f.create_attribute('seed', attributes.seed);
      f.create_attribute('units', UNITS);
      f.create_attribute('format_version', SHOWER_FILE_VERSION);
    } finally {
      f.close();
    }
  });
  const bytes = FS!.readFile(path);
  FS!.unlink(path);
  return bytes;
}

type Reader = InstanceType<H5wasm['File']>;

/** A dataset's values, refused unless it exists with the given shape (−1: any length). */
function dataset(h5wasm: H5wasm, f: Reader, file: string, name: string, shape: number[]): ArrayLike<number> {
  const d = f.get(name);
  if (!(d instanceof h5wasm.Dataset)) throw new ShowerFileError(file, name, 'missing (expected a dataset)');
  const got = d.shape ?? [];
  const fits = got.length === shape.length && shape.every((s, i) => s < 0 || s === got[i]);
  if (!fits) throw new ShowerFileError(file, name, `shape [${got.join(', ')}], expected [${shape.map((s) => (s < 0 ? '…' : s)).join(', ')}]`);
  const value = d.value;
  if (!ArrayBuffer.isView(value)) throw new ShowerFileError(file, name, `is ${d.dtype}, expected numbers`);
  return value as unknown as ArrayLike<number>;
}

/** The first index whose value fails `ok`, or −1. */
function firstBad(values: ArrayLike<number>, ok: (v: number) => boolean): number {
  for (let i = 0; i < values.length; i++) if (!ok(values[i]!)) return i;
  return -1;
}

function check(values: ArrayLike<number>, file: string, name: string, what: string, ok: (v: number) => boolean): void {
  const i = firstBad(values, ok);
  if (i >= 0) throw new ShowerFileError(file, name, `value ${values[i]} at flat index ${i} is not ${what}`);
}

function stringAttribute(f: Reader, file: string, name: string): string {
  const a = f.attrs[name];
  const v = a?.value;
  if (typeof v !== 'string') throw new ShowerFileError(file, `attribute ${name}`, 'missing (expected a string)');
  return v;
}

function numberAttribute(f: Reader, file: string, name: string): number {
  const v = f.attrs[name]?.value;
  const x = typeof v === 'bigint' ? Number(v) : typeof v === 'number' ? v : ArrayBuffer.isView(v) ? Number((v as unknown as ArrayLike<number>)[0]) : NaN;
  if (!Number.isFinite(x)) throw new ShowerFileError(file, `attribute ${name}`, 'missing (expected a number)');
  return x;
}

const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/** The HDF5 signature sits at byte 0, or at 512, 1024, 2048, … after a user block. */
function hasSignature(bytes: Uint8Array): boolean {
  for (let at = 0; at + SIGNATURE.length <= bytes.length; at = at === 0 ? 512 : 2 * at) {
    if (SIGNATURE.every((b, i) => bytes[at + i] === b)) return true;
  }
  return false;
}

/** Reads and checks a shower file; `file` names it in messages. Nothing is returned from a bad file. */
export async function decodeShowers(bytes: Uint8Array, file: string): Promise<ShowerFile> {
  if (!hasSignature(bytes)) throw new ShowerFileError(file, '/', 'not an HDF5 file (no HDF5 signature)');
  const h5wasm = await loadH5wasm();
  const { FS } = await h5wasm.ready;
  const path = scratch();
  FS!.writeFile(path, bytes);
  let f: Reader;
  try {
    f = new h5wasm.File(path, 'r');
  } catch (e) {
    FS!.unlink(path);
    throw new ShowerFileError(file, '/', `not an HDF5 file (${(e as Error).message})`);
  }
  try {
    const showersDataset = f.get('showers');
    const shape = showersDataset instanceof h5wasm.Dataset ? (showersDataset.shape ?? []) : [];
    const [n = 0, maxPoints = 0] = shape;
    const points = dataset(h5wasm, f, file, 'showers', [-1, -1, 4]);
    const energy = dataset(h5wasm, f, file, 'energy', [n]);
    const direction = dataset(h5wasm, f, file, 'direction', [n, 3]);
    const entry = dataset(h5wasm, f, file, 'entry', [n, 2]);
    const pdg = dataset(h5wasm, f, file, 'pdg', [n]);
    const numPoints = dataset(h5wasm, f, file, 'num_points', [n]);
    check(energy, file, 'energy', 'a finite energy > 0', (v) => Number.isFinite(v) && v > 0);
    check(points, file, 'showers', 'finite', Number.isFinite);
    check(direction, file, 'direction', 'finite', Number.isFinite);
    check(entry, file, 'entry', 'finite', Number.isFinite);
    check(numPoints, file, 'num_points', `an integer in [0, ${maxPoints}]`, (v) => Number.isInteger(v) && v >= 0 && v <= maxPoints);
    const particleOf = new Map(Object.entries(PDG_CODES).map(([name, code]) => [code, name]));
    check(pdg, file, 'pdg', `one of ${[...particleOf.keys()].join(', ')}`, (v) => particleOf.has(v));
    const showers: ShowerRecord[] = [];
    for (let i = 0; i < n; i++) {
      const [dx, dy, dz] = [direction[3 * i]!, direction[3 * i + 1]!, direction[3 * i + 2]!];
      const norm = Math.hypot(dx, dy, dz);
      if (Math.abs(norm - 1) > 1e-3) throw new ShowerFileError(file, 'direction', `row ${i} has length ${norm}, expected a unit vector`);
      const hits: Hit[] = [];
      for (let k = 0; k < numPoints[i]!; k++) {
        const o = (i * maxPoints + k) * 4;
        const layer = points[o + 2]!;
        if (!Number.isInteger(layer) || layer < 0) throw new ShowerFileError(file, 'showers', `shower ${i}, point ${k}: layer ${layer} is not an index ≥ 0`);
        hits.push({ x: points[o]!, y: points[o + 1]!, layer, e: points[o + 3]! });
      }
      showers.push({
        particle: particleOf.get(pdg[i]!)!, energy: energy[i]!, theta: Math.acos(dz / norm), phi: Math.atan2(dy, dx),
        x: entry[2 * i]!, y: entry[2 * i + 1]!, hits,
      });
    }
    let detector: unknown;
    try {
      detector = JSON.parse(stringAttribute(f, file, 'detector'));
    } catch (e) {
      if (e instanceof ShowerFileError) throw e;
      throw new ShowerFileError(file, 'attribute detector', `is not JSON (${(e as Error).message})`);
    }
    const attributes = {
      detector, generator: stringAttribute(f, file, 'generator'), seed: numberAttribute(f, file, 'seed'),
      units: stringAttribute(f, file, 'units'), formatVersion: numberAttribute(f, file, 'format_version'),
    };
    return { showers, attributes };
  } finally {
    f.close();
    FS!.unlink(path);
  }
}
