// Builds the test-only ui-host (cargo does nothing when it is up to date), and bundles the
// IPC mock entry into one IIFE file that each test injects with page.addInitScript, so the
// mock is in place before any of the app's scripts run.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'vite';
import { HOST_BIN } from './host';
import { MOCK_BUNDLE, ROOT as root } from './mock-bundle';

const here = path.join(root, 'tests/ui');

export default async function globalSetup(): Promise<void> {
  if (!fs.existsSync(path.join(root, 'ui/dist/index.html'))) {
    throw new Error('ui/dist is missing: run `npm run build` before `npx playwright test`.');
  }
  execFileSync('cargo', ['build', '--quiet', '--locked', '-p', 'flowdesk-ui-host'], { cwd: root, stdio: 'inherit' });
  if (!fs.existsSync(HOST_BIN)) throw new Error(`${HOST_BIN} is missing after cargo build`);
  await build({
    configFile: false,
    root,
    logLevel: 'warn',
    build: {
      outDir: path.dirname(MOCK_BUNDLE),
      emptyOutDir: true,
      minify: false,
      copyPublicDir: false,
      lib: {
        entry: path.join(here, 'ipc-mock-entry.ts'),
        formats: ['iife'],
        name: 'FlowDeskIpcMock',
        fileName: () => path.basename(MOCK_BUNDLE),
      },
    },
  });
}
