// Params are typed from their schema declaration: a number field is a number, an enum field the
// union of its options. Checked by the type checker (npm test runs tsc over test/), and at run
// time that the typed view is the validated object itself.
import { describe, expect, expectTypeOf, it } from 'vitest';
import { defaults, defineSchema, parseValue, ParamError } from '../src/sims/params';
import { schema as mipsSchema, type MipsParams } from '../src/sims/mips/params';
import { schema as tokensSchema, type TokenParams } from '../src/sims/tokens/params';

describe('typed params', () => {
  it('mips and tokens fields carry their declared types', () => {
    expectTypeOf<MipsParams['dt']>().toEqualTypeOf<number>();
    expectTypeOf<MipsParams['force']>().toEqualTypeOf<'softdisk' | 'wca' | 'none'>();
    expectTypeOf<MipsParams['model']>().toEqualTypeOf<'aoup' | 'abp'>();
    expectTypeOf<TokenParams['sphere']>().toEqualTypeOf<boolean>();
    expectTypeOf<TokenParams['text']>().toEqualTypeOf<string>();
    expectTypeOf<TokenParams['splitting']>().toEqualTypeOf<'lie' | 'strang'>();
    const p = mipsSchema.typed(defaults(mipsSchema));
    expect(p.force).toBe('wca');
    expect(typeof tokensSchema.typed(defaults(tokensSchema)).sphere).toBe('boolean');
  });

  it('cross-checks see the typed params and still refuse bad combinations', () => {
    const s = defineSchema(
      [
        { kind: 'number', name: 'a', label: 'a', unit: '', description: '', default: 1, min: 0, max: 10 },
        { kind: 'enum', name: 'mode', label: 'mode', description: '', options: ['x', 'y'], default: 'x' },
      ],
      [(p) => (p.mode === 'y' && p.a > 5 ? 'a must be ≤ 5 with mode = y' : null)],
    );
    expect(s.checks![0]!({ a: 6, mode: 'y' })).toBe('a must be ≤ 5 with mode = y');
    expect(s.checks![0]!({ a: 6, mode: 'x' })).toBeNull();
    const n = parseValue(s.specs[0], '2.5');
    expectTypeOf(n).toEqualTypeOf<number>();
    expect(n).toBe(2.5);
    expect(() => parseValue(s.specs[1], 'z')).toThrow(ParamError);
  });
});
