// The one-line messages sample() sets as MetricSample.problem when something is not finite: it
// names what is (particles, or which metrics), so a metric overflow is not reported as a blow-up.
import type { Params } from '../params';

/** Metrics computed from the particle forces: non-finite with a finite state means a pair force overflowed f32. */
const FORCE_METRICS = new Set(['eprScoreFree', 'tConf']);

/**
 * The problem of a sample whose particles (count `nonFiniteParticles` of `n`) or scalars are not
 * finite, or undefined when everything is finite.
 */
export function nonFiniteProblem(
  p: Params,
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
