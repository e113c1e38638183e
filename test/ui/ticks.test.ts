// Axis tick labels: short plain numbers, SI prefixes for very large or small values, no exponents.
import { describe, expect, it } from 'vitest';
import { tickLabeller } from '../../src/ui/plots/ticks';
import { colorBarTicks, tickLabel } from '../../src/ui/viewport/color-bar';

describe('tick labels', () => {
  it('plain numbers where they are short', () => {
    const label = tickLabeller([0, 80]);
    expect([0, 10, 20, 70, 2.5].map(label)).toEqual(['0', '10', '20', '70', '2.5']);
    expect([0.01, 0.05, 0.1].map(tickLabeller([0.01, 0.1]))).toEqual(['0.01', '0.05', '0.1']);
    expect([-3000, 9000].map(tickLabeller([-3000, 9999]))).toEqual(['−3000', '9000']);
  });

  it('SI prefixes for large and small values, never "7.0e+4"', () => {
    expect([0, 10000, 70000].map(tickLabeller([0, 70000]))).toEqual(['0', '10k', '70k']);
    expect([1e6, 2.5e6].map(tickLabeller([0, 3e6]))).toEqual(['1M', '2.5M']);
    expect([0, 0.001, 0.004].map(tickLabeller([0, 0.004]))).toEqual(['0', '1m', '4m']);
    expect([2e-6].map(tickLabeller([0, 5e-6]))).toEqual(['2µ']);
    for (const v of [7e4, 3e-3, 1e9, 5e-7]) expect(tickLabeller([0, v])(v)).not.toMatch(/e[+-]?\d/);
  });
});

describe('colour-bar ticks', () => {
  const bar = (min: number, max: number, log: boolean, ticks?: number[]) => ({ label: 'x', min, max, log, colors: [], ticks });

  it('a log bar over decades ticks the decades, placed by log10, and labels far ones 10ᵏ', () => {
    const spec = bar(2e-5, 0.3, true);
    const t = colorBarTicks(spec);
    expect(t.map((x) => x.value)).toEqual([1e-4, 1e-3, 1e-2, 1e-1]);
    // Independent placement: (log10 v − log10 min) / (log10 max − log10 min).
    t.forEach(({ value, at }) => expect(at).toBeCloseTo((Math.log10(value) - Math.log10(2e-5)) / (Math.log10(0.3) - Math.log10(2e-5)), 12));
    expect(t.map((x) => tickLabel(x.value, spec))).toEqual(['10⁻⁴', '10⁻³', '0.01', '0.1']);
  });

  it('a linear bar gets nice ticks inside its range, a signed one includes 0, and given ticks are kept', () => {
    expect(colorBarTicks(bar(0, 1, false)).map((x) => x.value)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    const signed = colorBarTicks(bar(-3, 3, false));
    expect(signed.find((x) => x.value === 0)?.at).toBe(0.5);
    expect(colorBarTicks(bar(-180, 180, false, [-180, -90, 0, 90, 180])).map((x) => x.at)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    // A range too narrow for two nice ticks shows its ends.
    expect(colorBarTicks(bar(0.1234, 0.1236, true)).map((x) => x.value)).toEqual([0.1234, 0.1236]);
  });
});
