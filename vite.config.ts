import { defineConfig } from 'vite';

// Relative base so `npm run build` output works from any static host or sub-path.
export default defineConfig({
  base: './',
  build: {
    target: 'es2022',
    outDir: 'dist',
    chunkSizeWarningLimit: 2000,
    // The lab, and the example that embeds two labs in a plain page.
    rollupOptions: { input: { main: 'index.html', embed: 'examples/embed.html' } },
  },
  server: { host: '127.0.0.1', port: 5173 },
  preview: { host: '127.0.0.1', port: 4173 },
});
