// Axis tick labels a person reads at a glance: plain numbers where they are short (0.01 … 9999),
// SI prefixes outside (70k, 4m, 2µ), never exponent notation such as "7.0e+4"; zero is "0".
import { format } from 'd3';

const plain = format('~g');
const si = format('~s');

/** The label of tick `value` on an axis whose values span `domain`. */
export function tickLabeller(domain: readonly number[]): (value: number) => string {
  const largest = Math.max(...domain.map(Math.abs));
  const short = largest < 1e4 && largest >= 1e-2;
  return (value) => (value === 0 ? '0' : short ? plain(value) : si(value));
}
