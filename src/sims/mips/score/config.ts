// Score-network settings and the architecture they imply for a given mips configuration.
// Token inputs: [p_j (2: g_j, or cos/sin θ_j), x_j − x_i (2), (x_j − c)(2, only with a trap),
// (k F_i / v0)(2, with interactions and forceInput: token 0's pair force, zero on the others)].
// Outputs: the score of particle i's noisy coordinates [s_p (2 for AOUP g, 1 for ABP θ), s_x (2, when Dt > 0)].
import type { LocalTransformerConfig } from '../../../nn/local-transformer';
import { MAX_HEAD_DIM } from '../../../nn/ops';
import { defineSchema, prefixedSettings, widthHeadsCheck, withText, type Params } from '../../params';
import type { MipsParams } from '../params';

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

/**
 * Defaults: a few minutes on a laptop GPU for boffi-mips. lr 3e-3 with EMA 0.98: at lr 1e-3 and
 * EMA 0.995 the EMA still carries the initial weights after a few hundred steps (0.995^400 = 0.13),
 * and trapped AOUP (exact EPR 1) read 0.41 after 400 steps (README, Measured).
 */
export const SCORE_DEFAULTS: ScoreSettings = {
  neighbors: 16, width: 32, depth: 2, heads: 4, sigma: 0.05, lr: 3e-3, batch: 512,
  simStepsPerChunk: 20, trainStepsPerChunk: 4, emaDecay: 0.98, seed: 1, forceInput: 1,
};

/** Tiny settings for tests on SwiftShader. */
export const SCORE_TINY: ScoreSettings = {
  neighbors: 2, width: 16, depth: 1, heads: 2, sigma: 0.05, lr: 3e-3, batch: 256,
  simStepsPerChunk: 5, trainStepsPerChunk: 4, emaDecay: 0.9, seed: 1, forceInput: 1,
};

/** Largest `neighbors` (private arrays in sims/mips/score/shaders/gather.wgsl). */
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

export function scoreArch(p: MipsParams): ScoreArch {
  return { model: p.model, noisyX: p.Dt > 0, trap: p.A > 0, pairForce: p.force !== 'none' };
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

/** Prefix of the score settings among a run's parameters (CLI `--set score.KEY=V`, messages). */
export const SCORE_PREFIX = 'score.';

const D = SCORE_DEFAULTS;
/**
 * The score settings as a parameter schema, named with the `score.` prefix so every message names
 * the field as it is set. The CLI, weights files and the Score panel all validate through it.
 */
export const SCORE_SCHEMA = defineSchema([
    { kind: 'number', name: 'score.neighbors', label: 'neighbours', unit: 'particles', default: D.neighbors, min: 0, max: MAX_NEIGHBORS, integer: true,
      description: 'Nearest neighbours per particle (tokens = neighbours + 1); private arrays in sims/mips/score/shaders/gather.wgsl cap it.' },
    { kind: 'number', name: 'score.width', label: 'width', unit: 'channels', default: D.width, min: 2, max: 512, integer: true,
      description: 'Channels per token; even (two embeddings) and divisible by heads into at most 64 channels per head.' },
    { kind: 'number', name: 'score.depth', label: 'depth', unit: 'blocks', default: D.depth, min: 0, max: 16, integer: true,
      description: 'Attention blocks; 0 sees only the particle\'s own token and the embeddings.' },
    { kind: 'number', name: 'score.heads', label: 'heads', unit: '', default: D.heads, min: 1, max: 64, integer: true,
      description: 'Attention heads per block.' },
    { kind: 'number', name: 'score.sigma', label: 'σ (DSM)', unit: 'coordinate units', default: D.sigma, min: 0, max: 10, minExclusive: true, maxExclusive: true, log: true,
      description: 'Noise scale of denoising score matching (antithetic pairs y ± σζ); smaller resolves sharper scores but is noisier.' },
    { kind: 'number', name: 'score.lr', label: 'learning rate', unit: '', default: D.lr, min: 0, max: 1, minExclusive: true, maxExclusive: true, log: true,
      description: 'AdamW learning rate (global gradient clipping at 1).' },
    { kind: 'number', name: 'score.batch', label: 'batch', unit: 'particles', default: D.batch, min: 1, max: 1 << 20, integer: true, log: true,
      description: 'Particles per training step (2 × batch network sets: the antithetic pairs).' },
    { kind: 'number', name: 'score.simStepsPerChunk', label: 'sim steps / chunk', unit: 'steps', default: D.simStepsPerChunk, min: 0, max: 1e6, integer: true,
      description: 'Sim steps between training chunks (online training).' },
    { kind: 'number', name: 'score.trainStepsPerChunk', label: 'train steps / chunk', unit: 'steps', default: D.trainStepsPerChunk, min: 1, max: 1e4, integer: true,
      description: 'Training steps per chunk (same snapshot, new random batch and noise each step).' },
    { kind: 'number', name: 'score.emaDecay', label: 'EMA decay', unit: 'per step', default: D.emaDecay, min: 0, max: 1, maxExclusive: true,
      description: 'EMA decay of the weights per step; evaluation uses the EMA (memory ≈ 1 / (1 − decay) steps).' },
    { kind: 'number', name: 'score.seed', label: 'seed', unit: '', default: D.seed, min: 0, max: 4294967295, integer: true,
      description: 'Seed of the initial weights and of the training batches and noise (u32 on the GPU).' },
    { kind: 'number', name: 'score.forceInput', label: 'force input', unit: '', default: D.forceInput, min: 0, max: 1, integer: true,
      description: '1: token 0 also carries the scaled pair force k F_i / v0 (interacting systems).' },
], [widthHeadsCheck(SCORE_PREFIX, MAX_HEAD_DIM, true)]);

const CONVERT = prefixedSettings(SCORE_SCHEMA, SCORE_PREFIX, SCORE_DEFAULTS);
export const settingsToParams = CONVERT.toParams;
export const settingsFromParams = CONVERT.fromParams;

/** A network's size in a few words: "32×2, 16 neighbours" (width × depth). */
export function describeSettings(s: ScoreSettings): string {
  return `${s.width}×${s.depth}, ${s.neighbors} neighbours`;
}

/** Throws ParamError naming the `score.`-prefixed field when a setting is out of range. */
export function checkSettings(s: ScoreSettings): void {
  CONVERT.check(s);
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

/**
 * Parses `key=value` overrides (CLI `--set score.KEY=V`, keys without the prefix) onto settings,
 * strictly as every other parameter: decimal numbers only, integers where required, ranges and the
 * width/heads rule checked here, before any GPU work. Throws ParamError with a one-line message.
 */
export function withScoreText(base: ScoreSettings, overrides: Record<string, string>): ScoreSettings {
  const text = Object.fromEntries(Object.entries(overrides).map(([k, v]) => [SCORE_PREFIX + k, v]));
  return settingsFromParams(withText(SCORE_SCHEMA, settingsToParams(base), text));
}
