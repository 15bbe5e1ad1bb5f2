// Vite builds the console into admin/dist (or --outDir): hashed files under assets/, which
// the Fondaco server caches forever, and an index.html it revalidates on every load.
import { defineConfig } from 'vite';

export default defineConfig({
  root: decodeURIComponent(new URL('.', import.meta.url).pathname),
  base: '/admin/',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2020',
    // The preload polyfill would be an inline script, which the server's CSP forbids.
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 300,
  },
  // `npm run dev` in web/: the API of a locally running `fondaco serve` behind Vite.
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
});
