// Parameters of the tokens system: one schema for the UI, the URL, the CLI and imported states.
import { defineSchema, type ParamSpec, type ParamsOf } from '../params';
import { parseTrainedInput } from './trained/input';

export const MAX_TOKENS = 4096;
export const MAX_DIM = 256;

/** Words of a text, one token each: split on whitespace, punctuation kept with its word. */
export function words(text: string): string[] {
  return text.split(/\s+/).filter((w) => w.length > 0);
}

/** Number of tokens actually simulated: n, one per word for init=text, or the trained network's input length. */
export function tokenCount(p: TokenParams): number {
  if (p.weights === 'trained') {
    const input = parseTrainedInput(p.trainedTask, p.text);
    return typeof input === 'string' ? 0 : input.symbols.length;
  }
  return p.init === 'text' ? words(p.text).length : p.n;
}

const specs = [
    { kind: 'number', name: 'n', label: 'tokens n', unit: '', description: 'Number of tokens (particles). Ignored for init=text, which uses one token per word.', default: 64, min: 1, max: MAX_TOKENS, integer: true, rebuild: true },
    { kind: 'number', name: 'd', label: 'dimension d', unit: '', description: 'Embedding dimension of every token.', default: 3, min: 2, max: MAX_DIM, integer: true, rebuild: true },
    { kind: 'number', name: 'heads', label: 'heads', unit: '', description: 'Attention heads; each head sees d/heads coordinates.', default: 1, min: 1, max: 64, integer: true, rebuild: true },
    { kind: 'number', name: 'beta', label: 'β (logit scale)', unit: '', description: 'Inverse temperature: logits are β·<Wq x_i, Wk x_j>. A standard layer uses 1/sqrt(d/heads).', default: 1, min: 0, max: 100, minExclusive: true, log: true },
    { kind: 'number', name: 'dt', label: 'step dt (γ)', unit: '', description: 'Step size of one layer (the ODE time per layer).', default: 0.1, min: 0, max: 1, minExclusive: true, log: true },
    { kind: 'number', name: 'T', label: 'horizon T', unit: '', description: 'Final time: depth = T/dt layers; also the horizon of the convergence study.', default: 15, min: 0, max: 1000, minExclusive: true },
    { kind: 'number', name: 'seed', label: 'seed', unit: '', description: 'Seed of the initial tokens and the random weights.', default: 1, min: 0, max: 4294967295, integer: true, rebuild: true },
    { kind: 'enum', name: 'init', label: 'initial tokens', description: 'How the tokens start.', options: ['gaussian', 'sphere', 'orthogonal', 'text'], optionLabels: { gaussian: 'Gaussian N(0, I/d)', sphere: 'uniform on the unit sphere', orthogonal: 'orthonormal (needs d ≥ n)', text: 'one token per word of the text' }, default: 'sphere', rebuild: true },
    { kind: 'string', name: 'text', label: 'text', description: 'The sentence for init=text: one token per word, each word embedded deterministically (plus its position). For weights=trained, the network’s input: 16 letters a–p to sort, or up to 32 characters for the character model.', default: 'tokens move through a transformer like particles', maxLength: 4000, rebuild: true },
    { kind: 'enum', name: 'weights', label: 'weights', description: 'Identity (Q = K = V = Wo = I, the sphere model), random (seeded, scaled so the flow is Lipschitz with constant 0.5·weightScale), or a trained network shipped with the lab: each frame is its residual stream after one sub-layer; splitting picks the standard or the Macaron network.', options: ['identity', 'random', 'trained'], optionLabels: { identity: 'identity', random: 'random', trained: 'trained network (shipped)' }, default: 'identity', rebuild: true },
    { kind: 'enum', name: 'trainedTask', label: 'trained network', description: 'For weights=trained: the network trained to sort 16 letters a–p, or the character language model of the KJV Genesis and Exodus (causal: each character sees only those before it).', options: ['sort', 'charlm'], optionLabels: { sort: 'sort 16 letters a–p', charlm: 'character LM (KJV)' }, default: 'sort', rebuild: true, added: '2026-12-03' },
    { kind: 'number', name: 'weightScale', label: 'weight scale', unit: '', description: 'Scale of the random weights: ||Wo Wv|| = ||W2||·||W1|| = weightScale/4.', default: 1, min: 0, max: 16, minExclusive: true, rebuild: true },
    { kind: 'enum', name: 'normalization', label: 'normalization', description: 'softmax (SA: weights sum to 1) or uniform (USA: 1/n instead of 1/Z_i).', options: ['softmax', 'uniform'], optionLabels: { softmax: 'SA (softmax)', uniform: 'USA (1/n)' }, default: 'softmax' },
    { kind: 'enum', name: 'ffn', label: 'FFN', description: 'Position-wise feed-forward sub-flow (the paper’s convection term). off = pure attention dynamics.', options: ['on', 'off'], default: 'off' },
    { kind: 'number', name: 'ffnWidth', label: 'FFN width', unit: '', description: 'Hidden width of the FFN.', default: 64, min: 1, max: 1024, integer: true, rebuild: true },
    { kind: 'enum', name: 'act', label: 'activation', description: 'FFN activation (gelu is smooth: use it to measure orders).', options: ['relu', 'gelu'], default: 'gelu' },
    { kind: 'enum', name: 'ffnPair', label: 'Macaron FFN pair', description: 'The two half-FFNs of the Strang (Macaron) step: separate weights as in the Macaron code (the composition is then not symmetric), or shared (symmetric Strang). The ODE’s FFN field is their mean; Lie uses it in one sub-step.', options: ['separate', 'shared'], default: 'separate', rebuild: true },
    { kind: 'boolean', name: 'sphere', label: 'on the sphere', description: 'LayerNorm model: project velocities onto the tangent space P_x and renormalise after every sub-step.', default: true, rebuild: true },
    { kind: 'enum', name: 'splitting', label: 'splitting', description: 'Lie–Trotter (standard layer: attention then FFN) or Strang–Marchuk (Macaron layer: ½FFN, attention, ½FFN). For weights=trained it picks the network: the standard or the Macaron one.', options: ['lie', 'strang'], optionLabels: { lie: 'Lie–Trotter (standard layer)', strang: 'Strang (Macaron layer)' }, default: 'lie' },
    { kind: 'enum', name: 'substep', label: 'sub-flow solver', description: 'Each sub-flow is advanced by one Euler step (what a real layer does) or one RK4 step (near exact).', options: ['euler', 'rk4'], default: 'euler' },
    { kind: 'enum', name: 'projection', label: '3-D view (d > 3)', description: 'How tokens with d > 3 are drawn: PCA of the current tokens or a fixed random orthonormal projection.', options: ['pca', 'random'], default: 'pca' },
    { kind: 'enum', name: 'compare', label: 'side by side', description: 'Also run the other splitting from the same start and draw both (orange: the other scheme).', options: ['off', 'on'], default: 'off', rebuild: true },
    { kind: 'number', name: 'trailLength', label: 'trail length', unit: 'layers', description: 'Past positions kept in a GPU ring buffer (0 = no trails).', default: 100, min: 0, max: 1000, integer: true, rebuild: true },
] as const satisfies readonly ParamSpec[];

