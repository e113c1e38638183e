import { defineConfig } from 'vitest/config';

// Kernel tests run on Dawn (SwiftShader on GPU-less machines); one worker keeps 2 cores usable.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
