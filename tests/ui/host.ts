// One test's instance of the test-only ui-host (src-tauri/ui-host): Flow Desk's real
// commands and core on Tauri's mock runtime, in a fresh data folder with keys in memory,
// served over loopback to this process only (a random token on every request).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Ask } from '../../ui/src/bindings/Ask';
import { ROOT } from './mock-bundle';

/** The binary global-setup.ts checks for (built by `cargo build -p flowdesk-ui-host`). */
export const HOST_BIN = path.join(process.env.CARGO_TARGET_DIR ?? path.join(ROOT, 'target'), 'debug/flowdesk-ui-host');

/** What a command answered: the page's invoke resolves with `ok` or rejects with `reject`. */
export type Reply = { ok: unknown } | { reject: unknown };
export type Emitted = { seq: number; event: string; payload: unknown };

const STARTUP_MS = 15_000;

/** How a test wants its app: the keychain, and files already in the data folder. */
export type HostOptions = {
  /** `absent`: the real keychain code with no session bus (as on a desktop without one). */
  keychain?: 'memory' | 'absent';
  /** Files (name → text) the data folder holds before the app starts, as an earlier run left them. */
  files?: Record<string, string>;
};

export class Host {
  private constructor(
    private readonly child: ChildProcess,
    private readonly origin: string,
    private readonly token: string,
    /** The app's data folder (settings, history, the local sandbox's sandbox.json). */
    readonly dataDir: string,
    private readonly scratch: string,
  ) {}

  static async start(options: HostOptions = {}): Promise<Host> {
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'flowdesk-ui-'));
    const dataDir = path.join(scratch, 'data');
    const bin = path.join(scratch, 'bin');
    const home = path.join(scratch, 'home');
    for (const dir of [dataDir, bin, home]) fs.mkdirSync(dir);
    for (const [name, text] of Object.entries(options.files ?? {})) fs.writeFileSync(path.join(dataDir, name), text, { mode: 0o600 });
    // The desktop's "open this URL" (the mail app, the browser): recorded, never opened.
    fs.writeFileSync(path.join(bin, 'xdg-open'), `#!/bin/sh\nprintf '%s\\n' "$1" >> '${path.join(scratch, 'opened.txt')}'\n`, {
      mode: 0o755,
    });
    const token = randomBytes(32).toString('hex');
    // No display and no session bus: the host never reaches the person's desktop.
    const child = spawn(HOST_BIN, [dataDir], {
      env: {
        PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}`,
        HOME: home,
        XDG_DATA_HOME: home,
        XDG_CONFIG_HOME: home,
        FLOWDESK_UI_HOST_KEYCHAIN: options.keychain ?? 'memory',
        ...(options.keychain === 'absent' ? { DBUS_SESSION_BUS_ADDRESS: `unix:path=${path.join(scratch, 'no-bus')}` } : {}),
      },
      stdio: ['pipe', 'pipe', process.env.FLOWDESK_UI_HOST_LOG ? 'inherit' : 'pipe'],
    });
    // Its log is only worth reading when it fails to start.
    let log = '';
    child.stderr?.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-4000)));
    child.stdin!.write(`${token}\n`);
    const origin = await listeningOn(child).catch((e: Error) => {
      child.kill('SIGKILL');
      throw new Error(`${e.message}\n${log}`);
    });
    return new Host(child, origin, token, dataDir, scratch);
  }

  private async request(method: string, route: string, body?: unknown, signal?: AbortSignal): Promise<unknown> {
    const res = await fetch(`${this.origin}${route}`, {
      method,
      signal,
      headers: { authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`ui-host ${method} ${route}: ${res.status} ${await res.text()}`);
    return res.status === 204 ? null : res.json();
  }

  /** Runs a command exactly as the page's invoke would. */
  invoke(cmd: string, args: unknown): Promise<Reply> {
    return this.request('POST', '/invoke', { cmd, args }) as Promise<Reply>;
  }

  /** The events the app emitted after `seq` (waits a while for one). */
  eventsAfter(seq: number, signal?: AbortSignal): Promise<Emitted[]> {
    return this.request('GET', `/events?after=${seq}`, undefined, signal) as Promise<Emitted[]>;
  }

  /** The next answers of the native confirmation dialog (it says yes after them). */
  async answerNext(...answers: boolean[]): Promise<void> {
    await this.request('POST', '/confirm', { answers });
  }

  /** Every question the native dialog was asked. */
  asked(): Promise<Ask[]> {
    return this.request('GET', '/confirm') as Promise<Ask[]>;
  }

  /** The URLs the app handed to the desktop to open (xdg-open), oldest first. */
  opened(): string[] {
    const file = path.join(this.scratch, 'opened.txt');
    return fs.existsSync(file) ? fs.readFileSync(file, 'utf-8').split('\n').filter(Boolean) : [];
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      this.child.stdin!.end(); // the host leaves when its stdin closes
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
      if (this.child.exitCode === null) this.child.kill('SIGKILL');
    }
    fs.rmSync(this.scratch, { recursive: true, force: true });
  }
}

/** The origin from the host's one stdout line, or a clear failure. */
function listeningOn(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`ui-host did not start within ${STARTUP_MS} ms`)), STARTUP_MS);
    child.once('exit', (code) => reject(new Error(`ui-host exited (${code}) before listening`)));
    createInterface({ input: child.stdout! }).once('line', (line) => {
      clearTimeout(timer);
      const m = /^listening (http:\/\/127\.0\.0\.1:\d+)$/.exec(line);
      if (m) resolve(m[1]!);
      else reject(new Error(`ui-host said: ${line}`));
    });
  });
}
