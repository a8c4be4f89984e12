// The local sandbox of a test's data folder, reached as any program on the machine would:
// its origin and Basic credentials from sandbox.json, its test controls under /_sandbox
// (faults, seeded users, claiming and completing flows, balances).
import fs from 'node:fs';
import path from 'node:path';

type SandboxFile = { port: number | null; client_id: string; api_key: string };

/** A fault the sandbox serves instead of (or after) the real handler; see faults.rs. */
export type Fault = {
  fault:
    | { kind: 'status'; status: number; retry_after?: number; body?: string }
    | { kind: 'latency'; ms: number }
    | { kind: 'malformed_json' }
    | { kind: 'drop' };
  when?: 'before' | 'after_commit';
  count?: number;
  method?: string;
  path_prefix?: string;
};

export class Sandbox {
  constructor(private readonly dataDir: string) {}

  private endpoint(): { origin: string; auth: string } {
    const file = JSON.parse(fs.readFileSync(path.join(this.dataDir, 'sandbox.json'), 'utf-8')) as SandboxFile;
    if (file.port === null) throw new Error('the local sandbox has not started (sandbox.json has no port)');
    const auth = Buffer.from(`${file.client_id}:${file.api_key}`).toString('base64');
    return { origin: `http://127.0.0.1:${file.port}`, auth: `Basic ${auth}` };
  }

  /** The Basic credentials Dots' API takes here: what a person would save as the key. */
  get credentials(): { clientId: string; apiKey: string } {
    const file = JSON.parse(fs.readFileSync(path.join(this.dataDir, 'sandbox.json'), 'utf-8')) as SandboxFile;
    return { clientId: file.client_id, apiKey: file.api_key };
  }

  /** "http://127.0.0.1:PORT": where the hosted pages and links live. */
  get origin(): string {
    return this.endpoint().origin;
  }

  async call(method: string, route: string, body?: unknown): Promise<unknown> {
    const { origin, auth } = this.endpoint();
    const res = await fetch(`${origin}/_sandbox${route}`, {
      method,
      headers: { authorization: auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`sandbox ${method} ${route}: ${res.status} ${text}`);
    return text === '' ? null : JSON.parse(text);
  }

  /** Queues a fault (served to the next matching API request, `count` times). */
  fault(spec: Fault): Promise<unknown> {
    return this.call('POST', '/faults', spec);
  }

  /** A person claims the flow (as the hosted page does); returns the user id. */
  async claim(flowId: string, userId?: string): Promise<string> {
    const reply = (await this.call('POST', `/flows/${flowId}/claim`, userId ? { user_id: userId } : {})) as { user_id: string };
    return reply.user_id;
  }

  /** The person completes one step of the flow. */
  complete(flowId: string, step: string): Promise<unknown> {
    return this.call('POST', `/flows/${flowId}/complete`, { step });
  }

  /** A user in Dots (fields as in the sandbox's SeedUser); returns it as the sandbox stores it. */
  seedUser(user: Record<string, unknown>): Promise<{ id: string } & Record<string, unknown>> {
    return this.call('POST', '/users', user) as Promise<{ id: string } & Record<string, unknown>>;
  }

  /** The payee claims a payout link on its hosted page (the page's own form post). */
  async claimPayoutLink(id: string): Promise<void> {
    const res = await fetch(`${this.origin}/payout-link/${id}/claim`, { method: 'POST', redirect: 'manual' });
    if (res.status !== 303) throw new Error(`claiming payout link ${id}: ${res.status} ${await res.text()}`);
  }

  setAppBalance(cents: number): Promise<unknown> {
    return this.call('POST', '/app-balance', { cents });
  }
}
