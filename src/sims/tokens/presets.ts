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
  {
    name: 'trained-sort',
    description: 'A trained network that sorts 16 letters a–p (d = 64, 4 heads, 2 layers, shipped weights): type a sequence in text; each frame is the residual stream after one sub-layer, PCA over all frames. splitting switches between the standard and the Macaron network. Both networks sort the preset’s letters (at least 15 of 16 positions right; the caption shows the answer). The tokens do not cluster: no two merge (cos > 0.999) and the mean cosine stays below 0.3 at every frame.',
    values: { seed: 1, weights: 'trained', trainedTask: 'sort', text: 'kindofabigjamhop', splitting: 'lie', compare: 'off', projection: 'pca', beta: 1, trailLength: 12 },
  },
  {
    name: 'trained-charlm',
    description: 'A trained character language model of the KJV Genesis and Exodus (d = 64, 4 heads, 2 layers, causal, shipped weights): type up to 32 characters in text; each frame is the residual stream after one sub-layer. Both networks guess at least a quarter of the next characters of the preset’s sentence (the caption shows them); no two tokens merge and the mean cosine stays below 0.3 at every frame.',
    values: { seed: 1, weights: 'trained', trainedTask: 'charlm', text: 'And God said, Let there be light', splitting: 'lie', compare: 'off', projection: 'pca', beta: 1, trailLength: 12 },
  },
];
