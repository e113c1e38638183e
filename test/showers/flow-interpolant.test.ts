// The flow-matching interpolant, checked analytically: its endpoints, d y_t / dt = u (the path is straight,
// so a finite difference of any step is u up to rounding), and y_t − t u = x + σ_min z for every t.
import { describe, expect, it } from 'vitest';
import { interpolate, pathCoefficients, SIGMA_MIN, velocityTarget } from '../../src/sims/showers/flow/interpolant';
import { Rng } from '../../src/sims/showers/random';

const rng = new Rng(3);
const N = 3 * 40;
const x = Float64Array.from({ length: N }, () => 3 * rng.normal());
const z = Float64Array.from({ length: N }, () => rng.normal());
const u = velocityTarget(x, z);

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let k = 0; k < a.length; k++) m = Math.max(m, Math.abs(a[k]! - b[k]!));
  return m;
}

describe('interpolant', () => {
  it('has the coefficients a = 1 − t, b = σ_min + (1 − σ_min) t, with b(1) = 1 exactly', () => {
    expect(SIGMA_MIN).toBe(1e-4);
    expect(pathCoefficients(0)).toEqual({ a: 1, b: 1e-4 });
    expect(pathCoefficients(1)).toEqual({ a: 0, b: 1 });
    expect(pathCoefficients(0.25).a).toBe(0.75);
    expect(pathCoefficients(0.25).b).toBeCloseTo(1e-4 + 0.9999 * 0.25, 15);
  });

  it('starts at the data (plus σ_min z) at t = 0 and ends at the noise at t = 1', () => {
    const y0 = interpolate(x, z, 0);
    for (let k = 0; k < N; k++) expect(y0[k]).toBe(x[k]! + SIGMA_MIN * z[k]!);
    expect(Array.from(interpolate(x, z, 1))).toEqual(Array.from(z));
  });

  it('moves with velocity u = (1 − σ_min) z − x at every t', () => {
    for (let k = 0; k < N; k++) expect(u[k]).toBe((1 - SIGMA_MIN) * z[k]! - x[k]!);
    for (const [t1, t2] of [[0, 1], [0.3, 0.7], [0.5, 0.5 + 2 ** -10], [0.9, 0.1]] as const) {
      const [y1, y2] = [interpolate(x, z, t1), interpolate(x, z, t2)];
      const slope = y2.map((v, k) => (v - y1[k]!) / (t2 - t1));
      // Rounding of y over |t2 − t1|: a few ulps of |x| + |z| ≲ 15, divided by the step.
      expect(maxAbsDiff(slope, u)).toBeLessThan((1e-14 / Math.abs(t2 - t1)) * 16);
    }
  });

  it('y_t − t u = x + σ_min z: one exact Euler step with the true velocity reaches t = 0', () => {
    for (const t of [0.1, 0.5, 0.99]) {
      const y = interpolate(x, z, t);
      const back = y.map((v, k) => v - t * u[k]!);
      expect(maxAbsDiff(back, interpolate(x, z, 0))).toBeLessThan(1e-13);
    }
  });

  it('takes one t per shower, writes float32 outputs, and refuses mismatched lengths', () => {
    const t = Float64Array.of(0.2, 0.6, 0.9, 0.05); // 4 showers of 30 numbers
    const y = interpolate(x, z, t, new Float32Array(N));
    expect(y).toBeInstanceOf(Float32Array);
    for (let s = 0; s < 4; s++) {
      const one = interpolate(x.subarray(s * 30, (s + 1) * 30), z.subarray(s * 30, (s + 1) * 30), t[s]!, new Float32Array(30));
      expect(Array.from(y.subarray(s * 30, (s + 1) * 30))).toEqual(Array.from(one));
    }
    expect(() => interpolate(x, z, Float64Array.of(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7))).toThrow(RangeError);
    expect(() => interpolate(x, z.subarray(1), 0.5)).toThrow(RangeError);
    expect(() => velocityTarget(x, z, new Float64Array(3))).toThrow(RangeError);
  });
});