/** Validated tokens params, each field typed by its spec. */
export type TokenParams = ParamsOf<typeof specs>;

export const schema = defineSchema(specs, [
    (p) => (p.d % p.heads === 0 ? null : `d must be divisible by heads (d=${p.d}, heads=${p.heads})`),
    (p) => (p.d / p.heads <= MAX_DIM ? null : `heads too few: d/heads must be at most ${MAX_DIM}`),
    (p) => (p.init !== 'orthogonal' || p.d >= p.n ? null : `d must be ≥ n for init=orthogonal (d=${p.d}, n=${p.n}): at most d orthonormal vectors exist in R^d`),
    (p) => {
      if (p.init !== 'text') return null;
      const count = words(p.text).length;
      if (count === 0) return 'text must contain at least one word for init=text (got an empty text)';
      return count <= MAX_TOKENS ? null : `text has ${count} words; at most ${MAX_TOKENS} tokens are supported`;
    },
    (p) => {
      if (p.weights !== 'trained') return null;
      const input = parseTrainedInput(p.trainedTask, p.text);
      return typeof input === 'string' ? input : null;
    },
    (p) => (p.weights !== 'trained' || p.compare === 'off' ? null : 'compare must be off for weights=trained: the standard and the Macaron network were trained apart, so their hidden spaces are unrelated; switch splitting to see the other'),
]);
