// Weights file (versioned binary, little-endian):
//   bytes 0..3   magic "PLNN"
//   bytes 4..7   u32 format version (WEIGHTS_VERSION)
//   bytes 8..11  u32 header length H (bytes of UTF-8 JSON)
//   bytes 12..   header JSON: { layoutHash, size, entries: [{ name, shape, offset }], tensors, meta }
//   then zero padding to a multiple of 4, then `tensors.length` blocks of `size` f32:
//   "theta" (the weights) and optionally "ema".
// Loading checks magic, version, header, the layout table entry by entry, and the byte count,
// and names what differs.
import { quote } from '../quote';
import type { ParamLayout } from './layout';
import type { ParamSet } from './params';

export const WEIGHTS_MAGIC = 'PLNN';
export const WEIGHTS_VERSION = 1;

export class WeightsFormatError extends Error {
  constructor(message: string) {
    super(`weights file: ${message}`);
    this.name = 'WeightsFormatError';
  }
}

interface Header {
  layoutHash: number;
  size: number;
  entries: Array<{ name: string; shape: number[]; offset: number }>;
  tensors: string[];
  meta: Record<string, unknown>;
}

export interface Weights {
  theta: Float32Array<ArrayBuffer>;
  ema?: Float32Array<ArrayBuffer>;
  meta: Record<string, unknown>;
}

