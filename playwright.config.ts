// UI tests: the BUILT UI (ui/dist, `npm run build` first) served by `vite preview`,
// in Debian's Chromium (never a downloaded browser), every invoke answered by the real
// commands and core (the test-only ui-host, one per test, see tests/ui/host.ts).
import { defineConfig } from '@playwright/test';

// FLOWDESK_UI_PORT lets two runs share a machine.
const PORT = Number(process.env.FLOWDESK_UI_PORT ?? 4173);

export default defineConfig({
  testDir: 'tests/ui',
  testMatch: '*.spec.ts',
  globalSetup: './tests/ui/global-setup.ts',
  outputDir: 'test-results/ui',
  reporter: 'list',
  fullyParallel: true,
  workers: 2,
  retries: 0,
  forbidOnly: !!process.env.CI,
  timeout: 30_000,
  expect: { timeout: 5_000 },
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    browserName: 'chromium',
    viewport: { width: 1000, height: 800 },
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    },
  },
  webServer: {
    command: `npx vite preview --port ${PORT} --strictPort --host 127.0.0.1`,
    url: `http://127.0.0.1:${PORT}/`,
    reuseExistingServer: false,
    timeout: 30_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
