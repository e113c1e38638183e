// Shared helpers for the tokens tests.
import type { GpuContext } from '../../src/gpu/context';
import { Readback } from '../../src/gpu/buffers';
import { defaults, withValues } from '../../src/sims/params';
import { liveSettings, TokenEngine, TokenWeights } from '../../src/sims/tokens/engine';
import { buildModel, type TokenModel } from '../../src/sims/tokens/model';
import { schema, type TokenParams } from '../../src/sims/tokens/params';

export function params(values: Record<string, unknown>): TokenParams {
  return schema.typed(withValues(schema, defaults(schema), values));
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return Number.isNaN(m) ? Infinity : m;
}

export function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}

export interface Harness {
  model: TokenModel;
  engine: TokenEngine;
  read(buffer: GPUBuffer): Promise<Float32Array>;
  dispose(): void;
}

export function harness(ctx: GpuContext, p: TokenParams): Harness {
  const model = buildModel(p);
  const weights = new TokenWeights(ctx.device, model);
  const engine = new TokenEngine(ctx.device, model, weights, p.sphere, p.ffnPair === 'shared', liveSettings(p));
  const rb = new Readback(ctx.device);
  const bytes = model.count * model.d * 4;
  return {
    model,
    engine,
    read: (b) => rb.f32(b, 0, bytes),
    dispose() {
      engine.destroy();
      weights.destroy();
      rb.destroy();
    },
  };
}
