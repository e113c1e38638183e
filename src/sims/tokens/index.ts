// The tokens-as-particles system (science.md §1): a Transformer as a splitting scheme for an
// interacting-particle ODE. Register with `register(tokensSystem)`.
import type { GpuContext } from '../../gpu/context';
import type { Params } from '../params';
import type { MetricInfo, PlotSpec, SimDefinition, Simulation } from '../types';
import { presets } from './presets';
import { schema } from './params';
import { TokenSimulation } from './simulation';
import { benchTool, convergenceTool } from './tools';
import { compareTool, trainNetTool } from './trained/tools';
import { about } from './about';
import { networksModel } from './trained/model';

const metrics: readonly MetricInfo[] = [
  { name: 'meanCosine', label: 'mean cosine', unit: '', description: 'Mean of cos(x_i, x_j) over pairs i ≠ j; 1 when all tokens point the same way.' },
  { name: 'energy', label: 'interaction energy E_β', unit: '', description: 'E_β = 1/(2βn²) Σ_ij exp(β<x_i,x_j>); increases along SA on the sphere. For a trained network, of the unit-normalised tokens (β cos_ij): its residual stream is off the sphere.' },
  { name: 'clusters', label: 'clusters', unit: '', description: 'Connected components of the graph of pairs with cos(x_i, x_j) > 0.999.' },
  { name: 'closePairs', label: 'pairs with cos > 0.999', unit: 'fraction', description: 'Fraction of pairs i < j with cos(x_i, x_j) > 0.999: 1 once all tokens have merged; the order parameter of Geshkovski et al.’s (t, β) phase diagram.' },
  { name: 'meanNorm', label: 'mean |x|', unit: '', description: 'Mean token norm (1 on the sphere).' },
  { name: 'layer', label: 'layer', unit: 'layers', description: 'Layers (steps) applied so far; depth = T/dt. For a trained network, in layers: each sub-layer is a frame (½ of a standard layer, ⅓ of a Macaron one).' },
  { name: 'gap', label: 'Lie–Strang gap', unit: '', description: 'Side by side: RMS over tokens of |x_i(this splitting) − x_i(the other)|.' },
];

const plots: readonly PlotSpec[] = [
  // The convergence study first: it is the system's claim (Lie–Trotter order 1, Strang order 2).
  { kind: 'curves', id: 'convergence', title: 'Error vs step size (fitted slopes)', curves: 'convergence', logX: true, logY: true, xLabel: 'dt', yLabel: 'error at T', shown: (p) => p.weights !== 'trained' },
  // A trained network: the ODE-solver view of its layers, and how far each layer moves the tokens.
  { kind: 'curves', id: 'solverGap', title: 'ODE-solver gap of each trained layer (refined step, same weights; fitted slopes)', curves: 'solverGap', logX: true, logY: true, xLabel: 'sub-step h (one layer = 1)', yLabel: '|splitting − flow| / |flow step|', shown: (p) => p.weights === 'trained' },
  { kind: 'curves', id: 'stepSize', title: 'Step size per layer |x_{l+1} − x_l| / |x_l|, both networks', curves: 'stepSize', xLabel: 'layer', yLabel: 'relative step', shown: (p) => p.weights === 'trained' },
  { kind: 'series', id: 'energy', title: 'Interaction energy E_β(t)', y: ['energy'], x: 'time', yLabel: 'E_β' },
  { kind: 'series', id: 'clusters', title: 'Number of clusters (cos > 0.999)', y: ['clusters'], x: 'time', yLabel: 'clusters' },
  { kind: 'series', id: 'closePairs', title: 'Fraction of pairs with cos > 0.999', y: ['closePairs'], x: 'time', yLabel: 'fraction of pairs' },
  { kind: 'series', id: 'meanCosine', title: 'Mean pairwise cosine', y: ['meanCosine'], x: 'time' },
  { kind: 'histogram-time', id: 'cosine', title: 'Pairwise cosine similarity over depth', histogram: 'cosine', yLabel: 'cos(x_i, x_j)' },
  { kind: 'series', id: 'gap', title: 'Gap between Lie and Strang (side by side)', y: ['gap'], x: 'time', logY: true, shown: (p) => p.compare === 'on' },
];

export const tokensSystem: SimDefinition = {
  id: 'tokens',
  title: 'Tokens as particles',
  description:
    'Tokens move through a Transformer as interacting particles: attention (interaction; the Macaron paper’s “diffusion”) and the FFN (each token alone; “convection”) are sub-flows of one ODE; a standard layer is a Lie–Trotter step, a Macaron layer a Strang step. On the sphere with Q = K = V = I, tokens cluster.',
  schema,
  presets,
  defaultPreset: 'sa-sphere',
  about,
  // Attention is O(n² d), the FFN O(n d · width).
  cost: (p) => Number(p.n) * Number(p.d) * (Number(p.n) + Number(p.ffnWidth)),
  headline: (p) => {
    if (p.weights === 'trained') {
      const net = p.splitting === 'strang' ? 'Macaron (Strang)' : 'standard (Lie–Trotter)';
      const what = p.trainedTask === 'sort' ? 'a sequence it sorts' : 'text it reads character by character';
      return `The hidden states of a trained ${net} network on ${what}: each frame is its residual stream after one sub-layer, drawn by PCA over all frames.`;
    }
    const n = p.init === 'text' ? 'the words of a sentence as' : String(p.n);
    const layer = p.splitting === 'strang' ? 'Macaron (Strang)' : 'standard (Lie–Trotter)';
    return `${n} tokens in d = ${p.d}${p.sphere ? ' on the unit sphere' : ''}, each frame one ${layer} layer of step ${p.dt}; attention pulls them together into clusters.`;
  },
  metrics,
  plots,
  async create(ctx: GpuContext, params: Params): Promise<Simulation> {
    return TokenSimulation.create(ctx, params);
  },
  tools: [convergenceTool, benchTool, trainNetTool, compareTool],
  model: networksModel,
};
