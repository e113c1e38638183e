// Convergence check of a learned EPR. For the exact score the two forms of the propulsion part
// agree: rate · E|p + s_p|² (AOUP; ABP: Dr E s_θ²) and rate · E[local EPR] = rate · E[−d − div s]
// (ABP: −∂_θ s_θ), because E[div s] = −E|s|² and E[g · s] = −d (integration by parts). DSM
// training only drives the score error down, and the gap between the two forms is of the order of
// that error, so a large gap says the network has not converged. The position part (Dt > 0) is the
// same in both forms: the gap checks the propulsion score only.
import type { MetricInfo } from '../../types';

/** Relative gap above which (beyond twice its standard error) a learned EPR is "not converged". */
export const GAP_THRESHOLD = 0.1;

export interface Convergence {
  /** Learned EPR per particle from the divergence form: rate · mean local EPR + position part. */
  eprDiv: number;
  /** |eprLearned − eprDiv| / max(|eprLearned|, |eprDiv|). */
  gap: number;
  /** Standard error of `gap` from the particle-to-particle spread (particles taken as independent). */
  gapErr: number;
  /** False when gap − 2 gapErr > GAP_THRESHOLD. */
  converged: boolean;
  /** The sample scalars (MetricInfo in CONVERGENCE_METRICS). */
  scalars: Record<string, number>;
}

/** Sums over the N particles of one evaluation (sims/mips/score/shaders/fields.wgsl reduce), and the rate γ or Dr. */
export interface ConvergenceSums {
  n: number;
  sumTerm: number;
  sumPositions: number;
  sumLocal: number;
  /** Σ d_i², d_i = propulsion part of particle i's EPR term − rate · its local EPR. */
  sumD2: number;
  rate: number;
}

export function convergence(s: ConvergenceSums): Convergence {
  const learned = s.sumTerm / s.n;
  const eprDiv = (s.rate * s.sumLocal + s.sumPositions) / s.n;
  const meanD = learned - eprDiv;
  const varD = Math.max(0, s.sumD2 / s.n - meanD * meanD);
  const scale = Math.max(Math.abs(learned), Math.abs(eprDiv), 1e-30);
  const gap = Math.abs(meanD) / scale;
  const gapErr = Math.sqrt(varD / s.n) / scale;
  const converged = !(gap - 2 * gapErr > GAP_THRESHOLD);
  return {
    eprDiv, gap, gapErr, converged,
    scalars: { eprLearnedDiv: eprDiv, eprLearnedGap: gap, eprLearnedGapErr: gapErr, eprLearnedConverged: converged ? 1 : 0 },
  };
}

/** Metric descriptions of the learned EPR's companions in a sample. */
export const CONVERGENCE_METRICS: readonly MetricInfo[] = [
  { name: 'eprLearnedDiv', label: 'EPR (learned, divergence form)', unit: '1/time per particle',
    description: 'γ E[−d − div_g s_g] (ABP: Dr E[−∂_θ s_θ]) + the position part: equals the learned EPR for an exact score (score/README.md, Convergence).' },
  { name: 'eprLearnedGap', label: 'learned EPR gap', unit: '',
    description: `|eprLearned − eprLearnedDiv| / max of the two; "not converged" when it exceeds ${GAP_THRESHOLD} by more than twice its standard error.` },
  { name: 'eprLearnedGapErr', label: 'learned EPR gap, standard error', unit: '', description: 'Standard error of eprLearnedGap from the spread over particles.' },
  { name: 'eprLearnedConverged', label: 'learned EPR converged', unit: '', description: '1 when the gap passes the convergence check, 0 when the network is not converged.' },
  { name: 'eprLearnedStep', label: 'learned EPR step', unit: 'steps', description: 'Step of the state the learned EPR was evaluated on (the lab evaluates in chunks while the run goes on).' },
];
