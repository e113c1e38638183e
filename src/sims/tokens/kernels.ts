// The tokens kernels' WGSL composition and uniform layouts; pipelines are shared per device.
import { UniformStruct } from '../../gpu/buffers';
import { wgsl } from '../../gpu/pipelines';
import threads from '../../gpu/shaders/threads.wgsl?raw';
import attentionCode from './shaders/attention.wgsl?raw';
import integrateCode from './shaders/integrate.wgsl?raw';
import linearCode from './shaders/linear.wgsl?raw';

/** Keys and values in workgroup memory take 2·KEY_TILE·4·ceil(HEAD_DIM/4) floats: keep that within 16 KiB. */
export function keyTile(headDim: number): number {
  return Math.max(1, Math.min(64, Math.floor(2048 / (4 * Math.ceil(headDim / 4)))));
}

export function attentionCodeFor(headDim: number): string {
  return wgsl(
    `const HEAD_DIM: u32 = ${headDim}u;`,
    `const HEAD_VEC: u32 = ${Math.ceil(headDim / 4)}u;`,
    `const KEY_TILE: u32 = ${keyTile(headDim)}u;`,
    attentionCode,
  );
}

export const LINEAR_FIELDS = {
  n: 'u32',
  rows: 'u32',
  cols: 'u32',
  weightOffset: 'u32',
  biasOffset: 'u32',
  hasBias: 'u32',
  act: 'u32',
  accumulate: 'u32',
  scale: 'f32',
} as const;
export type LinearUniform = UniformStruct<typeof LINEAR_FIELDS>;
export const ATTEND_FIELDS = { n: 'u32', d: 'u32', normalization: 'u32', beta: 'f32' } as const;
export type AttendUniform = UniformStruct<typeof ATTEND_FIELDS>;
export const AXPY_FIELDS = { count: 'u32', a: 'f32' } as const;
export const RK4_FIELDS = { count: 'u32', h: 'f32' } as const;
export const TOKEN_FIELDS = { n: 'u32', d: 'u32' } as const;

export const code = { linear: wgsl(threads, linearCode), integrate: wgsl(threads, integrateCode) };
