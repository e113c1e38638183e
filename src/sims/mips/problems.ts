// The one-line messages sample() sets as MetricSample.problem: what is not finite (particles, or
// which metrics, so a metric overflow is not reported as a blow-up), or a neighbour-list overflow.
import type { MipsParams } from './params';
import type { NeighbourStats } from './verlet';

/** Metrics computed from the particle forces: non-finite with a finite state means a pair force overflowed f32. */
const FORCE_METRICS = new Set(['eprScoreFree', 'tConf']);

/**
 * The problem of a sample whose particles (count `nonFiniteParticles` of `n`) or scalars are not
 * finite, or undefined when everything is finite.
 */
export function nonFiniteProblem(
  p: MipsParams,
  step: number,
  n: number,
  nonFiniteParticles: number,
  scalars: Record<string, number>,
): string | undefined {
  const fix = `lower dt (${p.dt}) or the force scale (epsilon ${p.epsilon}, k ${p.k}), then reset.`;
  if (nonFiniteParticles > 0) {
    return (
      `The state is not finite at step ${step}: ${nonFiniteParticles} of ${n} particles have NaN/Inf ` +
      `positions or propulsion. The integration blew up — ${fix}`
    );
  }
  const bad = Object.entries(scalars).filter(([, v]) => !Number.isFinite(v));
  if (bad.length === 0) return undefined;
  const names = bad.map(([k, v]) => `${k} = ${v}`).join(', ');
  const cause = bad.every(([k]) => FORCE_METRICS.has(k))
    ? `a pair force overflowed float32 (two particles nearly on top of each other) — ${fix}`
    : 'the metric’s own computation overflowed or divided by zero (for learned metrics: check the weights).';
  return `Not finite at step ${step}: ${names}, while all ${n} particles have finite positions and propulsion; ${cause}`;
}

/**
 * The problem of a sample whose Verlet list overflowed (a particle had more neighbours than it has
 * slots), or undefined. A blow-up overflows the list too (NaN positions share a cell): report
 * nonFiniteProblem first.
 */
export function overflowProblem(p: MipsParams, list: NeighbourStats | undefined): string | undefined {
  if (!list || list.most <= list.capacity) return undefined;
  return (
    `The neighbour list overflowed at step ${list.overflowStep}: a particle had ${list.most} neighbours within ` +
    `r_c + skin, the list holds ${list.capacity}, so pairs were left out of the forces. Lower skin (${p.skin}), or set ` +
    `skin = 0 (cell list every step), then reset.`
  );
}
