// Settings of the shower flow model (`flow.`-prefixed params): the point network's size and
// attention band, the count network's size, the training pool and the optimiser. The lab's model
// panel edits them, the CLI takes them as `--set flow.KEY=V`, and a weights file carries them.
import { MAX_HEAD_DIM } from '../../../nn/ops';
import { checkAll, defaults, defineSchema, prefixedSettings, widthHeadsCheck, type Params } from '../../params';
import type { AdamWOptions } from '../../../nn/adamw';
import { PARTICLES } from '../params';
import type { CountFlowOptions } from '../flow/count-flow';
import { FLOW_ADAMW, FLOW_DEFAULT, type FlowNetworkConfig } from '../flow/network';
import { SOLVERS, type SolverName } from '../flow/solvers';
import type { Pairing } from '../flow/pairing';

export const FLOW_PREFIX = 'flow.';

export interface FlowSettings {
  width: number;
  depth: number;
  heads: number;
  mlp: number;
  /** Attention band in layers (|ℓ_i − ℓ_j| ≤ window). */
  window: number;
  /** Tokens per training shower (K): at least the pool's largest shower. */
  tokens: number;
  countHidden: number;
  countDepth: number;
  /** Generator showers the model trains on (drawn with replacement per step). */
  pool: number;
  /** Share of the pool made of the run particle's partner (photons for electrons …), for the particle embedding. */
  partner: number;
  /** Showers per training step. */
  batch: number;
  lr: number;
  emaDecay: number;
  /** 1: layer-wise optimal-transport pairing of noise and points; 0: independent noise. */
  ot: number;
  seed: number;
}

/**
 * The lab's size (FLOW_DEFAULT, ~42 k parameters) with an EMA short enough for a few thousand steps:
 * AllShowers' 0.999 still carries 37 % of the initial weights after 1000 steps (0.999^1000). 160 tokens:
 * 2–10 GeV electrons in 15 mm cells have up to ~140 cells (flow-electrons), and showers are never cut.
 */
export const FLOW_SETTINGS_DEFAULTS: FlowSettings = {
  width: FLOW_DEFAULT.width, depth: FLOW_DEFAULT.depth, heads: FLOW_DEFAULT.heads, mlp: FLOW_DEFAULT.mlp, window: FLOW_DEFAULT.window,
  tokens: 160, countHidden: 128, countDepth: 2, pool: 2048, partner: 0.5, batch: 16, lr: 1e-3, emaDecay: 0.995, ot: 1, seed: 1,
};

const D = FLOW_SETTINGS_DEFAULTS;

export const FLOW_SETTINGS_SCHEMA = defineSchema([
  { kind: 'number', name: 'flow.width', label: 'width', unit: 'channels', default: D.width, min: 4, max: 256, integer: true,
    description: 'Channels per point token (AllShowers: 64).' },
  { kind: 'number', name: 'flow.depth', label: 'depth', unit: 'blocks', default: D.depth, min: 0, max: 8, integer: true,
    description: 'Post-LN encoder blocks (AllShowers: 4).' },
  { kind: 'number', name: 'flow.heads', label: 'heads', unit: '', default: D.heads, min: 1, max: 16, integer: true,
    description: 'Attention heads; width / heads channels each, at most 64.' },
  { kind: 'number', name: 'flow.mlp', label: 'FFN width', unit: 'channels', default: D.mlp, min: 4, max: 1024, integer: true,
    description: 'Hidden width of each block’s GELU feed-forward network (AllShowers: 256).' },
  { kind: 'number', name: 'flow.window', label: 'layer window', unit: 'layers', default: D.window, min: 0, max: 78, integer: true,
    description: 'A point attends to the points of layers ℓ − w … ℓ + w (AllShowers’ README: ±2; its code admits ℓ − 2 … ℓ + 3).' },
  { kind: 'number', name: 'flow.tokens', label: 'points per shower', unit: 'tokens', default: D.tokens, min: 4, max: 1024, integer: true,
    description: 'Tokens K of a training shower; showers are never cut, so K must hold the pool’s largest shower (coarse cells and low energies keep showers small).' },
  { kind: 'number', name: 'flow.countHidden', label: 'count MLP width', unit: 'channels', default: D.countHidden, min: 4, max: 1024, integer: true,
    description: 'Hidden width of the point-count model (flow matching on ln(n + 0.5) per layer).' },
  { kind: 'number', name: 'flow.countDepth', label: 'count MLP depth', unit: 'layers', default: D.countDepth, min: 1, max: 8, integer: true,
    description: 'Hidden GELU layers of the point-count model.' },
  { kind: 'number', name: 'flow.pool', label: 'training showers', unit: 'showers', default: D.pool, min: 16, max: 100000, integer: true, log: true,
    description: 'Generator showers of the run’s conditions the model trains on (an independent seed), drawn with replacement.' },
  { kind: 'number', name: 'flow.partner', label: 'partner share', unit: '', default: D.partner, min: 0, max: 1,
    description: 'Share of the training showers of the partner particle (photons for an electron run, electrons for a photon run, neutrons ⇄ pions), so the particle embedding learns the difference.' },
  { kind: 'number', name: 'flow.batch', label: 'batch', unit: 'showers', default: D.batch, min: 1, max: 1024, integer: true, log: true,
    description: 'Showers per training step (each with its own t and noise).' },
  { kind: 'number', name: 'flow.lr', label: 'learning rate', unit: '', default: D.lr, min: 0, max: 1, minExclusive: true, maxExclusive: true, log: true,
    description: 'AdamW learning rate (AllShowers: 1e-3, weight decay 1e-2, gradient clip 0.2).' },
  { kind: 'number', name: 'flow.emaDecay', label: 'EMA decay', unit: 'per step', default: D.emaDecay, min: 0, max: 1, maxExclusive: true,
    description: 'EMA of the weights per step; sampling uses the EMA (memory ≈ 1 / (1 − decay) steps; AllShowers: 0.999).' },
  { kind: 'number', name: 'flow.ot', label: 'OT pairing', unit: '', default: D.ot, min: 0, max: 1, integer: true,
    description: '1: pair noise and points per layer by optimal transport (AllShowers); 0: independent noise.' },
  { kind: 'number', name: 'flow.seed', label: 'seed', unit: '', default: D.seed, min: 0, max: 4294967295, integer: true,
    description: 'Seed of the initial weights, the training pool, the batches and the noise.' },
], [widthHeadsCheck(FLOW_PREFIX, MAX_HEAD_DIM)]);

