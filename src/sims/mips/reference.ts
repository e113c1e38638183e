// Float64 CPU reference of one mips step and of the pair forces, replaying the GPU's noise
// (src/gpu/rng.ts mirrors gpu/shaders/rng.wgsl). All arrays are in particle-id order, 2 numbers per particle.
import { normal4 } from '../../gpu/rng';
import { geometry, type MipsParams } from './params';

export interface RefState {
  positions: Float64Array;
  /** g (AOUP) or (θ, 0) (ABP). */
  propulsion: Float64Array;
  displacement: Float64Array;
}

/** f(r) (> 0 repulsive) and f'(r) for the selected pair force. */
export function pairForce(p: MipsParams, r: number): { f: number; df: number } {
  if (p.force === 'softdisk') {
    const b = p.b;
    const z = 2 - r;
    return { f: Math.max(z, 0) + Math.log1p(Math.exp(-b * Math.abs(z))) / b, df: -1 / (1 + Math.exp(-b * z)) };
  }
  if (p.force === 'wca') {
    const s6 = (p.sigma / r) ** 6;
    const e24 = 24 * p.epsilon;
    return { f: (e24 * s6 * (2 * s6 - 1)) / r, df: (-e24 * s6 * (26 * s6 - 7)) / (r * r) };
  }
  return { f: 0, df: 0 };
}

/** Pair potential U(r) with f = −U' (WCA, shifted to 0 at the cutoff; the soft disks' has no closed form). */
export function pairPotential(p: MipsParams, r: number): number {
  if (p.force === 'none') return 0;
  if (p.force !== 'wca') throw new Error(`pairPotential: no closed form for force=${String(p.force)}`);
  const s6 = (p.sigma / r) ** 6;
  return r < geometry(p).rc ? 4 * p.epsilon * (s6 * s6 - s6) + p.epsilon : 0;
}

/** Calls `visit(i, j, dx, dy)` for every pair i < j with its minimum-image separation x_i − x_j (all pairs). */
export function forEachPair(L: number, x: Float64Array, visit: (i: number, j: number, dx: number, dy: number) => void): void {
  const n = x.length / 2;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const dx = x[2 * i]! - x[2 * j]!;
      const dy = x[2 * i + 1]! - x[2 * j + 1]!;
      visit(i, j, dx - L * Math.round(dx / L), dy - L * Math.round(dy / L));
    }
  }
}

/**
 * Pair forces F_i = Σ_j f(r_ij) x̂_ij and divergences Σ_j [f(r)/r + f'(r)] (2-D), minimum image,
 * all pairs. `cutoff: false` sums soft disks over every pair (the paper's definition).
 */
export function pairForces(p: MipsParams, x: Float64Array, opts: { cutoff: boolean } = { cutoff: true }) {
  const { boxL: L, rc } = geometry(p);
  const n = x.length / 2;
  const force = new Float64Array(2 * n);
  const div = new Float64Array(n);
  if (p.force === 'none') return { force, div };
  const cut2 = opts.cutoff || p.force === 'wca' ? rc * rc : Infinity;
  forEachPair(L, x, (i, j, dx, dy) => {
    const r2 = dx * dx + dy * dy;
    if (r2 >= cut2) return;
    const r = Math.sqrt(r2);
    const { f, df } = pairForce(p, r);
    force[2 * i] = force[2 * i]! + (f * dx) / r;
    force[2 * i + 1] = force[2 * i + 1]! + (f * dy) / r;
    force[2 * j] = force[2 * j]! - (f * dx) / r;
    force[2 * j + 1] = force[2 * j + 1]! - (f * dy) / r;
    div[i] = div[i]! + f / r + df;
    div[j] = div[j]! + f / r + df;
  });
  return { force, div };
}

/** Total pair potential energy Σ_{i<j} U(r_ij), minimum image, all pairs. */
export function potentialEnergy(p: MipsParams, x: Float64Array): number {
  let u = 0;
  forEachPair(geometry(p).boxL, x, (_i, _j, dx, dy) => (u += pairPotential(p, Math.hypot(dx, dy))));
  return u;
}

/**
 * Configurational temperature of the pair potential, T_conf = Σ|∇_i U|² / Σ ∇_i²U, with
 * ∇_i U = −F_i and ∇_i²U = −Σ_j [f/r + f']: equals kT = Dt/k for exact samples of a passive system.
 */
export function configurationalTemperature(p: MipsParams, x: Float64Array): { gradSquared: number; laplacian: number; tConf: number } {
  const { force, div } = pairForces(p, x);
  const gradSquared = force.reduce((a, f) => a + f * f, 0);
  const laplacian = -div.reduce((a, d) => a + d, 0);
  return { gradSquared, laplacian, tConf: gradSquared / laplacian };
}

/**
 * Per-particle score-free EPR (science.md §2, from E[div v] = 0 in steady state): −div_x b_x
 * with Dt = 0, |b_x|²/Dt + div_x b_x with Dt > 0, where b_x = v0 e(p) + k F − A (x − c) and
 * div_x b_x = k Σ_j [f(r)/r + f'(r)] − d A. (The propulsion part cancels: γE|g|² = dγ.)
 */
