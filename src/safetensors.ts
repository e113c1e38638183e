// The safetensors layout (huggingface/safetensors), so Python reads our files with
// `safetensors.numpy.load_file` or plain numpy:
//   u64 little-endian N, then N bytes of UTF-8 JSON, space-padded so the data starts 8-aligned:
//     { "__metadata__": { text: text }, name: { dtype, shape, data_offsets: [begin, end] }, ... }
//   then the tensors' bytes, little-endian, packed in order with no gaps (offsets are relative
//   to the data's start).
// The reader checks every rule the reference implementation checks and names what is wrong.

export type SafeDType = 'F32' | 'U32';
export type SafeData = Float32Array | Uint32Array;

export interface SafeTensor {
  shape: number[];
  data: SafeData;
}

export interface SafeFile {
  tensors: Map<string, SafeTensor>;
  metadata: Record<string, string>;
}

export class SafetensorsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SafetensorsError';
  }
}

/** The reference reader refuses larger headers (a guard against a garbage length). */
const MAX_HEADER_BYTES = 100_000_000;
const METADATA_KEY = '__metadata__';

const dtypeOf = (data: SafeData): SafeDType => (data instanceof Float32Array ? 'F32' : 'U32');
const elements = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** A file image holding `tensors` in the order given, with text metadata. */
export function encodeSafetensors(tensors: Iterable<[string, SafeTensor]>, metadata: Record<string, string> = {}): Uint8Array<ArrayBuffer> {
  const header: Record<string, unknown> = { [METADATA_KEY]: metadata };
  const parts: SafeData[] = [];
  let offset = 0;
  for (const [name, { shape, data }] of tensors) {
    if (name === METADATA_KEY) throw new SafetensorsError(`a tensor may not be named "${METADATA_KEY}"`);
    if (elements(shape) !== data.length) throw new SafetensorsError(`tensor "${name}": shape [${shape.join(', ')}] needs ${elements(shape)} values, got ${data.length}`);
    header[name] = { dtype: dtypeOf(data), shape, data_offsets: [offset, offset + data.byteLength] };
    parts.push(data);
    offset += data.byteLength;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil((8 + json.length) / 8) * 8 - 8;
  const out = new Uint8Array(8 + padded + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, padded, true); // the high word of the u64 stays 0
  out.fill(0x20, 8, 8 + padded);
  out.set(json, 8);
  let at = 8 + padded;
  for (const data of parts) {
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), at);
    at += data.byteLength;
  }
  return out;
}

/** Whether a file image starts like safetensors (a plausible length, then a JSON object). */
export function looksLikeSafetensors(bytes: Uint8Array): boolean {
  if (bytes.length < 10) return false;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = view.getUint32(0, true);
  return view.getUint32(4, true) === 0 && n >= 2 && 8 + n <= bytes.length && bytes[8] === 0x7b; // '{'
}

/** Reads a file image; every structural problem is one SafetensorsError line. */
export function decodeSafetensors(bytes: Uint8Array): SafeFile {
  if (bytes.length < 8) throw new SafetensorsError(`only ${bytes.length} bytes, too short for a safetensors header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = view.getUint32(0, true);
  if (view.getUint32(4, true) !== 0 || n > MAX_HEADER_BYTES) throw new SafetensorsError('header length is over 100 MB (not a safetensors file?)');
  if (8 + n > bytes.length) throw new SafetensorsError(`header of ${n} bytes runs past the end of the file (${bytes.length} bytes)`);
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n)));
  } catch (e) {
    throw new SafetensorsError(`header is not valid UTF-8 JSON (${(e as Error).message})`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new SafetensorsError('header must be a JSON object');
  const { [METADATA_KEY]: meta, ...entries } = raw as Record<string, unknown>;
  const metadata = checkMetadata(meta);
  const data = bytes.subarray(8 + n);
  const spans = Object.entries(entries).map(([name, e]) => ({ name, ...checkEntry(name, e) }));
  spans.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let end = 0;
  for (const s of spans) {
    if (s.begin !== end) throw new SafetensorsError(`tensor "${s.name}" starts at byte ${s.begin}, expected ${end} (tensors must be packed with no gaps or overlaps)`);
    end = s.end;
  }
  if (end !== data.length) throw new SafetensorsError(`the tensors cover ${end} bytes of data but the file holds ${data.length} (truncated or padded file)`);
  const tensors = new Map<string, SafeTensor>();
  for (const s of spans) {
    const copy = data.slice(s.begin, s.end).buffer; // aligned
    tensors.set(s.name, { shape: s.shape, data: s.dtype === 'F32' ? new Float32Array(copy) : new Uint32Array(copy) });
  }
  return { tensors, metadata };
}

function checkMetadata(meta: unknown): Record<string, string> {
  if (meta === undefined) return {};
  if (typeof meta !== 'object' || meta === null || Array.isArray(meta) || !Object.values(meta).every((v) => typeof v === 'string')) {
    throw new SafetensorsError(`"${METADATA_KEY}" must map text to text`);
  }
  return meta as Record<string, string>;
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

function checkEntry(name: string, e: unknown): { dtype: SafeDType; shape: number[]; begin: number; end: number } {
  const t = e as { dtype?: unknown; shape?: unknown; data_offsets?: unknown } | null;
  if (typeof t !== 'object' || t === null) throw new SafetensorsError(`tensor "${name}" must be { dtype, shape, data_offsets }`);
  if (t.dtype !== 'F32' && t.dtype !== 'U32') throw new SafetensorsError(`tensor "${name}" has dtype ${JSON.stringify(t.dtype)}; this lab reads F32 and U32`);
  if (!Array.isArray(t.shape) || !t.shape.every(isCount)) throw new SafetensorsError(`tensor "${name}" shape must be a list of integers ≥ 0`);
  const offsets = t.data_offsets;
  const [begin, end] = Array.isArray(offsets) && offsets.length === 2 ? offsets : [];
  if (!isCount(begin) || !isCount(end) || end < begin) {
    throw new SafetensorsError(`tensor "${name}" data_offsets must be [begin, end] with 0 ≤ begin ≤ end`);
  }
  const shape = t.shape as number[];
  if (end - begin !== elements(shape) * 4) {
    throw new SafetensorsError(`tensor "${name}" spans ${end - begin} bytes but shape [${shape.join(', ')}] of ${t.dtype} needs ${elements(shape) * 4}`);
  }
  return { dtype: t.dtype, shape, begin, end };
}
