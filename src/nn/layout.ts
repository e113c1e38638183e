// Parameter layout: every tensor of a network at a fixed offset in one flat f32 buffer.
// The table (name, shape, offset) is the contract for save/load and for GPU kernels, which
// address weights as theta[offset + ...]. Offsets are 4-float aligned.

export type Init =
  | { kind: 'zeros' }
  | { kind: 'ones' }
  /** Uniform in +-sqrt(6 / (fanIn + fanOut)) * gain (Glorot). */
  | { kind: 'glorot'; gain?: number };

export interface ParamEntry {
  name: string;
  shape: number[];
  offset: number;
  size: number;
  init: Init;
  /** Whether AdamW weight decay applies (weights yes; biases and LayerNorm no). */
  decay: boolean;
}

export class ParamLayout {
  readonly entries: ParamEntry[] = [];
  private readonly byName = new Map<string, ParamEntry>();
  size = 0;

  add(name: string, shape: number[], init: Init, decay = init.kind === 'glorot'): ParamEntry {
    if (this.byName.has(name)) throw new Error(`parameter ${name} declared twice`);
    const size = shape.reduce((a, b) => a * b, 1);
    const e: ParamEntry = { name, shape: [...shape], offset: this.size, size, init, decay };
    this.size = Math.ceil((this.size + size) / 4) * 4;
    this.entries.push(e);
    this.byName.set(name, e);
    return e;
  }

  /** Number of parameters (the tensors' elements, without alignment padding). */
  get count(): number {
    return this.entries.reduce((a, e) => a + e.size, 0);
  }

  get(name: string): ParamEntry {
    const e = this.byName.get(name);
    if (!e) throw new Error(`no parameter named ${name}`);
    return e;
  }

  /** The layout as a table: name, shape, offset, size. */
  describe(): string {
    const w = Math.max(4, ...this.entries.map((e) => e.name.length));
    const lines = [`${'name'.padEnd(w)}  ${'shape'.padEnd(12)}  ${'offset'.padStart(8)}  ${'size'.padStart(8)}`];
    for (const e of this.entries) {
      lines.push(`${e.name.padEnd(w)}  ${`[${e.shape.join(', ')}]`.padEnd(12)}  ${String(e.offset).padStart(8)}  ${String(e.size).padStart(8)}`);
    }
    lines.push(`total ${this.size} floats (${this.size * 4} bytes)`);
    return lines.join('\n');
  }

  /** Canonical text of the table, the input of hash(). */
  signature(): string {
    return this.entries.map((e) => `${e.name}:${e.shape.join('x')}@${e.offset}`).join(';');
  }

  /** FNV-1a (32-bit) of signature(). */
  hash(): number {
    let h = 0x811c9dc5;
    for (const ch of this.signature()) {
      h ^= ch.charCodeAt(0);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h >>> 0;
  }
}

/**
 * One layout holding several networks' tensors, each under `<part>/` and in order, at its own offset
 * plus the part's start: a file with one tensor table saves and loads them together. Parts keep
 * their offsets relative to their start (every part's size is 4-aligned), so `start(part)` splits
 * a joined block back into the parts' own layouts.
 */
export class JoinedLayout extends ParamLayout {
  private readonly starts = new Map<string, number>();

  constructor(readonly parts: Readonly<Record<string, ParamLayout>>) {
    super();
    for (const [part, layout] of Object.entries(parts)) {
      const start = this.size;
      this.starts.set(part, start);
      for (const e of layout.entries) {
        const joined = this.add(`${part}/${e.name}`, e.shape, e.init, e.decay);
        if (joined.offset !== start + e.offset) throw new Error(`joinLayouts: ${part}/${e.name} would move from ${start + e.offset} to ${joined.offset}`);
      }
      this.size = start + layout.size;
    }
  }

  /** The part's floats inside a block of the joined layout. */
  slice(block: Float32Array<ArrayBuffer>, part: string): Float32Array<ArrayBuffer> {
    const start = this.starts.get(part);
    if (start === undefined) throw new Error(`no layout part named ${part}`);
    return block.slice(start, start + this.parts[part]!.size);
  }

  /** One block of the joined layout from the parts' blocks. */
  join(blocks: Readonly<Record<string, Float32Array>>): Float32Array<ArrayBuffer> {
    const out = new Float32Array(this.size);
    for (const [part, start] of this.starts) out.set(blocks[part]!.subarray(0, this.parts[part]!.size), start);
    return out;
  }
}

/** Deterministic initial values (float64) from a seed (mulberry32). */
export function initialValues(layout: ParamLayout, seed: number): Float64Array {
  const out = new Float64Array(layout.size);
  let s = seed >>> 0;
  const rand = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (const e of layout.entries) {
    const init = e.init;
    for (let i = 0; i < e.size; i++) {
      let v = 0;
      if (init.kind === 'ones') v = 1;
      else if (init.kind === 'glorot') {
        const fanIn = e.shape[0] ?? 1;
        const fanOut = e.shape[1] ?? 1;
        v = (2 * rand() - 1) * Math.sqrt(6 / (fanIn + fanOut)) * (init.gain ?? 1);
      }
      out[e.offset + i] = v;
    }
  }
  return out;
}
