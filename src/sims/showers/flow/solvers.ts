// ODE solvers for sampling the flow from the noise (t = 1) to the data (t = 0): explicit
// Runge–Kutta schemes as Butcher tableaux, so the GPU sampler and the float64 reference below
// step the same way. AllShowers samples with midpoint and 16 steps.

export const SOLVERS = ['euler', 'midpoint', 'heun'] as const;
export type SolverName = (typeof SOLVERS)[number];

/** An explicit Runge–Kutta scheme: stage i evaluates at t + c[i]·h from y + h Σ_j a[i][j] k_j; y += h Σ b[i] k_i. */
export interface Tableau {
  name: SolverName;
  c: readonly number[];
  a: readonly (readonly number[])[];
  b: readonly number[];
  /** Global order of accuracy. */
  order: number;
}

export const TABLEAUX: Readonly<Record<SolverName, Tableau>> = {
  euler: { name: 'euler', c: [0], a: [[]], b: [1], order: 1 },
  midpoint: { name: 'midpoint', c: [0, 0.5], a: [[], [0.5]], b: [0, 1], order: 2 },
  heun: { name: 'heun', c: [0, 1], a: [[], [1]], b: [0.5, 0.5], order: 2 },
};

/** Network evaluations of a run: steps × stages. */
export function functionEvaluations(solver: SolverName, steps: number): number {
  return steps * TABLEAUX[solver].b.length;
}

/** The times of a run from t = 1 to t = 0 in `steps` equal steps (h = −1/steps). */
export function timeGrid(steps: number): number[] {
  return Array.from({ length: steps + 1 }, (_, k) => 1 - k / steps);
}

/** dy/dt = f(t, y) for a whole state vector (float64): an analytic field, a reference network, or one read from the GPU. */
export type VelocityField = (t: number, y: Float64Array) => Float64Array | Promise<Float64Array>;

/** Sees the state at each time of the grid, from t = 1 (the noise) to t = 0 (a sampler's trajectory). */
export type StepObserver = (t: number, y: Float64Array) => void;

/** Integrates y from t = 1 to t = 0 with the tableau (float64 arithmetic; stages evaluated in order). */
export async function integrate(solver: SolverName, steps: number, y1: Float64Array, f: VelocityField, observe?: StepObserver): Promise<Float64Array> {
  const { c, a, b } = TABLEAUX[solver];
  const h = -1 / steps;
  let y = Float64Array.from(y1);
  const grid = timeGrid(steps);
  observe?.(1, y);
  for (let s = 0; s < steps; s++) {
    const t = grid[s]!;
    const k: Float64Array[] = [];
    for (let i = 0; i < c.length; i++) {
      const stage = Float64Array.from(y);
      a[i]!.forEach((aij, j) => {
        for (let n = 0; n < stage.length; n++) stage[n] = stage[n]! + h * aij * k[j]![n]!;
      });
      k.push(await f(t + c[i]! * h, stage));
    }
    const next = Float64Array.from(y);
    b.forEach((bi, i) => {
      for (let n = 0; n < next.length; n++) next[n] = next[n]! + h * bi * k[i]![n]!;
    });
    y = next;
    observe?.(grid[s + 1]!, y);
  }
  return y;
}
