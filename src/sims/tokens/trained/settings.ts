// Settings of the tokens networks (`--set net.KEY=V` for lab train tokens and lab compare tokens):
// one schema, with units and meanings, for the CLI and, later, the lab's panel.
import { defineSchema, type ParamSpec, type Params } from '../../params';
import type { TokenNetSettings } from './token-net';

export const NET_PREFIX = 'net.';

const specs = [
  { kind: 'enum', name: 'net.task', label: 'task', description: 'sort: sort a sequence of symbols (every position predicts the symbol that belongs there; attention sees all tokens); charlm: predict the next character of the KJV Genesis and Exodus (causal attention).', options: ['sort', 'charlm'], default: 'sort' },
  { kind: 'enum', name: 'net.arch', label: 'architecture', description: 'standard: x + Attn(LN x), then x + FFN(LN x) with FFN width 4d (Lie–Trotter); macaron: x + ½FFN, attention, x + ½FFN, each FFN 2d wide with its own LayerNorm (Strang; Lu et al.).', options: ['standard', 'macaron'], default: 'standard' },
  { kind: 'number', name: 'net.width', label: 'width d', unit: 'channels', description: 'Hidden width of every token.', default: 64, min: 4, max: 256, integer: true },
  { kind: 'number', name: 'net.heads', label: 'heads', unit: '', description: 'Attention heads; width / heads channels each (at most 64).', default: 4, min: 1, max: 64, integer: true },
  { kind: 'number', name: 'net.layers', label: 'layers', unit: '', description: 'Layers (a standard layer has 2 sub-layers, a Macaron layer 3).', default: 2, min: 1, max: 12, integer: true },
  { kind: 'number', name: 'net.context', label: 'context', unit: 'tokens', description: 'Tokens per sequence: the sort task’s length, or the character model’s window.', default: 16, min: 2, max: 256, integer: true },
  { kind: 'number', name: 'net.vocab', label: 'alphabet', unit: 'symbols', description: 'Symbols of the sort task (charlm always uses the corpus’s 62 characters).', default: 16, min: 2, max: 256, integer: true },
  { kind: 'number', name: 'net.batch', label: 'batch', unit: 'sequences', description: 'Sequences per training step.', default: 64, min: 1, max: 4096, integer: true },
  { kind: 'number', name: 'net.lr', label: 'learning rate', unit: '', description: 'AdamW learning rate (constant; gradients clipped to norm 1).', default: 0.002, min: 0, max: 1, minExclusive: true, log: true },
  { kind: 'number', name: 'net.seed', label: 'seed', unit: '', description: 'Seed of the initial weights and of the training batches (compare: the first seed).', default: 1, min: 0, max: 4294967295, integer: true },
  { kind: 'number', name: 'net.validation', label: 'held-out sequences', unit: 'sequences', description: 'Held-out sequences evaluated (sort: from their own RNG stream; charlm: windows spread over the last 10 % of the corpus).', default: 256, min: 1, max: 4096, integer: true },
] as const satisfies readonly ParamSpec[];

export const NET_SCHEMA = defineSchema(specs, [
  (p) => (p['net.width'] % p['net.heads'] === 0 && p['net.width'] / p['net.heads'] <= 64 ? null : `net.width must be a multiple of net.heads with at most 64 channels per head (width ${p['net.width']}, heads ${p['net.heads']})`),
]);

/** How many seeds a comparison trains (net.seed, net.seed + 1, …): `lab compare tokens` and the lab's Networks panel. */
export const SEEDS_SCHEMA = defineSchema([
  { kind: 'number', name: 'net.seeds', label: 'seeds', unit: '', description: 'Seeds compared: net.seed, net.seed + 1, …; each trains a standard and a Macaron network on the same batches.', default: 3, min: 1, max: 64, integer: true },
]);

/** The Networks panel's settings: a network's, and the seeds of the comparison. */
export const COMPARISON_SCHEMA = { specs: [...NET_SCHEMA.specs, ...SEEDS_SCHEMA.specs], checks: NET_SCHEMA.checks };

/** The seeds a comparison trains, from validated settings with net.seeds. */
export function seedsOf(settings: Params): number[] {
  const base = NET_SCHEMA.typed(settings)['net.seed'];
  return Array.from({ length: SEEDS_SCHEMA.typed(settings)['net.seeds'] }, (_, i) => base + i);
}

/** Network settings from validated `net.*` settings; `chunk`: optimiser steps between evaluations. */
export function netSettings(settings: Params, chunk: number): TokenNetSettings {
  const s = NET_SCHEMA.typed(settings);
  return {
    task: s['net.task'], arch: s['net.arch'], vocab: s['net.vocab'], context: s['net.context'], width: s['net.width'], heads: s['net.heads'],
    layers: s['net.layers'], batch: s['net.batch'], lr: s['net.lr'], seed: s['net.seed'], stepsPerChunk: chunk, validation: s['net.validation'],
  };
}
