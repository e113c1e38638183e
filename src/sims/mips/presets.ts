// Presets of the active-matter system (fixed seeds).
import type { Preset } from '../types';

export const presets: readonly Preset[] = [
  {
    name: 'abp-mips',
    description:
      'Classic WCA active Brownian particles that phase-separate (MIPS) within a few thousand steps: ' +
      'N = 4096, φ = 0.7, σ = 1, ε = v0 σ / 24 (the WCA force at contact equals the propulsion force, so ' +
      'overlaps stay below 0.2 σ: at r = 0.8 σ the force is 30 times the propulsion), Pe = v0 / (σ Dr) = 200 (v0 = 1, Dr = 0.005), athermal (Dt = 0), dt = 0.004 ' +
      '(v0 dt = 0.004 σ per step; explicit Euler on the stiff WCA core blows up near v0 dt ≈ 0.01). ' +
      'The largest cluster reaches about a third of the particles by step 3000. Verlet skin 0.3 σ (rebuilt every ~25 steps).',
    values: { model: 'abp', force: 'wca', n: 4096, phi: 0.7, v0: 1, Dr: 0.005, Dt: 0, sigma: 1, epsilon: 1 / 24, k: 1, dt: 0.004, A: 0, splitting: 'lie', colorBy: 'density', seed: 7, skin: 0.3 },
  },
  {
    name: 'boffi-mips',
    description:
      'The paper’s AOUP soft disks (Boffi & Vanden-Eijnden 2023): N = 4096, φ = 0.5, v0 = 0.025, γ = 1e-4, dt = 0.1, ' +
      'b = 7.5, k = 1, Dt = 0. Persistence 1/γ = 1e4: the steady state takes 1e5–1e6 steps. Verlet skin 1 r0 (the soft-disk ' +
      'cutoff 3.84 r0 already holds most neighbours; the wide skin makes rebuilds rare).',
    values: { model: 'aoup', force: 'softdisk', n: 4096, phi: 0.5, v0: 0.025, gamma: 1e-4, dt: 0.1, b: 7.5, k: 1, A: 0, Dt: 0, splitting: 'lie', colorBy: 'orientation', seed: 2023, skin: 1 },
  },
  {
    name: 'dilute-gas',
    description: 'A dilute active gas (φ = 0.05, WCA ABP, Pe = 1): no clustering, MSD crosses from ballistic to diffusive at t ≈ 1/Dr. Verlet skin 0.6 σ.',
    values: { model: 'abp', force: 'wca', n: 4096, phi: 0.05, v0: 1, Dr: 1, Dt: 0.01, sigma: 1, epsilon: 1 / 24, dt: 0.01, A: 0, splitting: 'lie', colorBy: 'orientation', seed: 11, skin: 0.6 },
  },
  {
    name: 'passive-wca',
    description:
      'Passive Brownian WCA disks (v0 = 0, Dt = 1 = kT, ε = kT, φ = 0.5): no activity, EPR fluctuates around 0 in steady state. ' +
      'dt = 1e-4 keeps the explicit step stable: a pair’s update is unstable only where k U″(r) dt > 1, here r < 0.815 σ, ' +
      'where U ≈ 34 kT (Boltzmann weight 2e-15 per pair and step; at the old dt = 5e-4 it was r < 0.91 σ, U ≈ 6 kT, and the fluid ' +
      'blew up within a few thousand steps). Leimkuhler–Matthews noise (scheme = lm) makes the configurational bias second order: ' +
      'at this dt T_conf/kT = 0.994 ± 0.007 and the score-free EPR −1 ± 2 per particle, where Euler–Maruyama reads 1.048 and +14 ' +
      'at the same cost (N = 1024; table in src/sims/mips/README.md). ' +
      'Verlet skin 1 σ: thermal kicks move some particle ~0.05 σ every step, so a thin skin would rebuild every step.',
    values: { model: 'abp', force: 'wca', n: 4096, phi: 0.5, v0: 0, Dr: 1, Dt: 1, sigma: 1, epsilon: 1, dt: 1e-4, A: 0, splitting: 'lie', scheme: 'lm', colorBy: 'density', seed: 3, skin: 1 },
  },
  {
    name: 'trapped-aoup',
    description:
      'Free AOUP particles in a harmonic trap (A = 1, Dt = 0, no pair force): the score-free EPR is exactly A d = 2 per particle, ' +
      'independent of v0 (science.md check).',
    values: { model: 'aoup', force: 'none', n: 1024, phi: 0.05, v0: 1, gamma: 1, Dt: 0, A: 1, dt: 0.01, splitting: 'lie', colorBy: 'orientation', seed: 5, skin: 0.3 },
  },
];
