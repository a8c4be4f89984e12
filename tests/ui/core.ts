// What a spec sees of the app's Rust side: every invoke the page makes goes to the real
// core (the ui-host) and is recorded here; the page's plugin calls that reach the desktop
// (clipboard, "open in browser") are recorded instead of performed.
import type { FlowRequest } from '../../ui/src/bindings/FlowRequest';
import type { Host, Reply } from './host';
import type { Sandbox } from './sandbox';

/** One invoke the page made, and what it got back (none yet while it runs). */
export type Call = { cmd: string; args: Record<string, unknown>; at: number; reply?: Reply };

/** A command's error, as the page's invoke rejects with it. */
export class CommandError extends Error {
  constructor(readonly cmd: string, readonly error: { kind?: string; message?: string }) {
    super(`${cmd} failed: ${error.kind}: ${error.message}`);
  }
}

/** A reply held back until the test releases it (the real reply, only late). */
type Hold = { cmd: string; matches: (args: Record<string, unknown>) => boolean; gate: Promise<void>; answered: boolean };

export class Core {
  readonly calls: Call[] = [];
  /** The desktop around the window: what was copied and opened, and a clipboard that can fail. */
  readonly desktop = { clipboard: null as string | null, opened: [] as string[], clipboardError: null as string | null };
  private holds: Hold[] = [];

  constructor(
    readonly host: Host,
    readonly sandbox: Sandbox,
  ) {}

  /** The dispatcher the page calls through window.__flowDeskIpc. */
  async handle(cmd: string, args: Record<string, unknown>): Promise<Reply> {
    const call: Call = { cmd, args: structuredClone(args), at: Date.now() };
    this.calls.push(call);
    const reply = this.desktopCall(cmd, args) ?? (await this.host.invoke(cmd, args));
    call.reply = reply;
    const hold = this.holds.find((h) => h.cmd === cmd && h.matches(args));
    if (hold) {
      await hold.gate;
      hold.answered = true;
    }
    return reply;
  }

  private desktopCall(cmd: string, args: Record<string, unknown>): Reply | null {
    if (cmd === 'plugin:opener|open_url') {
      this.desktop.opened.push(String(args.url));
      return { ok: null };
    }
    if (cmd === 'plugin:clipboard-manager|write_text') {
      if (this.desktop.clipboardError) return { reject: this.desktop.clipboardError };
      this.desktop.clipboard = String(args.text);
      return { ok: null };
    }
    return null;
  }

  /** Runs a command as the page would, for a test's own setup; throws its error. */
  async invoke<T = unknown>(cmd: string, args: Record<string, unknown> = {}): Promise<T> {
    const reply = await this.host.invoke(cmd, args);
    if ('reject' in reply) throw new CommandError(cmd, reply.reject as CommandError['error']);
    return reply.ok as T;
  }

  /** Runs a command that must fail, and returns its error. */
  async invokeError(cmd: string, args: Record<string, unknown> = {}): Promise<{ kind: string; message: string }> {
    const reply = await this.host.invoke(cmd, args);
    if ('ok' in reply) throw new Error(`${cmd} should fail, got ${JSON.stringify(reply.ok)}`);
    return reply.reject as { kind: string; message: string };
  }

  /**
   * Points environment `id` at this test's local sandbox (Dots' API on loopback) and saves
   * the sandbox's key for it: it then acts like the real one, and nothing leaves the machine.
   */
  async pointAtSandbox(id: string, production: boolean | null = null): Promise<void> {
    const change = { name: null, base_url: `${this.sandbox.origin}/api`, app_id: null, production };
    await this.invoke('update_environment', { id, change });
    const { clientId, apiKey } = this.sandbox.credentials;
    await this.invoke('save_credentials', { environmentId: id, clientId, apiKey });
  }

  /** Adds an environment served by this test's local sandbox, with its key; returns its id. */
  async addSandboxEnvironment(name: string, production: boolean): Promise<string> {
    const before = await this.invoke<{ environments: Array<{ environment: { id: string } }> }>('environments');
    const environment = { name, base_url: `${this.sandbox.origin}/api`, app_id: null, production };
    const after = await this.invoke<typeof before>('add_environment', { environment });
    const added = after.environments.find((e) => !before.environments.some((b) => b.environment.id === e.environment.id));
    const id = added!.environment.id;
    const { clientId, apiKey } = this.sandbox.credentials;
    await this.invoke('save_credentials', { environmentId: id, clientId, apiKey });
    return id;
  }

  /** Holds the replies to matching calls until `release` is called. */
  hold(cmd: string, matches: (args: Record<string, unknown>) => boolean): { release: () => void; readonly answered: boolean } {
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const hold: Hold = { cmd, matches, gate, answered: false };
    this.holds.push(hold);
    return {
      release,
      get answered() {
        return hold.answered;
      },
    };
  }

  callsTo(cmd: string): Call[] {
    return this.calls.filter((c) => c.cmd === cmd);
  }

  lastRequest(cmd: string): FlowRequest | undefined {
    const calls = this.callsTo(cmd);
    return calls[calls.length - 1]?.args.request as FlowRequest | undefined;
  }
}