export function localEpr(p: MipsParams, s: Pick<RefState, 'positions' | 'propulsion'>): Float64Array {
  const { force, div } = pairForces(p, s.positions);
  const [k, A, Dt, v0] = [p.k, p.A, p.Dt, p.v0];
  const c = geometry(p).boxL / 2;
  const q = s.propulsion;
  return div.map((d, i) => {
    const divB = k * d - 2 * A;
    if (!(Dt > 0)) return -divB;
    const e = p.model === 'abp' ? [Math.cos(q[2 * i]!), Math.sin(q[2 * i]!)] : [q[2 * i]!, q[2 * i + 1]!];
    const bx = v0 * e[0]! + k * force[2 * i]! - A * (s.positions[2 * i]! - c);
    const by = v0 * e[1]! + k * force[2 * i + 1]! - A * (s.positions[2 * i + 1]! - c);
    return (bx * bx + by * by) / Dt + divB;
  });
}

function wrap(v: number, L: number): number {
  const w = v - L * Math.floor(v / L);
  return w >= L ? 0 : w;
}

/** One step of the splitting scheme of sims/mips/shaders/half-flow.wgsl / sims/mips/shaders/force-step.wgsl (scheme em or lm), in float64. */
export function referenceStep(p: MipsParams, s0: RefState, step: number): RefState {
  const { boxL: L } = geometry(p);
  const n = s0.positions.length / 2;
  const dt = p.dt;
  const strang = p.splitting === 'strang';
  const lm = p.scheme === 'lm';
  const abp = p.model === 'abp';
  const { v0, gamma, Dr, Dt, k, A, seed } = p;
  const x = Float64Array.from(s0.positions);
  const q = Float64Array.from(s0.propulsion);
  const disp = Float64Array.from(s0.displacement);
  const heading = (i: number): [number, number] => (abp ? [Math.cos(q[2 * i]!), Math.sin(q[2 * i]!)] : [q[2 * i]!, q[2 * i + 1]!]);
  const orient = (i: number, h: number, xi: number[]) => {
    if (abp) {
      const th = q[2 * i]! + Math.sqrt(2 * Dr! * h) * xi[0]!;
      q[2 * i] = th - 2 * Math.PI * Math.floor((th + Math.PI) / (2 * Math.PI));
    } else {
      const e = Math.exp(-gamma! * h);
      const kick = Math.sqrt(-Math.expm1(-2 * gamma! * h));
      q[2 * i] = e * q[2 * i]! + kick * xi[0]!;
      q[2 * i + 1] = e * q[2 * i + 1]! + kick * xi[1]!;
    }
  };
  const move = (i: number, dx: number, dy: number) => {
    x[2 * i] = x[2 * i]! + dx;
    x[2 * i + 1] = x[2 * i + 1]! + dy;
    disp[2 * i] = disp[2 * i]! + dx;
    disp[2 * i + 1] = disp[2 * i + 1]! + dy;
  };
  const wrapAll = () => x.forEach((v, j) => (x[j] = wrap(v, L)));

  if (strang) {
    for (let i = 0; i < n; i++) {
      const xi = normal4(i, step, seed!, 1);
      const [hx, hy] = heading(i);
      move(i, (v0! * dt) / 2 * hx, (v0! * dt) / 2 * hy);
      orient(i, dt / 2, xi);
      move(i, Math.sqrt(Dt! * dt) * xi[2], Math.sqrt(Dt! * dt) * xi[3]);
    }
    wrapAll();
  }
  const { force } = pairForces(p, x);
  const c = L / 2;
  for (let i = 0; i < n; i++) {
    move(i, dt * (k! * force[2 * i]! - A! * (x[2 * i]! - c)), dt * (k! * force[2 * i + 1]! - A! * (x[2 * i + 1]! - c)));
    if (!strang) {
      const xi = normal4(i, step, seed!, 0);
      // Leimkuhler–Matthews: the thermal kick averages this step's normals with the next step's.
      const next = lm ? normal4(i, step + 1, seed!, 0) : xi;
      const [hx, hy] = heading(i);
      move(i, v0! * dt * hx, v0! * dt * hy);
      orient(i, dt, xi);
      const kick = Math.sqrt(2 * Dt! * dt) / 2;
      move(i, kick * (xi[2] + next[2]), kick * (xi[3] + next[3]));
    } else {
      const xi = normal4(i, step, seed!, 2);
      move(i, Math.sqrt(Dt! * dt) * xi[2], Math.sqrt(Dt! * dt) * xi[3]);
      orient(i, dt / 2, xi);
      const [hx, hy] = heading(i);
      move(i, (v0! * dt) / 2 * hx, (v0! * dt) / 2 * hy);
    }
  }
  wrapAll();
  return { positions: x, propulsion: q, displacement: disp };
}
