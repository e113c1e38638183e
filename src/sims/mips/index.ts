// The active-matter system: ABP and AOUP particles, MIPS on the GPU, live entropy production.
import type { SimDefinition } from '../types';
import { schema } from './params';
import { CONVERGENCE_METRICS } from './score/convergence';
import { presets } from './presets';
import { scoreModel } from './score';
import { MipsSimulation } from './simulation';
import { benchTool } from './tools';
import { about } from './about';

export { MipsSimulation } from './simulation';
export { CellList } from './cell-list';

export const mipsSystem: SimDefinition = {
  id: 'mips',
  title: 'Active matter: motility-induced phase separation',
  description:
    'Self-propelled disks (active Brownian or active Ornstein–Uhlenbeck particles) in a periodic box. ' +
    'Persistent motion plus crowding makes them cluster (MIPS); the score-free entropy production rate is measured live.',
  schema,
  presets,
  defaultPreset: 'abp-mips',
  about,
  // Steps cost O(N) on the neighbour lists.
  cost: (p) => Number(p.n),
  headline: (p) => {
    const who = p.model === 'abp' ? 'active Brownian' : 'active Ornstein–Uhlenbeck';
    const shown = { orientation: 'heading', density: 'local packing fraction', epr: 'local entropy production', scoreCurrent: 'learned current', scoreEpr: 'learned local EPR' }[String(p.colorBy)] ?? String(p.colorBy);
    return `${p.n} ${who} disks at packing fraction φ = ${p.phi} in a periodic box, moving at v0 = ${p.v0}; colour shows each particle's ${shown}.`;
  },
  metrics: [
    { name: 'eprScoreFree', label: 'EPR (score-free)', unit: '1/time per particle', description: 'Global entropy production rate per particle from the simulation alone, exact in steady state: −E[div_x b_x] (Dt = 0), E[|b_x|²/Dt + div_x b_x] (Dt > 0) (science.md §2). With Dt > 0 the time step biases it: a passive system reads k⟨∇²U⟩(T_conf/kT − 1), not 0 (see T_conf / kT).' },
    { name: 'tConf', label: 'T_conf / kT', unit: '', description: 'Configurational temperature Σ|∇U|²/Σ∇²U of the pair potential over kT = Dt/k (present when Dt > 0 and pairs interact). Exact samples of a passive system (v0 = 0, A = 0) give 1; the integrator does not: for a passive system the score-free EPR reads k⟨∇²U⟩(T_conf/kT − 1) per particle instead of 0, which is discretisation bias, not entropy production (Euler–Maruyama: O(dt); scheme = lm: much smaller; table in src/sims/mips/README.md).' },
    { name: 'eprLearned', label: 'EPR (learned)', unit: '1/time per particle', description: 'From the score network (score/README.md): γ E[Σ_i |g_i + s_{g_i}|²] / N for AOUP, Dr E[s_θ²] for ABP, + E|b_x − Dt s_x|²/Dt when Dt > 0. Present when weights are loaded or training.' },
    ...CONVERGENCE_METRICS,
    { name: 'scoreCurrentMean', label: 'mean learned current', unit: '', description: 'Particle mean of |g_i + s_{g_i}| (ABP: |s_θ|).' },
    { name: 'scoreLocalEprMean', label: 'mean learned local EPR', unit: '1/time per particle / γ', description: 'Particle mean of −d − div_{g_i} s_{g_i} (exact divergence); equals EPR/γ for a converged score.' },
    { name: 'scoreLoss', label: 'DSM loss', unit: '', description: 'Antithetic denoising score-matching loss of the last training step.' },
    { name: 'msd', label: 'MSD', unit: 'length²', description: 'Mean squared displacement of the unwrapped positions since the MSD origin (reset, or model change).' },
    { name: 'msdAnalytic', label: 'MSD (free particle)', unit: 'length²', description: 'Free-particle analytic MSD at the same time (AOUP or ABP formula).' },
    { name: 'msdTime', label: 'MSD time', unit: 'time', description: 'Time since the MSD origin.' },
    { name: 'largestClusterFraction', label: 'largest cluster', unit: 'fraction of N', description: 'Size of the largest connected cluster of particles in contact (r < σ for WCA, r < 2 r0 for soft disks) over N.' },
    { name: 'polarization', label: 'polarisation', unit: '', description: '|Σ_i e_i| / N for unit headings e_i (n(θ) or g/|g|).' },
    { name: 'meanLocalDensity', label: 'mean local φ', unit: '', description: 'Particle-averaged local packing fraction (bins of ~5 diameters); exceeds φ when the system clusters.' },
  ],
  plots: [
    { kind: 'series', id: 'epr', title: 'Entropy production rate (score-free, and learned with a score network) vs time', y: ['eprScoreFree', 'eprLearned'], yLabel: 'EPR per particle' },
    { kind: 'histogram', id: 'density', title: 'Local density histogram (bimodal in MIPS)', histogram: 'densityHistogram', xLabel: 'local packing fraction' },
    { kind: 'series', id: 'msd', title: 'MSD vs free-particle analytic', x: 'msdTime', y: ['msd', 'msdAnalytic'], logX: true, logY: true, yLabel: 'MSD' },
    // Passive thermal systems only, where T_conf/kT − 1 is the whole score-free EPR (tConf needs Dt > 0 and pairs).
    {
      kind: 'series', id: 'tconf', title: 'Configurational temperature T_conf/kT (1 for exact sampling; a passive EPR reads k⟨∇²U⟩(T_conf/kT − 1))',
      y: ['tConf'], yLabel: 'T_conf / kT',
      shown: (params) => {
        const p = schema.typed(params);
        return p.v0 === 0 && p.Dt > 0 && p.k > 0 && p.force !== 'none';
      },
    },
    { kind: 'series', id: 'clusters', title: 'Largest-cluster fraction', y: ['largestClusterFraction'], yLabel: 'fraction of N' },
  ],
  async create(ctx, params) {
    return new MipsSimulation(ctx, params);
  },
  tools: [benchTool],
  model: scoreModel,
};
