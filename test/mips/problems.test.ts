// The NaN stop names what is not finite: particles (with their count), or the metrics themselves.
// (The GPU path, an eprScoreFree that overflows with a finite state, is in state.test.ts.)
import { expect, it } from 'vitest';
import { nonFiniteProblem } from '../../src/sims/mips/problems';
import { mipsParams } from './helpers';

const p = mipsParams({ dt: 0.004, epsilon: 0.5, k: 1 });

it('all finite: no problem', () => {
  expect(nonFiniteProblem(p, 10, 256, 0, { eprScoreFree: 1, msd: 2 })).toBeUndefined();
});

it('non-finite particles: their count, and the blow-up advice with the current dt and force scale', () => {
  const m = nonFiniteProblem(p, 10, 256, 3, { eprScoreFree: NaN });
  expect(m).toMatch(/^The state is not finite at step 10: 3 of 256 particles have NaN\/Inf positions or propulsion/);
  expect(m).toMatch(/lower dt \(0\.004\) or the force scale \(epsilon 0\.5, k 1\)/);
});

it('only a learned metric non-finite: names it (not "0 of N particles") and points at the weights, not dt', () => {
  const m = nonFiniteProblem(p, 7, 256, 0, { eprScoreFree: 1.5, eprLearned: NaN, scoreLoss: Infinity });
  expect(m).toBe(
    'Not finite at step 7: eprLearned = NaN, scoreLoss = Infinity, while all 256 particles have finite positions and propulsion; ' +
      'the metric’s own computation overflowed or divided by zero (for learned metrics: check the weights).',
  );
  expect(m).not.toMatch(/0 of 256|lower dt/);
});

it('only force metrics non-finite: a float32 force overflow, with the dt advice', () => {
  const m = nonFiniteProblem(p, 7, 256, 0, { eprScoreFree: -Infinity, tConf: NaN });
  expect(m).toMatch(/^Not finite at step 7: eprScoreFree = -Infinity, tConf = NaN, while all 256 particles have finite/);
  expect(m).toMatch(/pair force overflowed float32.*lower dt \(0\.004\)/);
});
