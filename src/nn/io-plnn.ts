// The legacy weights file (PLNN, format version 1), read so the weights shipped before the
// safetensors layout, and files users saved then, still load. Nothing writes it any more.
//   bytes 0..3   magic "PLNN"
//   bytes 4..7   u32 format version (1)
//   bytes 8..11  u32 header length H (bytes of UTF-8 JSON)
//   bytes 12..   header JSON: { layoutHash, size, entries: [{ name, shape, offset }], tensors, meta }
//   then zero padding to a multiple of 4, then `tensors.length` blocks of `size` f32:
//   "theta" (the weights) and optionally "ema".
import type { SafeTensor } from '../safetensors';

export const PLNN_MAGIC = 'PLNN';
export const PLNN_VERSION = 1;

interface Header {
  size: number;
  entries: Array<{ name: string; shape: number[]; offset: number }>;
  tensors: Array<'theta' | 'ema'>;
  meta?: Record<string, unknown>;
}

export const isPlnn = (bytes: Uint8Array): boolean => bytes.length >= 4 && new TextDecoder().decode(bytes.subarray(0, 4)) === PLNN_MAGIC;

/** Magic, version and the header JSON of a file image (the header's fields are not checked yet). */
function readHeader(bytes: Uint8Array, fail: (m: string) => Error): { raw: unknown; hlen: number } {
  if (bytes.length < 12) throw fail(`only ${bytes.length} bytes, too short for a header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(4, true);
  if (version !== PLNN_VERSION) throw fail(`legacy PLNN format version ${version}, this build reads version ${PLNN_VERSION}`);
  const hlen = view.getUint32(8, true);
  if (12 + hlen > bytes.length) throw fail(`header of ${hlen} bytes runs past the end of the file (${bytes.length} bytes)`);
  try {
    return { raw: JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + hlen))), hlen };
  } catch (e) {
    throw fail(`header is not valid JSON (${(e as Error).message})`);
  }
}

/** The meta block of a legacy file (unchecked: the caller checks what it needs). */
export function plnnMeta(bytes: Uint8Array, fail: (m: string) => Error): unknown {
  return (readHeader(bytes, fail).raw as { meta?: unknown } | null)?.meta;
}

/**
 * A legacy file as named tensors, as the safetensors file of the same weights holds them:
 * each entry of the table under its name, and the EMA block's under `ema/<name>`.
 */
export function readPlnn(bytes: Uint8Array, fail: (m: string) => Error): { tensors: Map<string, SafeTensor>; meta: Record<string, unknown> } {
  const { raw, hlen } = readHeader(bytes, fail);
  const header = checkHeader(raw, fail);
  const dataStart = Math.ceil((12 + hlen) / 4) * 4;
  const expected = dataStart + header.tensors.length * header.size * 4;
  if (bytes.length !== expected) {
    throw fail(`${bytes.length} bytes, expected ${expected} for ${header.tensors.length} tensor block(s) of ${header.size} floats (truncated or padded file)`);
  }
  const floats = new Float32Array(bytes.slice(dataStart).buffer); // aligned copy
  const tensors = new Map<string, SafeTensor>();
  header.tensors.forEach((block, b) => {
    for (const e of header.entries) {
      const size = e.shape.reduce((a, c) => a * c, 1);
      if (e.offset + size > header.size) throw fail(`"${e.name}" runs past the ${header.size} floats of a block`);
      const start = b * header.size + e.offset;
      tensors.set(block === 'ema' ? `ema/${e.name}` : e.name, { shape: e.shape, data: floats.slice(start, start + size) });
    }
  });
  return { tensors, meta: header.meta ?? {} };
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/** The header's structure, field by field: a file that parses as JSON can still lack any of them. */
function checkHeader(raw: unknown, fail: (m: string) => Error): Header {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw fail('header must be a JSON object');
  const h = raw as Partial<Record<keyof Header, unknown>>;
  if (!isInt(h.size)) throw fail('header "size" must be an integer ≥ 0');
  if (!Array.isArray(h.entries)) throw fail('header has no "entries" list (the tensor table)');
  h.entries.forEach((e: unknown, i) => {
    const f = e as { name?: unknown; shape?: unknown; offset?: unknown } | null;
    if (typeof f !== 'object' || f === null || typeof f.name !== 'string' || !isInt(f.offset) || !Array.isArray(f.shape) || !f.shape.every(isInt)) {
      throw fail(`header entry ${i} must be { name: text, shape: [integers ≥ 0], offset: integer ≥ 0 }`);
    }
  });
  const tensors = h.tensors;
  if (!Array.isArray(tensors) || tensors.length > 2 || tensors.some((t, i) => (t !== 'theta' && t !== 'ema') || tensors.indexOf(t) !== i)) {
    throw fail('header "tensors" must list "theta" and optionally "ema", once each');
  }
  if (!tensors.includes('theta')) throw fail('no "theta" tensor block');
  if (h.meta !== undefined && (typeof h.meta !== 'object' || h.meta === null || Array.isArray(h.meta))) {
    throw fail('header "meta" must be a JSON object');
  }
  return h as Header;
}