export function encodeWeights(layout: ParamLayout, w: Weights): Uint8Array<ArrayBuffer> {
  const tensors = w.ema ? ['theta', 'ema'] : ['theta'];
  const header: Header = {
    layoutHash: layout.hash(),
    size: layout.size,
    entries: layout.entries.map((e) => ({ name: e.name, shape: e.shape, offset: e.offset })),
    tensors,
    meta: w.meta,
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const dataStart = Math.ceil((12 + json.length) / 4) * 4;
  const out = new Uint8Array(dataStart + tensors.length * layout.size * 4);
  const view = new DataView(out.buffer);
  out.set(new TextEncoder().encode(WEIGHTS_MAGIC), 0);
  view.setUint32(4, WEIGHTS_VERSION, true);
  view.setUint32(8, json.length, true);
  out.set(json, 12);
  [w.theta, w.ema].forEach((t, i) => {
    if (!t) return;
    if (t.length < layout.size) throw new Error(`encodeWeights: ${tensors[i]} has ${t.length} floats, layout needs ${layout.size}`);
    const block = new Float32Array(out.buffer, dataStart + i * layout.size * 4, layout.size);
    block.set(t.subarray(0, layout.size));
  });
  return out;
}

/** Magic, version and the header JSON of a file image (the header's fields are not checked yet). */
function readHeader(bytes: Uint8Array): { raw: unknown; hlen: number } {
  if (bytes.length < 12) throw new WeightsFormatError(`only ${bytes.length} bytes, too short for a header`);
  const magic = new TextDecoder().decode(bytes.subarray(0, 4));
  if (magic !== WEIGHTS_MAGIC) throw new WeightsFormatError(`bad magic "${magic.replace(/[^\x20-\x7e]/g, '?')}", expected "${WEIGHTS_MAGIC}" (not a Particle Lab weights file)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(4, true);
  if (version !== WEIGHTS_VERSION) throw new WeightsFormatError(`format version ${version}, this build reads version ${WEIGHTS_VERSION}`);
  const hlen = view.getUint32(8, true);
  if (12 + hlen > bytes.length) throw new WeightsFormatError(`header of ${hlen} bytes runs past the end of the file (${bytes.length} bytes)`);
  try {
    return { raw: JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + hlen))), hlen };
  } catch (e) {
    throw new WeightsFormatError(`header is not valid JSON (${(e as Error).message})`);
  }
}

/**
 * The meta block of a file image, refused unless its `kind` is `kind` (which model wrote it).
 * The model checks the rest (settings, architecture, whether it fits); the tensors are checked on load.
 */
export function readWeightsMeta(bytes: Uint8Array, kind: string): Record<string, unknown> {
  const { raw } = readHeader(bytes);
  const meta = (raw as { meta?: unknown } | null)?.meta;
  if (typeof meta !== 'object' || meta === null || (meta as { kind?: unknown }).kind !== kind) {
    throw new WeightsFormatError(`not a ${kind} file (meta.kind is not ${quote(kind)})`);
  }
  return meta as Record<string, unknown>;
}

export function decodeWeights(bytes: Uint8Array, layout: ParamLayout): Weights {
  const { raw, hlen } = readHeader(bytes);
  const header = checkHeader(raw);
  const want = layout.entries;
  if (header.entries.length !== want.length) {
    throw new WeightsFormatError(`${header.entries.length} tensors in the file, the network has ${want.length} (a different architecture?)`);
  }
  want.forEach((e, i) => {
    const f = header.entries[i]!;
    if (f.name !== e.name) throw new WeightsFormatError(`tensor ${i} is ${quote(f.name)} in the file but "${e.name}" in the network`);
    if (f.shape.join('x') !== e.shape.join('x')) {
      throw new WeightsFormatError(`"${e.name}" has shape [${f.shape.join(', ')}] in the file but [${e.shape.join(', ')}] in the network`);
    }
    if (f.offset !== e.offset) throw new WeightsFormatError(`"${e.name}" at offset ${f.offset} in the file but ${e.offset} in the network`);
  });
  if (header.size !== layout.size || header.layoutHash !== layout.hash()) {
    throw new WeightsFormatError(`layout size/hash ${header.size}/${header.layoutHash} differ from the network's ${layout.size}/${layout.hash()}`);
  }
  const dataStart = Math.ceil((12 + hlen) / 4) * 4;
  const expected = dataStart + header.tensors.length * layout.size * 4;
  if (bytes.length !== expected) {
    throw new WeightsFormatError(`${bytes.length} bytes, expected ${expected} for ${header.tensors.length} tensor block(s) of ${layout.size} floats (truncated or padded file)`);
  }
  const copy = new Uint8Array(bytes.subarray(dataStart)); // aligned copy
  const block = (i: number) => new Float32Array(copy.buffer, i * layout.size * 4, layout.size).slice();
  const ti = header.tensors.indexOf('theta');
  if (ti < 0) throw new WeightsFormatError('no "theta" tensor block');
  const ei = header.tensors.indexOf('ema');
  const theta = finiteBlock('theta', block(ti), layout);
  const ema = ei >= 0 ? finiteBlock('ema', block(ei), layout) : undefined;
  return { theta, ema, meta: header.meta ?? {} };
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/** The header's structure, field by field: a file that parses as JSON can still lack any of them. */
function checkHeader(raw: unknown): Header {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new WeightsFormatError('header must be a JSON object');
  const h = raw as Partial<Record<keyof Header, unknown>>;
  if (typeof h.layoutHash !== 'number') throw new WeightsFormatError('header has no numeric "layoutHash"');
  if (!isInt(h.size)) throw new WeightsFormatError('header "size" must be an integer ≥ 0');
  if (!Array.isArray(h.entries)) throw new WeightsFormatError('header has no "entries" list (the tensor table)');
  h.entries.forEach((e: unknown, i) => {
    const f = e as { name?: unknown; shape?: unknown; offset?: unknown } | null;
    if (typeof f !== 'object' || f === null || typeof f.name !== 'string' || !isInt(f.offset) || !Array.isArray(f.shape) || !f.shape.every(isInt)) {
      throw new WeightsFormatError(`header entry ${i} must be { name: text, shape: [integers ≥ 0], offset: integer ≥ 0 }`);
    }
  });
  const tensors = h.tensors;
  if (!Array.isArray(tensors) || tensors.length > 2 || tensors.some((t, i) => (t !== 'theta' && t !== 'ema') || tensors.indexOf(t) !== i)) {
    throw new WeightsFormatError('header "tensors" must list "theta" and optionally "ema", once each');
  }
  if (h.meta !== undefined && (typeof h.meta !== 'object' || h.meta === null || Array.isArray(h.meta))) {
    throw new WeightsFormatError('header "meta" must be a JSON object');
  }
  return h as Header;
}

/** NaN/Inf weights would give a non-finite score on every particle: refuse the file instead. */
function finiteBlock(name: string, block: Float32Array<ArrayBuffer>, layout: ParamLayout): Float32Array<ArrayBuffer> {
  const i = block.findIndex((v) => !Number.isFinite(v));
  if (i >= 0) {
    const entry = layout.entries.find((e) => i >= e.offset && i < e.offset + e.size);
    throw new WeightsFormatError(`tensor block "${name}" holds a non-finite value (${block[i]}) at float ${i}${entry ? ` (in "${entry.name}")` : ''}`);
  }
  return block;
}

/** Reads the weights (and EMA) of a ParamSet into a file image. */
export async function saveParams(params: ParamSet, meta: Record<string, unknown> = {}, withEma = true): Promise<Uint8Array<ArrayBuffer>> {
  const theta = await params.weights();
  const ema = withEma ? await params.emaWeights() : undefined;
  return encodeWeights(params.layout, { theta, ema, meta });
}

/**
 * Loads a file image into a ParamSet (validating it first; nothing is written on error).
 * `use: 'ema'` loads the EMA block as the weights when the file has one.
 */
export function loadParams(params: ParamSet, bytes: Uint8Array, use: 'theta' | 'ema' = 'theta'): Weights {
  const w = decodeWeights(bytes, params.layout);
  const src = use === 'ema' && w.ema ? w.ema : w.theta;
  params.setWeights(src);
  if (w.ema) params.device.queue.writeBuffer(params.ema.buffer, 0, w.ema);
  return w;
}
