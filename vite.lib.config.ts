import { defineConfig } from 'vite';
import pkg from './package.json' with { type: 'json' };

// The npm package's browser entry points (package.json "exports"), built as ES modules with
// their WGSL inlined. Dependencies and the three peer stay imports, for the user's bundler to
// resolve once (a second copy of three or lit would break the shared renderer and elements).
const external = [...Object.keys(pkg.dependencies), ...Object.keys(pkg.peerDependencies), ...Object.keys(pkg.optionalDependencies)];

export default defineConfig({
  // Shipped weights load from `weights/` beside the embedding page (import.meta.env.BASE_URL).
  base: './',
  publicDir: false,
  build: {
    outDir: 'lib',
    emptyOutDir: false,
    target: 'es2022',
    sourcemap: true,
    lib: {
      entry: { index: 'src/package/index.ts', sims: 'src/package/sims.ts', gpu: 'src/package/gpu.ts', node: 'src/package/node.ts' },
      formats: ['es'],
    },
    rollupOptions: {
      external: (id) => id.startsWith('node:') || external.some((dep) => id === dep || id.startsWith(`${dep}/`)),
    },
  },
});
