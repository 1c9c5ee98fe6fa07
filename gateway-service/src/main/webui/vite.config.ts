import { defineConfig } from 'vite';

// Served by the gateway (Quinoa): same origin as /api/v1, so no CORS and no proxy in production.
// `npm run dev` alone proxies the API to a gateway on 8080.
export default defineConfig({
  build: { outDir: 'dist', sourcemap: true, chunkSizeWarningLimit: 800 },
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
});
