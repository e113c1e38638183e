// Throughput of the CPU GFlash shower generator (one core): showers per second and hits per shower
// in the ILD-like calorimeter, by particle, energy and cell size, as one JSON object.
// Usage: npm run --silent bench:showers [-- COUNT]
import { ildCalorimeter } from '../src/sims/showers/detector';
import { benchShowers } from '../src/sims/showers/bench';
import type { ShowerRequest } from '../src/sims/showers/generator';

const count = Number(process.argv[2] ?? 1000);
if (!Number.isInteger(count) || count < 1) {
  console.error(`error: COUNT must be a positive integer; got ${JSON.stringify(process.argv[2])}`);
  process.exit(2);
}
const cases: Array<{ cellSize: number; request: ShowerRequest }> = [
  { cellSize: 5, request: { particle: 'electron', energy: 10 } },
  { cellSize: 5, request: { particle: 'photon', energy: 10 } },
  { cellSize: 5, request: { particle: 'electron', energy: 100 } },
  { cellSize: 15, request: { particle: 'electron', energy: 10 } },
];
const rows = cases.map(({ cellSize, request }) => ({ cellSize, ...request, ...benchShowers(ildCalorimeter({ ecalCellSize: cellSize }), request, count) }));
console.log(JSON.stringify({ bench: 'showers-generator', count, cpu: 'one core (Node main thread)', rows }, null, 1));
