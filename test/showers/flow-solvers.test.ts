// The samplers' schemes against an ODE with a known solution: each reaches t = 0 with the error
// shrinking at its order as the steps double, and counts its network evaluations.
import { describe, expect, it } from 'vitest';
import { functionEvaluations, integrate, SOLVERS, TABLEAUX, timeGrid } from '../../src/sims/showers/flow/solvers';

// dy/dt = cos(t)·y + t (per component, with a different scale each): y(t) solved in closed form below is
// not needed; the exact value at t = 0 comes from a fine RK4 integration (an independent scheme).
const field = (t: number, y: Float64Array) => y.map((v, i) => Math.cos(t * (1 + i)) * v + t * t);

function rk4(y1: Float64Array, steps: number): Float64Array {
  const h = -1 / steps;
  let y = Float64Array.from(y1);
  for (let s = 0; s < steps; s++) {
    const t = 1 + s * h;
    const k1 = field(t, y);
    const k2 = field(t + h / 2, y.map((v, i) => v + (h / 2) * k1[i]!));
    const k3 = field(t + h / 2, y.map((v, i) => v + (h / 2) * k2[i]!));
    const k4 = field(t + h, y.map((v, i) => v + h * k3[i]!));
    y = y.map((v, i) => v + (h / 6) * (k1[i]! + 2 * k2[i]! + 2 * k3[i]! + k4[i]!));
  }
  return y;
}

describe('flow samplers', () => {
  const y1 = Float64Array.from([0.3, -1.2, 2.0]);
  const exact = rk4(y1, 20_000);

  for (const solver of SOLVERS) {
    it(`${solver}: the error at t = 0 falls at order ${TABLEAUX[solver].order} as the steps double`, async () => {
      const error = async (steps: number) => Math.max(...(await integrate(solver, steps, y1, field)).map((v, i) => Math.abs(v - exact[i]!)));
      const orders = await Promise.all([8, 16, 32].map(async (n) => Math.log2((await error(n)) / (await error(2 * n)))));
      // Asymptotic order within 0.15 at these step counts (smooth field, |h| ≤ 1/16 at the last pair).
      for (const p of orders.slice(1)) expect(Math.abs(p - TABLEAUX[solver].order)).toBeLessThan(0.15);
    });
  }

  it('count their network evaluations and run from t = 1 to 0', () => {
    expect(functionEvaluations('euler', 16)).toBe(16);
    expect(functionEvaluations('midpoint', 16)).toBe(32);
    expect(functionEvaluations('heun', 8)).toBe(16);
    expect(timeGrid(4)).toEqual([1, 0.75, 0.5, 0.25, 0]);
  });
});
