// URL parameters under malformed and extreme values, for every parameter of every registered
// system: each bad entry is reported on one line that names the field, and the run still gets
// a full, valid parameter set (the preset's values for what was refused). Seeded.
import { describe, expect, it } from 'vitest';
import { checkAll, type ParamSpec } from '../../src/sims/params';
import { listSystems } from '../../src/sims/registry';
import { readUrl } from '../../src/ui/url-state';
import '../../src/sims/index';

const CONTROL = ['\n', '\r\n', '\u0000', '\u001b[31m', '\u2028', '\u202e', '\t'];

function badValues(s: ParamSpec): string[] {
  const common = ['', ' ', 'abc', '0x10', '1e999', 'NaN', 'Infinity', '１２', '∞', '1,5', '9'.repeat(3000), '\u{1F600}', ...CONTROL.map((c) => `1${c}2`)];
  switch (s.kind) {
    case 'number': {
      const out = [String(s.min - 1), String(s.max * 10 + 1)];
      if (s.minExclusive) out.push(String(s.min));
      if (s.maxExclusive) out.push(String(s.max));
      if (s.integer) out.push(String(s.min + 0.5));
      return [...common, ...out];
    }
    case 'boolean':
      return [...common, 'yes', '2'];
    case 'enum':
      return [...common, `${s.options[0]}x`];
    case 'string':
      return ['', '  ', 'x'.repeat(s.maxLength + 1)];
    case 'range':
      return [...common, String(s.min - 1), String(s.max * 10 + 1), `${s.max}:${s.min}`, `${s.min}:${s.max}:${s.max}`, `${s.min}:`];
  }
}

function expectOneLine(error: string, names: string): void {
  expect(error).not.toMatch(/[\r\n\u2028\u2029]/);
  expect(error.length).toBeLessThan(600);
  expect(error).toContain(names);
}

for (const def of listSystems()) {
  describe(`${def.id}: bad URL values`, () => {
    for (const spec of def.schema.specs) {
      it(`${spec.name}`, () => {
        for (const value of badValues(spec)) {
          const q = new URLSearchParams({ system: def.id, [spec.name]: value });
          const choice = readUrl(`?${q}`);
          expect(choice.def.id).toBe(def.id);
          expect(choice.errors.length, `${spec.name}=${JSON.stringify(value).slice(0, 80)} was accepted`).toBeGreaterThan(0);
          for (const e of choice.errors) expectOneLine(e, spec.name);
          expect(() => checkAll(def.schema, choice.params)).not.toThrow();
        }
      });
    }

    it('unknown keys, presets and systems, with control characters, are one named line each', () => {
      for (const c of CONTROL) {
        const q = new URLSearchParams({ system: def.id, preset: `x${c}y`, [`k${c}ey`]: '1' });
        const choice = readUrl(`?${q}`);
        expect(choice.errors.length).toBe(2);
        expectOneLine(choice.errors[0]!, 'preset');
        expectOneLine(choice.errors[1]!, 'unknown parameter');
        const other = readUrl(`?${new URLSearchParams({ system: `s${c}` })}`);
        expectOneLine(other.errors[0]!, 'system');
      }
    });
  });
}
