/**
 * Builds the web UI into web/dist (`vite build web`, part of `npm run build`); `charter serve`
 * serves it. `npx vite web` runs a dev server that proxies the API to a local `charter serve`.
 */
import { defineConfig } from 'vite';

// The config runs in Node; the web tsconfig carries browser types only.
declare const process: { env: Record<string, string | undefined> };

const api = process.env.CHARTER_SERVER ?? 'http://localhost:8080';

export default defineConfig({
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 400,
    rollupOptions: {
      // react-router marks its modules "use client" (for server components); meaningless in this bundle.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
      output: {
        // React and the router change rarely: their own long-cached chunk.
        manualChunks: { vendor: ['react', 'react-dom', 'react-dom/client', 'react-router'] },
      },
    },
  },
  server: {
    proxy: { '/api': api, '/openapi.json': api, '/healthz': api },
  },
});
