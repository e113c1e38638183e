// One flow-matching training batch, as the network reads it: per shower a time t ~ U(0, 1), its
// noise paired with the points (layer-wise OT or independent), the point y_t on the path and the
// velocity target u; per shower the conditions (Fourier features of t, ln E, direction), the
// per-layer ln(n + 0.5) counts and the particle index. CPU arithmetic over typed arrays.
import type { Rng } from '../random';
import { POINT_DIM, type ShowerBatch } from './dataset';
import { interpolate, velocityTarget } from './interpolant';
import { pairBatch, type Pairing } from './pairing';

/** Sin/cos pairs of t at frequencies π·2^k, k = 0 … count/2 − 1 (t ∈ [0, 1]: from the whole range to fine detail). */
export function timeFeatures(t: number, count: number, out: Float32Array | number[] = new Float32Array(count), offset = 0): Float32Array | number[] {
  if (count % 2 !== 0) throw new RangeError(`timeFeatures: count ${count} must be even (sin and cos pairs)`);
  for (let k = 0; k < count / 2; k++) {
    const w = Math.PI * 2 ** k;
    out[offset + 2 * k] = Math.sin(w * t);
    out[offset + 2 * k + 1] = Math.cos(w * t);
  }
  return out;
}

/** Width of a shower's condition row: the time features, ln E (standardised) and the direction. */
export function conditionWidth(timeFeatureCount: number): number {
  return timeFeatureCount + 4;
}

/** Condition rows [S · (F + 4)]: time features of t[s], then ln E, then the direction of shower s. */
export function conditionRows(batch: Pick<ShowerBatch, 'showers' | 'logEnergy' | 'direction'>, t: ArrayLike<number>, timeFeatureCount: number): Float32Array<ArrayBuffer> {
  const width = conditionWidth(timeFeatureCount);
  const out = new Float32Array(batch.showers * width);
  for (let s = 0; s < batch.showers; s++) {
    timeFeatures(t[s]!, timeFeatureCount, out, s * width);
    out[s * width + timeFeatureCount] = batch.logEnergy[s]!;
    out.set(batch.direction.subarray(3 * s, 3 * s + 3), s * width + timeFeatureCount + 1);
  }
  return out;
}

export interface FlowBatch {
  /** [S] time per shower. */
  t: Float32Array;
  /** [S · K · 3] y_t, and the target velocity u = (1 − σ_min) z − x (0 on padding). */
  input: Float32Array;
  target: Float32Array;
  /** [S · (F + 4)] condition rows. */
  conditions: Float32Array;
}

/** Draws t per shower and the noise (from `rng`, in that order), and makes the batch's inputs and targets. */
export function flowBatch(batch: ShowerBatch, rng: Rng, options: { pairing: Pairing; timeFeatures: number }): FlowBatch {
  const t = Float32Array.from({ length: batch.showers }, () => rng.uniform());
  const z = pairBatch(batch, rng, options.pairing);
  const input = interpolate(batch.points, z, t, new Float32Array(z.length)) as Float32Array;
  const target = velocityTarget(batch.points, z, new Float32Array(z.length)) as Float32Array;
  // Padding rows carry x = z = 0, so y_t = u = 0 there: nothing to learn and masked in the loss.
  return { t, input, target, conditions: conditionRows(batch, t, options.timeFeatures) };
}

export { POINT_DIM };
