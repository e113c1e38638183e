// Full-state export/import: params, counters and GPU buffers, as JSON (base64 little-endian
// float32/uint32) or as safetensors (one tensor per buffer, shaped, so numpy reads positions
// directly; the envelope in the text metadata).
import { decodeSafetensors, encodeSafetensors, looksLikeSafetensors, SafetensorsError, type SafeTensor } from '../safetensors';
import { ParamError, quote, withValues, type ParamSchema, type Params } from './params';

export const STATE_FORMAT = 'particle-lab-state';
export const STATE_VERSION = 1;
/** The GPU step clock (noise counter) is a u32: a state cannot resume past it. */
export const MAX_STATE_STEP = 0xffffffff;
/** What btoa writes: the standard alphabet, padded, no whitespace. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export interface StateBuffer {
  type: 'f32' | 'u32';
  length: number;
  /** Rows × columns for per-particle buffers (e.g. [n, 2] positions); absent means [length]. */
  shape?: number[];
  base64: string;
}

export interface SimState {
  format: typeof STATE_FORMAT;
  version: number;
  system: string;
  params: Params;
  step: number;
  time: number;
  buffers: Record<string, StateBuffer>;
}

/** A value from the file in a one-line message: text quoted and escaped, anything else as JSON. */
function shown(v: unknown): string {
  return typeof v === 'string' ? quote(v) : String(JSON.stringify(v)).slice(0, 80);
}

export function encodeBuffer(data: Float32Array | Uint32Array, shape?: number[]): StateBuffer {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return { type: data instanceof Float32Array ? 'f32' : 'u32', length: data.length, ...(shape && { shape }), base64: btoa(bin) };
}

export function decodeBuffer(name: string, b: StateBuffer, expectedLength: number): Float32Array | Uint32Array {
  const field = `buffers.${name}`;
  if (!b || (b.type !== 'f32' && b.type !== 'u32') || typeof b.base64 !== 'string') {
    throw new ParamError(field, `state buffer ${quote(name)} is missing or malformed (needs type f32|u32, length, base64)`);
  }
  if (b.length !== expectedLength) {
    throw new ParamError(field, `state buffer ${quote(name)} must have ${expectedLength} elements for these params; got ${shown(b.length)}`);
  }
  // atob throws a bare DOMException on a bad character; name the buffer instead.
  if (!BASE64.test(b.base64)) throw new ParamError(field, `state buffer ${quote(name)}: base64 must use A-Z a-z 0-9 + / with = padding only`);
  const bin = atob(b.base64);
  if (bin.length !== expectedLength * 4) {
    throw new ParamError(field, `state buffer ${quote(name)} holds ${bin.length} bytes, expected ${expectedLength * 4}`);
  }
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return b.type === 'f32' ? new Float32Array(bytes.buffer) : new Uint32Array(bytes.buffer);
}

/**
 * Checks an imported object's envelope and params, and decodes every buffer at its own declared
 * length (so a corrupt file is refused before anything reaches the GPU); which buffers a system
 * needs, and their sizes, are checked by the system that owns them.
 */
export function checkState(system: string, schema: ParamSchema, base: Params, raw: unknown): SimState {
  if (typeof raw !== 'object' || raw === null) throw new ParamError('state', 'state file must be a JSON object');
  const s = raw as Partial<SimState>;
  if (s.format !== STATE_FORMAT) throw new ParamError('format', `state file format must be "${STATE_FORMAT}"; got ${shown(s.format)}`);
  if (s.version !== STATE_VERSION) throw new ParamError('version', `state file version must be ${STATE_VERSION}; got ${shown(s.version)}`);
  if (s.system !== system) throw new ParamError('system', `state file is for system ${quote(s.system)}, not "${system}"`);
  if (typeof s.step !== 'number' || !Number.isInteger(s.step) || s.step < 0 || s.step > MAX_STATE_STEP) {
    throw new ParamError('step', `state step must be an integer in [0, ${MAX_STATE_STEP}] (the GPU step clock is u32); got ${shown(s.step)}`);
  }
  if (typeof s.time !== 'number' || !Number.isFinite(s.time)) throw new ParamError('time', 'state time must be a finite number');
  if (typeof s.buffers !== 'object' || s.buffers === null || Array.isArray(s.buffers)) throw new ParamError('buffers', 'state file has no buffers');
  for (const [name, b] of Object.entries(s.buffers)) {
    const length = (b as Partial<StateBuffer> | null)?.length;
    if (typeof length !== 'number' || !Number.isInteger(length) || length < 0) {
      throw new ParamError(`buffers.${name}`, `state buffer ${quote(name)} needs an integer length ≥ 0; got ${shown(length)}`);
    }
    decodeBuffer(name, b, length);
  }
  const rawParams = s.params ?? {};
  if (typeof rawParams !== 'object' || Array.isArray(rawParams)) throw new ParamError('params', 'state params must be a JSON object');
  const params = withValues(schema, base, rawParams as Record<string, unknown>);
  return { ...(s as SimState), params };
}

