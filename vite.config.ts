import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The UI lives in ui/; Tauri loads the build from ui/dist (tauri.conf.json `frontendDist`)
// and the dev server from http://localhost:5173 (`devUrl`).
const uiRoot = fileURLToPath(new URL('./ui', import.meta.url));

// `vite preview` (what the UI tests load) serves the app's own CSP, so a build that
// would break under it fails the tests.
const tauriConf = JSON.parse(readFileSync(new URL('./tauri.conf.json', import.meta.url), 'utf8')) as {
  app?: { security?: { csp?: string } };
};
const csp = tauriConf.app?.security?.csp;

export default defineConfig({
  root: uiRoot,
  // Relative asset URLs, so the build works from tauri:// and from `vite preview` alike.
  base: './',
  // JSX through Vite's own transform (no React plugin needed for a build).
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  clearScreen: false,
  envPrefix: ['VITE_', 'TAURI_ENV_'],
  server: { port: 5173, strictPort: true, host: 'localhost' },
  preview: {
    port: 4173,
    strictPort: true,
    host: '127.0.0.1',
    headers: csp ? { 'Content-Security-Policy': csp } : {},
  },
  build: {
    outDir: fileURLToPath(new URL('./ui/dist', import.meta.url)),
    emptyOutDir: true,
    // The strict CSP forbids inline code: never inline assets as data: scripts or styles.
    assetsInlineLimit: 0,
    sourcemap: false,
    target: 'es2022',
  },
});
