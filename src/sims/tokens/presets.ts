// Named starting points. Every preset fixes its seed.
import type { Preset } from '../types';

export const presets: readonly Preset[] = [
  {
    name: 'sa-sphere',
    description: 'Geshkovski et al.: self-attention with Q = K = V = I on S², n = 64, β = 1, T = 15, dt = 0.1. Tokens collapse to one cluster.',
    values: { seed: 1, n: 64, d: 3, heads: 1, beta: 1, T: 15, dt: 0.1, init: 'sphere', weights: 'identity', sphere: true, ffn: 'off', normalization: 'softmax', splitting: 'lie', substep: 'euler', trailLength: 150 },
  },
  {
    name: 'metastable',
    description: 'Larger β = 4 on S²: tokens gather into 3 then 2 clusters within t ≈ 20; the two-cluster plateau lasts until t ≈ 115, then they merge suddenly.',
    values: { seed: 3, n: 64, d: 3, heads: 1, beta: 4, T: 150, dt: 0.1, init: 'sphere', weights: 'identity', sphere: true, ffn: 'off', normalization: 'softmax', splitting: 'lie', substep: 'euler', trailLength: 300 },
  },
  {
    name: 'macaron-random',
    description: 'A random Transformer with LayerNorm (d = 64, 4 heads, β = 1/√16, GELU FFN of width 256; tokens on the unit sphere) run as the Macaron (Strang) layer, side by side with Lie–Trotter. Without the normalisation a random network grows exponentially and overflows float32 past a few thousand layers.',
    values: { seed: 7, n: 32, d: 64, heads: 4, beta: 0.25, T: 5, dt: 0.05, init: 'gaussian', weights: 'random', weightScale: 2, sphere: true, ffn: 'on', ffnWidth: 256, act: 'gelu', ffnPair: 'separate', splitting: 'strang', substep: 'euler', projection: 'pca', compare: 'on', trailLength: 100 },
  },
  {
    name: 'text-demo',
    description: 'A sentence as tokens (one per word) on the sphere in d = 16 with identity attention: watch words merge; PCA view with labels.',
    values: { seed: 1, init: 'text', text: 'the cat sat on the mat while the dog slept by the warm fire', d: 16, heads: 1, beta: 4, T: 12, dt: 0.05, weights: 'identity', sphere: true, ffn: 'off', projection: 'pca', splitting: 'lie', substep: 'euler', trailLength: 120 },
  },
  {
    name: 'convergence',
    description: 'The smooth test problem for the convergence study: random weights (scale 16), GELU FFN with shared Macaron halves, LayerNorm (tokens on the sphere, so a run past T stays bounded), T = 0.6, dt = 0.15 … 0.01875. Orders ≈ 1, 1, 1, 2.',
    values: { seed: 1, n: 8, d: 8, heads: 2, beta: 1, T: 0.6, dt: 0.15, init: 'gaussian', weights: 'random', weightScale: 16, sphere: true, ffn: 'on', ffnWidth: 16, act: 'gelu', ffnPair: 'shared', splitting: 'strang', substep: 'rk4', trailLength: 20 },
  },
];