/** What a state records of a running system besides its buffers: its params and clock. */
export interface StateClock {
  readonly params: Params;
  readonly stepCount: number;
  readonly time: number;
}

/**
 * A system's state file: the envelope every system shares (format, version, system, params,
 * step, time) around the system's buffers, encoded in the order given (their order in the file).
 */
export function packState(
  system: string,
  sim: StateClock,
  buffers: Record<string, Float32Array | Uint32Array>,
  shapes: Record<string, number[]> = {},
): SimState {
  const encoded: Record<string, StateBuffer> = {};
  for (const [name, data] of Object.entries(buffers)) encoded[name] = encodeBuffer(data, shapes[name]);
  return { format: STATE_FORMAT, version: STATE_VERSION, system, params: { ...sim.params }, step: sim.stepCount, time: sim.time, buffers: encoded };
}

/**
 * Opens a state file for `system`: its envelope and params checked (checkState; params it leaves
 * out come from `base`), then the f32 buffers `sizes` names, at the lengths it gives for the
 * file's params (readF32). Everything is decoded and checked here, before the system touches
 * its GPU buffers, so a bad file leaves the running system as it was.
 */
export function openState<K extends string>(
  system: string,
  schema: ParamSchema,
  base: Params,
  raw: unknown,
  sizes: (params: Params) => Record<K, number>,
): { state: SimState; data: Record<K, Float32Array<ArrayBuffer>> } {
  const state = checkState(system, schema, base, raw);
  const data = {} as Record<K, Float32Array<ArrayBuffer>>;
  for (const [name, length] of Object.entries(sizes(state.params)) as [K, number][]) data[name] = readF32(state, name, length);
  return { state, data };
}

/**
 * A system's f32 state buffer: present, f32, `length` elements, every one finite (a file never
 * carries NaN/Inf to the GPU; a run that blows up is reported by the system's sample()).
 */
export function readF32(state: SimState, name: string, length: number): Float32Array<ArrayBuffer> {
  const field = `buffers.${name}`;
  const b = state.buffers[name];
  if (!b) throw new ParamError(field, `state has no buffer ${quote(name)}, which this system needs`);
  const data = decodeBuffer(name, b, length);
  if (!(data instanceof Float32Array)) throw new ParamError(field, `state buffer ${quote(name)} must be f32; got u32`);
  const bad = data.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new ParamError(field, `state buffer ${quote(name)} must hold finite numbers; got ${data[bad]} at index ${bad}`);
  return data as Float32Array<ArrayBuffer>;
}

/** A state as a safetensors file image: its buffers as tensors, the envelope as text metadata. */
export function stateToSafetensors(state: SimState): Uint8Array<ArrayBuffer> {
  const tensors: Array<[string, SafeTensor]> = Object.entries(state.buffers).map(([name, b]) => {
    const data = decodeBuffer(name, b, b.length);
    return [name, { shape: b.shape ?? [b.length], data }];
  });
  const { format, version, system, params, step, time } = state;
  return encodeSafetensors(tensors, { format, version: String(version), system, params: JSON.stringify(params), step: String(step), time: String(time) });
}

/** A number written as metadata text, or the text itself (so checkState names it) when it is not one. */
const metaNumber = (text: string | undefined): unknown => (text !== undefined && /^-?[\d.]+(?:e[-+]?\d+)?$/i.test(text) ? Number(text) : text);

/**
 * A state file image, JSON or safetensors, as the raw object checkState checks (nothing is
 * trusted here: the envelope, params and buffers are all checked there).
 */
export function parseStateFile(bytes: Uint8Array): unknown {
  if (!looksLikeSafetensors(bytes)) {
    try {
      return JSON.parse(new TextDecoder().decode(bytes));
    } catch (e) {
      throw new ParamError('state', `state file is neither JSON nor safetensors (${(e as Error).message})`);
    }
  }
  let file;
  try {
    file = decodeSafetensors(bytes);
  } catch (e) {
    if (e instanceof SafetensorsError) throw new ParamError('state', `state file: ${e.message}`);
    throw e;
  }
  const m = file.metadata;
  let params: unknown;
  try {
    params = m.params === undefined ? undefined : JSON.parse(m.params);
  } catch (e) {
    throw new ParamError('params', `state metadata "params" is not valid JSON (${(e as Error).message})`);
  }
  const buffers: Record<string, StateBuffer> = {};
  for (const [name, t] of file.tensors) buffers[name] = encodeBuffer(t.data, t.shape.length === 1 ? undefined : t.shape);
  return { format: m.format, version: metaNumber(m.version), system: m.system, params, step: metaNumber(m.step), time: metaNumber(m.time), buffers };
}
