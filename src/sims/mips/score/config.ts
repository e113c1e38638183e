// Score-network settings and the architecture they imply for a given mips configuration.
// Token inputs: [p_j (2: g_j, or cos/sin θ_j), x_j − x_i (2), (x_j − c)(2, only with a trap),
// (k F_i / v0)(2, with interactions and forceInput: token 0's pair force, zero on the others)].
// Outputs: the score of particle i's noisy coordinates [s_p (2 for AOUP g, 1 for ABP θ), s_x (2, when Dt > 0)].
import type { LocalTransformerConfig } from '../../../nn/local-transformer';
import type { Params } from '../../params';

export interface ScoreSettings {
  /** Nearest neighbours per particle (tokens = neighbors + 1; `k` is the force strength). */
  neighbors: number;
  width: number;
  depth: number;
  heads: number;
  /** DSM noise scale (antithetic pairs y ± σζ). */
  sigma: number;
  lr: number;
  /** Particles per training step (2 × batch network sets: the antithetic pairs). */
  batch: number;
  /** Sim steps between training chunks (online training). */
  simStepsPerChunk: number;
  /** Training steps per chunk (same snapshot, new random batch and noise each step). */
  trainStepsPerChunk: number;
  /** EMA decay of the weights per step; evaluation uses the EMA. */
  emaDecay: number;
  seed: number;
  /**
   * 1: token 0 also carries particle i's pair force, scaled k F_i / v0 (with interactions). A
   * function of the same configuration, so the score is no richer, but the network need not
   * learn the sharp softplus/WCA profile from raw offsets to see the force balance v0 g_i ≈ −k F_i.
   */
  forceInput: number;
}

/** Defaults: a few minutes on a laptop GPU for boffi-mips. */
export const SCORE_DEFAULTS: ScoreSettings = {
  neighbors: 16, width: 32, depth: 2, heads: 4, sigma: 0.05, lr: 1e-3, batch: 512,
  simStepsPerChunk: 20, trainStepsPerChunk: 4, emaDecay: 0.995, seed: 1, forceInput: 1,
};

/** Tiny settings for tests on SwiftShader. */
export const SCORE_TINY: ScoreSettings = {
  neighbors: 2, width: 16, depth: 1, heads: 2, sigma: 0.05, lr: 3e-3, batch: 256,
  simStepsPerChunk: 5, trainStepsPerChunk: 4, emaDecay: 0.9, seed: 1, forceInput: 1,
};

/** Largest `neighbors` (private arrays in score-gather.wgsl). */
export const MAX_NEIGHBORS = 32;

/** What a mips configuration needs from the network. Weights only run on a matching architecture. */
export interface ScoreArch {
  model: 'aoup' | 'abp';
  /** Dt > 0: positions carry noise, the network also outputs s_x. */
  noisyX: boolean;
  /** A > 0: absolute positions (from the trap centre) are inputs. */
  trap: boolean;
  /** Pair forces act (force ≠ none): the pair force can be an input (settings.forceInput). */
  pairForce: boolean;
}

export function scoreArch(p: Params): ScoreArch {
  return { model: p.model === 'abp' ? 'abp' : 'aoup', noisyX: (p.Dt as number) > 0, trap: (p.A as number) > 0, pairForce: p.force !== 'none' };
}

/** Files written before `pairForce` existed lack it: read it as false. */
export function sameArch(a: ScoreArch, b: ScoreArch): boolean {
  return a.model === b.model && a.noisyX === b.noisyX && a.trap === b.trap && !!a.pairForce === !!b.pairForce;
}

export function describeArch(a: ScoreArch): string {
  return `${a.model.toUpperCase()}${a.noisyX ? ', Dt > 0 (s_x)' : ', Dt = 0'}${a.trap ? ', trap (absolute positions)' : ''}` +
    `${a.pairForce ? ', interacting' : ', no interactions'}`;
}

/** Noisy propulsion coordinates: g (2) for AOUP, θ (1) for ABP. */
export const propulsionDims = (a: ScoreArch): number => (a.model === 'abp' ? 1 : 2);

export function outputsOf(a: ScoreArch): number {
  return propulsionDims(a) + (a.noisyX ? 2 : 0);
}

/** Channels of a token and where the optional ones start (0: absent). */
export function channelsOf(a: ScoreArch, s: Pick<ScoreSettings, 'forceInput'>): { inputs: number; absChannel: number; forceChannel: number } {
  const absChannel = a.trap ? 4 : 0;
  const forceChannel = a.pairForce && s.forceInput === 1 ? (a.trap ? 6 : 4) : 0;
  return { inputs: 4 + (absChannel ? 2 : 0) + (forceChannel ? 2 : 0), absChannel, forceChannel };
}

export function checkSettings(s: ScoreSettings): void {
  const int = (name: keyof ScoreSettings, lo: number, hi: number) => {
    const v = s[name];
    if (!Number.isInteger(v) || v < lo || v > hi) throw new Error(`score ${name} must be an integer in [${lo}, ${hi}]; got ${v}`);
  };
  int('neighbors', 0, MAX_NEIGHBORS);
  int('width', 2, 512);
  int('depth', 0, 16);
  int('heads', 1, 64);
  int('batch', 1, 1 << 20);
  int('simStepsPerChunk', 0, 1e6);
  int('trainStepsPerChunk', 1, 1e4);
  int('forceInput', 0, 1);
  if (s.width % 2 !== 0 || s.width % s.heads !== 0 || s.width / s.heads > 64) {
    throw new Error(`score width ${s.width} must be even and divisible by heads ${s.heads} into ≤ 64 channels`);
  }
  if (!(s.sigma > 0 && s.sigma < 10)) throw new Error(`score sigma must be in (0, 10); got ${s.sigma}`);
  if (!(s.emaDecay >= 0 && s.emaDecay < 1)) throw new Error(`score emaDecay must be in [0, 1); got ${s.emaDecay}`);
  if (!(s.lr > 0 && s.lr < 1)) throw new Error(`score lr must be in (0, 1); got ${s.lr}`);
}

/** The LocalTransformer of these settings: p embedded by one MLP, [offset (, absolute)] by another. */
export function networkConfig(s: ScoreSettings, a: ScoreArch): LocalTransformerConfig {
  checkSettings(s);
  const { inputs } = channelsOf(a, s);
  return {
    tokens: s.neighbors + 1, inputs, embed: [[0, 2], [2, inputs - 2]], embedHidden: s.width,
    width: s.width, depth: s.depth, heads: s.heads, mlp: 2 * s.width, headHidden: s.width, outputs: outputsOf(a),
  };
}

/** Parses `score.key=value` overrides (CLI --set) onto settings. */
export function withScoreText(base: ScoreSettings, overrides: Record<string, string>): ScoreSettings {
  const out = { ...base };
  for (const [key, text] of Object.entries(overrides)) {
    if (!(key in out)) throw new Error(`unknown score setting "${key}"; use ${Object.keys(out).join('|')}`);
    const v = Number(text);
    if (!Number.isFinite(v)) throw new Error(`score.${key} must be a number; got "${text}"`);
    (out as Record<string, number>)[key] = v;
  }
  checkSettings(out);
  return out;
}
