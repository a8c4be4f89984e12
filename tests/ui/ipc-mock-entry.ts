// Runs in the page before the app (bundled to an IIFE by global-setup.ts and injected
// with page.addInitScript). It installs Tauri's IPC mock and forwards every command to
// the Node side (`window.__flowDeskIpc`, exposed per test by fixtures.ts), which records
// it and has the real Rust commands (the ui-host) answer it.
import { emit } from '@tauri-apps/api/event';
import { mockIPC } from '@tauri-apps/api/mocks';

/** How the Node side answers: a value, or a rejection (the Rust side's AppError). */
type Reply = { ok: unknown } | { reject: unknown };

declare global {
  interface Window {
    __flowDeskIpc?: (cmd: string, args: unknown) => Promise<Reply>;
    /** The Node side pushes the app's events (flow-watch, bulk-progress, ...) through this. */
    __flowDeskEmit?: (event: string, payload: unknown) => Promise<void>;
  }
}

mockIPC(async (cmd, args) => {
  const forward = window.__flowDeskIpc;
  if (!forward) throw { kind: 'internal', message: `no IPC handler for ${cmd}` };
  const reply = await forward(cmd, args ?? {});
  if ('reject' in reply) throw reply.reject;
  return reply.ok;
}, { shouldMockEvents: true });

window.__flowDeskEmit = (event, payload) => emit(event, payload);
