import { defineConfig } from 'vite';

// The CLI as one file for Node (`particle-lab` in package.json's bin): the lab's own code and
// its WGSL are bundled in, so it starts without tsx or a loader hook; npm dependencies (Dawn's
// native `webgpu`, d3, h5wasm) stay imports, installed beside it.
// It sits in lib/, so `../public/` (the shipped weights, cli/plan.ts) means the same folder from
// the bundle as from the source.
export default defineConfig({
  publicDir: false,
  build: {
    ssr: 'cli/lab.ts',
    outDir: 'lib',
    target: 'node20',
    emptyOutDir: false,
    rollupOptions: {
      output: { entryFileNames: 'cli.js', banner: '#!/usr/bin/env node' },
    },
  },
});
