// Throughput of the CPU shower generator: showers per second for one request.
import type { Detector } from './detector';
import { generateShowers, type ShowerRequest } from './generator';

export interface ShowerBenchResult {
  showers: number;
  seconds: number;
  showersPerSecond: number;
  meanHits: number;
}

export function benchShowers(detector: Detector, request: ShowerRequest, count = 1000, seed = 1): ShowerBenchResult {
  const started = performance.now();
  const showers = generateShowers(detector, request, { seed, count });
  const seconds = (performance.now() - started) / 1000;
  const hits = showers.reduce((sum, s) => sum + s.hits.length, 0);
  return { showers: count, seconds, showersPerSecond: count / seconds, meanHits: hits / count };
}
