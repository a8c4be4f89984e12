// Pieces the fake backends (fake-bulk.ts, fake-money.ts) share.
import type { FakeBackend } from './fake-backend';

/** One CSV field, quoted when it holds a quote, comma or line break; null is empty. */
function csvField(v: string | null): string {
  const s = v ?? '';
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A CSV file as the real backend writes it: the head line, one line per row, a final newline. */
export function csvText(head: string, rows: Array<Array<string | null>>): string {
  return [head, ...rows.map((r) => r.map(csvField).join(','))].join('\n') + '\n';
}

type Handler = { handle(cmd: string, args: Record<string, unknown>): unknown };

/**
 * The fake held on `backend` under `key`, or else a new one (made by `make`) wired in
 * for `commands` with backend.on() and kept there, so every caller gets the same one.
 */
export function attachedFake<F extends Handler>(
  backend: FakeBackend,
  key: string,
  kind: new (backend: FakeBackend) => F,
  commands: readonly string[],
): F {
  const slots = backend as unknown as Record<string, unknown>;
  const held = slots[key];
  if (held instanceof kind) return held;
  const fake = new kind(backend);
  for (const cmd of commands) backend.on(cmd, (args) => fake.handle(cmd, args));
  slots[key] = fake;
  return fake;
}
