import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The IIFE global-setup.ts bundles from ipc-mock-entry.ts (under the git-ignored .tmp/). */
export const MOCK_BUNDLE = path.join(ROOT, '.tmp/ui-tests/ipc-mock.js');
