// Score settings go through the same parameter schema as every other parameter: strict decimal
// parsing, integer flags, ranges and the width/heads rule, each refused with one line naming the
// `score.`-prefixed field (CLI `--set score.KEY=V`, weights files, the Score panel). No GPU.
import { describe, expect, it } from 'vitest';
import { ParamError } from '../../src/sims/params';
import { checkSettings, SCORE_DEFAULTS, SCORE_SCHEMA, withScoreText } from '../../src/sims/mips/score/config';

/** The ParamError message of `withScoreText(defaults, {key: text})`, or 'accepted'. */
function refusal(key: string, text: string): string {
  try {
    withScoreText(SCORE_DEFAULTS, { [key]: text });
    return 'accepted';
  } catch (e) {
    expect(e).toBeInstanceOf(ParamError);
    return (e as Error).message;
  }
}

describe('score settings: strict parsing through SCORE_SCHEMA', () => {
  it.each([
    ['width', '0x10', /^score\.width must be an integer in \[2, 512\] channels; got "0x10"$/],
    ['seed', '1.5', /^score\.seed must be an integer in \[0, 4294967295\]; got 1\.5$/],
    ['seed', '-5', /^score\.seed must be an integer in \[0, 4294967295\]; got -5$/],
    ['neighbors', '', /^score\.neighbors must be an integer in \[0, 32\] particles; got ""$/],
    ['neighbors', '33', /^score\.neighbors must be an integer in \[0, 32\]/],
    ['width', 'abc', /^score\.width must be .*; got "abc"$/],
    ['sigma', '0', /^score\.sigma must be a number in \(0, 10\)/],
    ['lr', '1', /^score\.lr must be a number in \(0, 1\)/],
    ['emaDecay', '1', /^score\.emaDecay must be a number in \[0, 1\)/],
    ['forceInput', '2', /^score\.forceInput must be an integer in \[0, 1\]/],
    ['batch', 'Infinity', /^score\.batch must be an integer/],
  ])('score.%s=%j is refused with a one-line message naming the field', (key, text, msg) => {
    const m = refusal(key, text);
    expect(m).toMatch(msg);
    expect(m).not.toContain('\n');
  });

  it('the width/heads rule is a schema cross-check, named as score.width (was a stack trace from deep inside)', () => {
    expect(refusal('width', '3')).toBe('score.width must be even and divisible by score.heads into at most 64 channels per head; got width 3, heads 4');
    expect(refusal('width', '30')).toMatch(/^score\.width must be even and divisible by score\.heads/); // 30 % 4 heads ≠ 0
  });

  it('unknown keys name the prefixed field and list the known ones', () => {
    expect(refusal('widht', '16')).toMatch(/^unknown parameter "score\.widht"; known parameters: score\.neighbors, score\.width/);
  });

  it('accepts valid text and leaves the other settings alone', () => {
    const s = withScoreText(SCORE_DEFAULTS, { width: '16', heads: '2', lr: '3e-3', seed: '4294967295' });
    expect(s).toEqual({ ...SCORE_DEFAULTS, width: 16, heads: 2, lr: 3e-3, seed: 4294967295 });
  });

  it('every setting has a spec whose default is the default setting, and the defaults pass', () => {
    expect(SCORE_SCHEMA.specs.map((s) => s.name).sort()).toEqual(Object.keys(SCORE_DEFAULTS).map((k) => `score.${k}`).sort());
    for (const s of SCORE_SCHEMA.specs) expect(s.default).toBe(SCORE_DEFAULTS[s.name.slice(6) as keyof typeof SCORE_DEFAULTS]);
    expect(() => checkSettings(SCORE_DEFAULTS)).not.toThrow();
    expect(() => checkSettings({ ...SCORE_DEFAULTS, width: 256, heads: 2 })).toThrow(/at most 64 channels per head/);
  });
});
