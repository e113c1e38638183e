// Axis tick labels: short plain numbers, SI prefixes for very large or small values, no exponents.
import { describe, expect, it } from 'vitest';
import { tickLabeller } from '../../src/ui/plots/ticks';

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
