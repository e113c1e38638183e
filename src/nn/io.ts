// Weights files in the safetensors layout (src/safetensors.ts), so Python loads them with
// `safetensors.numpy.load_file`: one F32 tensor per entry of the network's layout, under its
// name and with its shape, the EMA copy under `ema/<name>`, and text metadata
//   format "particle-lab-weights", version "2", meta: JSON (which model wrote it, its settings).
// Legacy PLNN files (io-plnn.ts) still load. Loading checks the tensor table against the
// network entry by entry and names what differs.
import { quote } from '../quote';
import { decodeSafetensors, encodeSafetensors, looksLikeSafetensors, SafetensorsError, type SafeTensor } from '../safetensors';
import { isPlnn, plnnMeta, readPlnn } from './io-plnn';
import type { ParamLayout } from './layout';
import type { ParamSet } from './params';

export const WEIGHTS_FORMAT = 'particle-lab-weights';
export const WEIGHTS_VERSION = 2;
/** The EMA copy of tensor `name` is stored as `ema/<name>`. */
export const EMA_PREFIX = 'ema/';

export class WeightsFormatError extends Error {
  constructor(message: string) {
    super(`weights file: ${message}`);
    this.name = 'WeightsFormatError';
  }
}

const fail = (message: string) => new WeightsFormatError(message);

export interface Weights {
  theta: Float32Array<ArrayBuffer>;
  ema?: Float32Array<ArrayBuffer>;
  meta: Record<string, unknown>;
}

export function encodeWeights(layout: ParamLayout, w: Weights): Uint8Array<ArrayBuffer> {
  const tensors: Array<[string, SafeTensor]> = [];
  const add = (prefix: string, block: Float32Array, what: string) => {
    if (block.length < layout.size) throw new Error(`encodeWeights: ${what} has ${block.length} floats, layout needs ${layout.size}`);
    for (const e of layout.entries) tensors.push([prefix + e.name, { shape: e.shape, data: block.slice(e.offset, e.offset + e.size) }]);
  };
  add('', w.theta, 'theta');
  if (w.ema) add(EMA_PREFIX, w.ema, 'ema');
  return encodeSafetensors(tensors, { format: WEIGHTS_FORMAT, version: String(WEIGHTS_VERSION), meta: JSON.stringify(w.meta) });
}

/** A file image as named tensors and its meta block, in either format. */
function readFile(bytes: Uint8Array): { tensors: Map<string, SafeTensor>; meta: Record<string, unknown> } {
  if (isPlnn(bytes)) return readPlnn(bytes, fail);
  if (!looksLikeSafetensors(bytes)) throw fail('not a Particle Lab weights file (neither safetensors nor the legacy PLNN format)');
  let file;
  try {
    file = decodeSafetensors(bytes);
  } catch (e) {
    if (e instanceof SafetensorsError) throw fail(e.message);
    throw e;
  }
  const { format, version, meta } = file.metadata;
  if (format !== WEIGHTS_FORMAT) throw fail(`metadata "format" is ${quote(String(format))}, expected "${WEIGHTS_FORMAT}" (a safetensors file from elsewhere?)`);
  if (version !== String(WEIGHTS_VERSION)) throw fail(`format version ${quote(String(version))}, this build reads version ${WEIGHTS_VERSION}`);
  return { tensors: file.tensors, meta: parseMeta(meta) };
}

function parseMeta(text: string | undefined): Record<string, unknown> {
  if (text === undefined) return {};
  let meta: unknown;
  try {
    meta = JSON.parse(text);
  } catch (e) {
    throw fail(`metadata "meta" is not valid JSON (${(e as Error).message})`);
  }
  if (typeof meta !== 'object' || meta === null || Array.isArray(meta)) throw fail('metadata "meta" must be a JSON object');
  return meta as Record<string, unknown>;
}

/**
 * The meta block of a file image, refused unless its `kind` is `kind` (which model wrote it).
 * The model checks the rest (settings, architecture, whether it fits); the tensors are checked on load.
 */
export function readWeightsMeta(bytes: Uint8Array, kind: string): Record<string, unknown> {
  const meta = isPlnn(bytes) ? plnnMeta(bytes, fail) : readFile(bytes).meta;
  if (typeof meta !== 'object' || meta === null || (meta as { kind?: unknown }).kind !== kind) {
    throw fail(`not a ${kind} file (meta.kind is not ${quote(kind)})`);
  }
  return meta as Record<string, unknown>;
}

export function decodeWeights(bytes: Uint8Array, layout: ParamLayout): Weights {
  const { tensors, meta } = readFile(bytes);
  const names = new Set(layout.entries.map((e) => e.name));
  const emaCount = [...tensors.keys()].filter((n) => n.startsWith(EMA_PREFIX)).length;
  const thetaCount = tensors.size - emaCount;
  if (thetaCount !== names.size) throw fail(`${thetaCount} tensors in the file, the network has ${names.size} (a different architecture?)`);
  for (const name of tensors.keys()) {
    const base = name.startsWith(EMA_PREFIX) ? name.slice(EMA_PREFIX.length) : name;
    if (!names.has(base)) throw fail(`tensor ${quote(name)} is in the file but not in the network (a different architecture?)`);
  }
  const theta = block('theta', '', tensors, layout);
  const ema = emaCount > 0 ? block('ema', EMA_PREFIX, tensors, layout) : undefined;
  return { theta, ema, meta };
}

/** One flat parameter block (theta or EMA) from its tensors, each checked for shape and finite values. */
function block(what: string, prefix: string, tensors: Map<string, SafeTensor>, layout: ParamLayout): Float32Array<ArrayBuffer> {
  const out = new Float32Array(layout.size);
  for (const e of layout.entries) {
    const t = tensors.get(prefix + e.name);
    if (!t) throw fail(`the network's "${prefix + e.name}" is missing from the file`);
    if (t.shape.join('x') !== e.shape.join('x')) {
      throw fail(`"${prefix + e.name}" has shape [${t.shape.join(', ')}] in the file but [${e.shape.join(', ')}] in the network`);
    }
    if (!(t.data instanceof Float32Array)) throw fail(`"${prefix + e.name}" must be F32`);
    // NaN/Inf weights would give a non-finite output everywhere: refuse the file instead.
    const i = t.data.findIndex((v) => !Number.isFinite(v));
    if (i >= 0) throw fail(`tensor block "${what}" holds a non-finite value (${t.data[i]}) at float ${e.offset + i} (in "${e.name}")`);
    out.set(t.data, e.offset);
  }
  return out;
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
