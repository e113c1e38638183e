import { defineConfig } from 'vitest/config';

// The nn benchmark runs under vitest so Vite resolves tfjs-core's ESM gradient modules.
export default defineConfig({
  test: { include: ['bench/nn-*.bench.ts'], environment: 'node', testTimeout: 600_000, pool: 'forks' },
});
