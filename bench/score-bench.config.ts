import { defineConfig } from 'vitest/config';

// The score benchmark runs under vitest so Vite resolves tfjs-core's ESM gradient modules.
export default defineConfig({
  test: { include: ['bench/score*.bench.ts'], environment: 'node', testTimeout: 1_200_000, pool: 'forks' },
});
