// Uniform struct layouts by WGSL's rules. UniformStruct (buffers.ts) writes its fields at these
// offsets, and each bind group of a compute pipeline checks them against the struct its WGSL
// declares: the two spellings of a layout cannot drift apart unnoticed.
import { uniformsOf } from './wgsl-reflect';

/** WGSL scalar and vector field types usable in a uniform struct. */
export type UniformType = 'f32' | 'u32' | 'i32' | 'vec2f' | 'vec2u' | 'vec4f' | 'vec4u';

export const UNIFORM_TYPES: Record<UniformType, { size: number; align: number; kind: 'f' | 'u' | 'i' }> = {
  f32: { size: 4, align: 4, kind: 'f' },
  u32: { size: 4, align: 4, kind: 'u' },
  i32: { size: 4, align: 4, kind: 'i' },
  vec2f: { size: 8, align: 8, kind: 'f' },
  vec2u: { size: 8, align: 8, kind: 'u' },
  vec4f: { size: 16, align: 16, kind: 'f' },
  vec4u: { size: 16, align: 16, kind: 'u' },
};

export interface UniformField {
  name: string;
  type: string;
  /** Byte offset; NaN from a type UniformType lacks onwards. */
  offset: number;
}

export interface UniformLayout {
  fields: UniformField[];
  /** Bytes: the struct's size, at least 16 and a multiple of 16 (uniform buffer rules). */
  size: number;
}

/** Lays out fields in declaration order. */
export function uniformLayout(fields: readonly { name: string; type: string }[]): UniformLayout {
  let offset = 0;
  let maxAlign = 16;
  const placed = fields.map(({ name, type }) => {
    const t = UNIFORM_TYPES[type as UniformType] ?? { size: NaN, align: 4 };
    offset = Math.ceil(offset / t.align) * t.align;
    const field = { name, type, offset };
    offset += t.size;
    maxAlign = Math.max(maxAlign, t.align);
    return field;
  });
  return { fields: placed, size: Math.max(16, Math.ceil(offset / maxAlign) * maxAlign) };
}

const declared = new WeakMap<GPUBuffer, UniformLayout>();

/** Records the layout a UniformStruct writes into `buffer`, for checkUniformBindings. */
export function declareUniformBuffer(buffer: GPUBuffer, layout: UniformLayout): void {
  declared.set(buffer, layout);
}

/**
 * Throws unless each var<uniform> of `group` that `entryPoint` uses is bound (in `buffers`) to a
 * UniformStruct's buffer with the WGSL struct's fields: the same names and types in the same order.
 */
export function checkUniformBindings(code: string, entryPoint: string, group: number, buffers: Record<number, GPUBuffer>): void {
  for (const u of uniformsOf(code, entryPoint)) {
    const buffer = buffers[u.binding];
    if (u.group !== group || !buffer) continue;
    const where = `${entryPoint}: @binding(${u.binding}) var<uniform> ${u.variable}: ${u.struct}`;
    const host = declared.get(buffer);
    if (!host) throw new Error(`${where} is bound to a buffer that no UniformStruct fills`);
    const wgsl = describe(uniformLayout(u.fields));
    const ts = describe(host);
    if (wgsl !== ts) throw new Error(`${where}: WGSL declares { ${wgsl} }, its UniformStruct { ${ts} }`);
  }
}

function describe(layout: UniformLayout): string {
  return layout.fields.map((f) => `${f.name}: ${f.type} @${f.offset}`).join(', ');
}
