// AllShowers' flow-matching interpolant (science.md §3): a straight path from the data x (t = 0) to the
// noise z (t = 1), whose noise never quite vanishes at t = 0 (σ_min keeps the path's law smooth there):
//   y_t = (1 − t) x + (σ_min + (1 − σ_min) t) z,   u = d y_t / dt = (1 − σ_min) z − x.
// The network learns v(y_t, t) ≈ u (masked MSE); sampling integrates dy/dt = v from t = 1 down to 0.
// Pure functions over flat rows; arithmetic in float64, stored in whatever `out` is.
import type { Rows } from './pairing';

export const SIGMA_MIN = 1e-4;

/** The path's coefficients at t: y_t = a x + b z with a = 1 − t, b = σ_min + (1 − σ_min) t (b(1) = 1 exactly). */
export function pathCoefficients(t: number, sigmaMin = SIGMA_MIN): { a: number; b: number } {
  return { a: 1 - t, b: sigmaMin + (1 - sigmaMin) * t };
}

/**
 * Times for flat data of `length` numbers: one t for all, or one per group (per shower: the array's length
 * must divide `length`, each t covering length / t.length consecutive numbers).
 */
function timeGroups(t: number | ArrayLike<number>, length: number): { times: ArrayLike<number>; size: number } {
  if (typeof t === 'number') return { times: [t], size: length };
  if (t.length === 0 || length % t.length !== 0) throw new RangeError(`interpolant: ${t.length} times do not divide ${length} numbers`);
  return { times: t, size: length / t.length };
}

function checkLengths(x: Rows, z: Rows, out: Rows): void {
  if (z.length !== x.length || out.length !== x.length) throw new RangeError(`interpolant: x, z, out lengths ${x.length}, ${z.length}, ${out.length} differ`);
}

/** y_t = (1 − t) x + (σ_min + (1 − σ_min) t) z, elementwise; t one number or one per shower (see `timeGroups`). */
export function interpolate(x: Rows, z: Rows, t: number | ArrayLike<number>, out: Rows = new Float64Array(x.length), sigmaMin = SIGMA_MIN): Rows {
  checkLengths(x, z, out);
  const { times, size } = timeGroups(t, x.length);
  for (let g = 0; g < times.length; g++) {
    const { a, b } = pathCoefficients(times[g]!, sigmaMin);
    for (let k = g * size; k < (g + 1) * size; k++) out[k] = a * x[k]! + b * z[k]!;
  }
  return out;
}

/** The regression target u = (1 − σ_min) z − x: the path's velocity, the same at every t. */
export function velocityTarget(x: Rows, z: Rows, out: Rows = new Float64Array(x.length), sigmaMin = SIGMA_MIN): Rows {
  checkLengths(x, z, out);
  for (let k = 0; k < x.length; k++) out[k] = (1 - sigmaMin) * z[k]! - x[k]!;
  return out;
}
