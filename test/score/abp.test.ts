// The ABP path of the score network: the learned EPR of free ABP (science.md §2: v0²/Dt per
// particle), and the local EPR −∂_θ s_θ (computed by an input-gradient pass and the chain rule
// ∂_θ = −sin θ ∂_cos + cos θ ∂_sin) against central differences of s_θ in θ.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeContext } from '../../src/gpu/node';
import type { GpuContext } from '../../src/gpu/context';
import { MipsSimulation } from '../../src/sims/mips/simulation';
import { SCORE_TINY } from '../../src/sims/mips/score/config';
import { ScoreModel } from '../../src/sims/mips/score/model';
import { mipsParams, randomState, writeState } from '../mips/helpers';
import { mean, trainedModel } from './helpers';

let ctx: GpuContext;
beforeAll(async () => {
  ctx = await createNodeContext();
});
afterAll(() => ctx.device.destroy());

describe('score network: ABP', () => {
  it('free ABP, Dt > 0: EPR → v0²/Dt per particle, s_θ → 0, s_x → 0', async () => {
    // v0 = 1, Dt = 1, Dr = 1: EPR = 1. |n(θ)| = 1, so the exact-score EPR is 1 on every snapshot
    // (no sampling noise): the error is the network's, Dr E[s_θ²] + E|s_x|² − 2 E[n · s_x] / Dt.
    const settings = { neighbors: 1, width: 16, depth: 0, batch: 64, lr: 3e-3, emaDecay: 0.98 };
    const values = { model: 'abp', force: 'none', n: 512, phi: 0.05, v0: 1, Dr: 1, Dt: 1, A: 0, dt: 0.01, seed: 3 };
    const { sim, model } = await trainedModel(ctx, values, settings, 100, 300);
    const learned: number[] = [];
    let sTheta2 = 0, sx2 = 0;
    const R = 3;
    for (let r = 0; r < R; r++) {
      sim.step(100);
      learned.push((await model.evaluate()).eprLearned);
      const s = await model.readScores(); // [s_θ, s_xx, s_xy] per particle
      for (let i = 0; i < 512; i++) {
        sTheta2 += s[3 * i]! ** 2;
        sx2 += s[3 * i + 1]! ** 2 + s[3 * i + 2]! ** 2;
      }
    }
    const rmsTheta = Math.sqrt(sTheta2 / (R * 512));
    const rmsSx = Math.sqrt(sx2 / (R * 512));
    console.log(`free ABP: learned EPR ${learned.map((v) => v.toFixed(3)).join(' ')} (analytic 1), rms s_θ ${rmsTheta.toFixed(3)}, rms |s_x| ${rmsSx.toFixed(3)}`);
    // DSM at σ = 0.05 leaves rms score errors ≈ 0.1 after 300 steps (AOUP case: 0.12): their
    // squares add ≈ 0.01-0.03 and the cross term averages out. An untrained net (s ≈ 0 ± 0.5)
    // misses by > 0.2; one that ignores θ entirely still gives 1, hence the score checks too.
    expect(Math.abs(mean(learned) - 1)).toBeLessThan(0.1);
    expect(rmsTheta).toBeLessThan(0.2);
    expect(rmsSx).toBeLessThan(0.2);
    sim.attach(undefined);
    model.destroy();
    sim.dispose();
  });

  it('local EPR −∂_θ s_θ matches central differences of s_θ in θ', async () => {
    // Depth 0: s_i depends on particle i's own inputs only, so moving every θ by ±h at once
    // gives each particle's own derivative. Untrained (random) weights: a generic function.
    const p = mipsParams({ model: 'abp', force: 'softdisk', n: 64, phi: 0.3, v0: 1, Dr: 1, Dt: 0, seed: 4 });
    const sim = new MipsSimulation(ctx, p);
    const model = new ScoreModel(sim, { ...SCORE_TINY, depth: 0, neighbors: 2, width: 16 });
    sim.attach(model);
    const st = randomState(p, 2.2, 6);
    const h = 1e-2;
    const sAt = async (shift: number) => {
      await writeState(sim, { ...st, propulsion: st.propulsion.map((q, i) => (i % 2 === 0 ? q + shift : q)) }, 0);
      await model.evaluate();
      return model.readScores(); // [s_θ] per particle
    };
    const plus = await sAt(h);
    const minus = await sAt(-h);
    await sAt(0);
    const { localEpr } = await model.readFields();
    let worst = 0, scale = 0;
    for (let i = 0; i < 64; i++) {
      const fd = -(plus[i]! - minus[i]!) / (2 * h);
      worst = Math.max(worst, Math.abs(localEpr[i]! - fd));
      scale = Math.max(scale, Math.abs(fd));
    }
    console.log(`ABP local EPR vs central differences: worst |exact − FD| ${worst.toExponential(2)} (max |∂_θ s_θ| ${scale.toFixed(3)})`);
    // FD error: truncation h² |s'''|/6 ≲ 1e-5, f32 rounding ε |s| / h ≲ 1e-5, and SwiftShader's
    // cos/sin error of the θ inputs (≈ 1e-5-1e-4, gather test) divided by 2h: ≲ 1e-3 in all.
    expect(scale).toBeGreaterThan(1e-2); // a generic network: the check is not vacuous
    expect(worst).toBeLessThan(1e-3 + 1e-2 * scale);
    sim.attach(undefined);
    model.destroy();
    sim.dispose();
  });
});
