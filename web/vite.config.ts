// The dashboard's build (npm run build:web → web/dist, served by the API process) and dev server
// (npm run dev: hot reload, API calls proxied to the Trackwire server).
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const api = process.env.TRACKWIRE_DEV_API ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', reportCompressedSize: false },
  server: {
    port: 5173,
    // The Host header is kept, so the API's same-origin check sees the page's own origin.
    proxy: Object.fromEntries(
      ['/api', '/c/', '/postback', '/healthz'].map((path) => [path, { target: api }]),
    ),
  },
});
