// Interacting AOUP soft disks: the learned EPR against the score-free EPR, an independent
// estimate from the simulation alone (science.md §2). In steady state E[div v] = 0 gives
// EPR = E[b · D⁻¹ b] + E[div b] over the noisy coordinates; the g part cancels (γ E|g|² − dγ),
// leaving E|b_x|²/Dt + E[div_x b_x] for Dt > 0 and −E[div_x b_x] for Dt = 0. The sim reports
// it as eprScoreFree; here it is also computed in float64 from exported snapshots
// (reference.localEpr).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeContext } from '../../src/gpu/node';
import type { GpuContext } from '../../src/gpu/context';
import { localEpr } from '../../src/sims/mips/reference';
import type { MipsSimulation } from '../../src/sims/mips/simulation';
import { mean, positions, propulsion, trainedModel } from './helpers';

let ctx: GpuContext;
beforeAll(async () => {
  ctx = await createNodeContext();
});
afterAll(() => ctx.device.destroy());

const SETTINGS = { neighbors: 4, width: 16, depth: 1, heads: 2, batch: 64, lr: 3e-3, emaDecay: 0.98, forceInput: 1 };

/**
 * Score-free EPR per particle of the current state (float64 reference), and its
 * interaction-blind part E|b_x|²/Dt = free + (−E[div_x b_x]) (0 at Dt = 0).
 */
async function scoreFree(sim: MipsSimulation): Promise<{ free: number; blind: number }> {
  const st = { positions: await positions(sim), propulsion: await propulsion(sim) };
  const free = mean(localEpr(sim.params, st));
  return (sim.params.Dt as number) > 0 ? { free, blind: free + mean(localEpr({ ...sim.params, Dt: 0 }, st)) } : { free, blind: 0 };
}

const sd = (a: number[]) => Math.sqrt(a.reduce((s, v) => s + (v - mean(a)) ** 2, 0) / (a.length - 1));

describe('score network: interacting system', () => {
  it('Dt > 0: learned EPR agrees with the score-free EPR (N = 256 soft disks, φ = 0.5)', async () => {
    const values = { model: 'aoup', force: 'softdisk', n: 256, phi: 0.5, v0: 1, gamma: 1, Dt: 0.5, A: 0, k: 1, b: 7.5, dt: 0.01, seed: 5 };
    const { sim, model } = await trainedModel(ctx, values, SETTINGS, 1000, 300);
    const diff: number[] = [];
    const learned: number[] = [];
    const free: number[] = [];
    const blind: number[] = [];
    for (let r = 0; r < 12; r++) {
      sim.step(100); // t = 1 = 1/γ apart
      const s = await sim.sample(); // the attached model adds eprLearned
      const f = await scoreFree(sim);
      expect(Math.abs(s.scalars.eprScoreFree! - f.free)).toBeLessThan(1e-3 * f.free); // GPU f32 vs float64
      learned.push(s.scalars.eprLearned!);
      free.push(f.free);
      blind.push(f.blind);
      diff.push(s.scalars.eprLearned! - f.free);
    }
    const se = sd(diff) / Math.sqrt(diff.length);
    console.log(
      `learned ${mean(learned).toFixed(3)} vs score-free ${mean(free).toFixed(3)} (paired difference ${mean(diff).toFixed(3)} ± ${se.toFixed(3)}); ` +
        `interaction-blind score (s_g = −g, s_x = 0) would give ${mean(blind).toFixed(3)}`,
    );
    // Both estimators are unbiased in steady state; per snapshot they differ by sampling noise
    // (different functions of 128 particles), measured here by the spread of the paired
    // differences: 3 standard errors. Plus 0.1 (2.5 %) for the network's own error after 300
    // DSM steps at σ = 0.05 (free-particle cases: 0.01-0.05).
    const tolerance = 3 * se + 0.1;
    expect(Math.abs(mean(diff))).toBeLessThan(tolerance);
    // Not vacuous: a score blind to the interactions is off by more than twice the tolerance.
    expect(Math.abs(mean(blind) - mean(free))).toBeGreaterThan(2 * tolerance);
    sim.attach(undefined);
    model.destroy();
    sim.dispose();
  });

  // At Dt = 0 the law of g given the configuration is sharp (positions record the propulsion
  // history), and the interaction part of the score needs long training of a wide network
  // (paper: width 256, 64 neighbours, hours on a GPU). SwiftShader-scale training learns a
  // substantial part of it: measured 0.40 learned vs 0.80 score-free after 200 steps with the
  // force input (0.27 without; 0.56 vs 1.03 after 1000 steps). So this asserts bounds, not
  // agreement: above 25 % of the score-free value (an s_g = −g network, blind to interactions,
  // gives 0) and below it plus the snapshot spread (an untrained network, s ≈ 0, gives ≈ 2).
  it('Dt = 0: learned EPR between 25 % of the score-free EPR and the score-free EPR', async () => {
    const values = { model: 'aoup', force: 'softdisk', n: 128, phi: 0.4, v0: 1, gamma: 1, Dt: 0, A: 0, k: 1, b: 7.5, dt: 0.01, seed: 5 };
    const { sim, model } = await trainedModel(ctx, values, SETTINGS, 1000, 200);
    const learned: number[] = [];
    const free: number[] = [];
    for (let r = 0; r < 4; r++) {
      sim.step(50);
      const s = await sim.sample();
      learned.push(s.scalars.eprLearned!);
      free.push(s.scalars.eprScoreFree!);
      expect(Math.abs(s.scalars.eprScoreFree! - (await scoreFree(sim)).free)).toBeLessThan(1e-3); // GPU vs float64
    }
    const spread = Math.max(...free) - Math.min(...free);
    console.log(`Dt = 0: learned EPR ${mean(learned).toFixed(3)}, score-free ${mean(free).toFixed(3)} (snapshot spread ${spread.toFixed(3)})`);
    expect(mean(learned)).toBeGreaterThan(0.25 * mean(free));
    expect(mean(learned)).toBeLessThan(mean(free) + spread);
    sim.attach(undefined);
    model.destroy();
    sim.dispose();
  });
});