const CONVERT = prefixedSettings(FLOW_SETTINGS_SCHEMA, FLOW_PREFIX, FLOW_SETTINGS_DEFAULTS);
export const settingsToParams = CONVERT.toParams;
export const settingsFromParams = CONVERT.fromParams;
/** Throws ParamError naming the `flow.`-prefixed field when a setting is out of range. */
export const checkSettings = CONVERT.check;

const KEYS = Object.keys(FLOW_SETTINGS_DEFAULTS) as Array<keyof FlowSettings>;

export function sameSettings(a: FlowSettings, b: FlowSettings): boolean {
  return KEYS.every((k) => a[k] === b[k]);
}

/** "32×2, 4 heads, window ±2, 128 points" (width × depth). */
export function describeSettings(s: FlowSettings): string {
  return `${s.width}×${s.depth}, ${s.heads} heads, window ±${s.window}, ${s.tokens} points`;
}

export const pairingOf = (s: FlowSettings): Pairing => (s.ot ? 'ot' : 'random');

/** The point network of these settings for a detector of `layers` layers. */
export function pointConfig(s: FlowSettings, layers: number): FlowNetworkConfig {
  return { ...FLOW_DEFAULT, layers, particles: PARTICLES.length, tokens: s.tokens, width: s.width, depth: s.depth, heads: s.heads, mlp: s.mlp, window: s.window };
}

export function pointAdamW(s: FlowSettings): Partial<AdamWOptions> {
  return { ...FLOW_ADAMW, lr: s.lr, emaDecay: s.emaDecay };
}

export function countOptions(s: FlowSettings): CountFlowOptions {
  return {
    hidden: s.countHidden, depth: s.countDepth, timeFeatures: FLOW_DEFAULT.timeFeatures, particles: PARTICLES.length,
    batch: Math.max(64, s.batch), lr: s.lr, seed: s.seed + 1, adamw: { emaDecay: s.emaDecay },
  };
}

/** How a sample is drawn: solver, steps, and where the per-layer point counts come from. */
export interface SamplingSettings {
  solver: SolverName;
  steps: number;
  /** 'model': the count model's (no generator shower needed); 'generator': the matching generator shower's. */
  counts: 'model' | 'generator';
}

/** AllShowers' README samples with midpoint and 16 steps. */
export const SAMPLING_DEFAULTS: SamplingSettings = { solver: 'midpoint', steps: 16, counts: 'model' };

export const SAMPLING_SCHEMA = defineSchema([
  { kind: 'enum', name: 'flow.solver', label: 'solver', default: SAMPLING_DEFAULTS.solver, options: SOLVERS,
    description: 'ODE solver from the noise (t = 1) to the shower (t = 0).' },
  { kind: 'number', name: 'flow.steps', label: 'solver steps', unit: 'steps', default: SAMPLING_DEFAULTS.steps, min: 1, max: 1000, integer: true,
    description: 'Steps of the solver; network evaluations = steps × stages (1 for Euler, 2 for midpoint and Heun).' },
  { kind: 'enum', name: 'flow.counts', label: 'point counts', default: SAMPLING_DEFAULTS.counts, options: ['model', 'generator'],
    optionLabels: { model: 'from the count model (no generator shower needed)', generator: 'from the matching generator shower (as AllShowers with Geant4 counts)' },
    description: 'Where the number of points per layer comes from.' },
]);

/** Sampling settings from validated params; missing ones take their defaults. */
export function samplingFromParams(p: Params): SamplingSettings {
  const t = SAMPLING_SCHEMA.typed(checkAll(SAMPLING_SCHEMA, { ...defaults(SAMPLING_SCHEMA), ...p }));
  return { solver: t['flow.solver'], steps: t['flow.steps'], counts: t['flow.counts'] };
}
