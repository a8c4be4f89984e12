// A small stand-in for the Rust side, in Node: the step catalog, the rules the specs
// need (the real ones live in flowdesk-dots), the wire body, and stateful flows whose
// progress a test moves on. Every call is recorded; any command can be overridden with
// a canned reply per test.
import type { Preferences } from '../../ui/src/bindings/Preferences';
import { randomUUID } from 'node:crypto';
import type { AppError } from '../../ui/src/bindings/AppError';
import type { AppInfo } from '../../ui/src/bindings/AppInfo';
import type { ConnectionReport } from '../../ui/src/bindings/ConnectionReport';
import type { CredentialStatus } from '../../ui/src/bindings/CredentialStatus';
import type { EnvironmentChange } from '../../ui/src/bindings/EnvironmentChange';
import type { EnvironmentsView } from '../../ui/src/bindings/EnvironmentsView';
import type { EnvironmentUpdateView } from '../../ui/src/bindings/EnvironmentUpdateView';
import type { EnvironmentView } from '../../ui/src/bindings/EnvironmentView';
import type { KeychainStatus } from '../../ui/src/bindings/KeychainStatus';
import type { NewEnvironment } from '../../ui/src/bindings/NewEnvironment';
import type { Flow } from '../../ui/src/bindings/Flow';
import type { Template } from '../../ui/src/bindings/Template';
import type { HistoryEntry } from '../../ui/src/bindings/HistoryEntry';
import type { FlowRequest } from '../../ui/src/bindings/FlowRequest';
import type { FlowView } from '../../ui/src/bindings/FlowView';
import type { RuleViolation } from '../../ui/src/bindings/RuleViolation';
import type { Step } from '../../ui/src/bindings/Step';
import type { StepCatalog } from '../../ui/src/bindings/StepCatalog';
import type { StepName } from '../../ui/src/bindings/StepName';
import type { StepOption } from '../../ui/src/bindings/StepOption';
import type { JsonValue } from '../../ui/src/bindings/serde_json/JsonValue';
import { FakeBulk } from './fake-bulk';
import { FakeMoney, MONEY_COMMANDS } from './fake-money';

export type Reply = { ok: unknown } | { reject: AppError };
export type Call = { cmd: string; args: Record<string, unknown>; at: number };
type Handler = (args: Record<string, unknown>) => unknown | Promise<unknown>;

/** Thrown by a handler to make the command reject with this AppError. */
export class Rejection {
  constructor(readonly error: AppError) {}
}

const STEPS: Array<[StepName, string, string, StepOption[]]> = [
  ['compliance', 'Compliance', 'Collects the tax details (W-9 / W-8) the user must file.', ['hide_continue_button']],
  ['id-verification', 'ID verification', "Verifies the user's identity with a government ID.", ['hide_continue_button']],
  ['background-check', 'Background check', 'Runs a background check on the user.', ['hide_continue_button']],
  ['manage-payments', 'Manage payments', 'Lets the user add or change how they pay.', ['hide_continue_button']],
  ['manage-payouts', 'Manage payouts', 'Lets the user add payout methods and set preferences.', ['hide_continue_button', 'auto_payout_enabled']],
  ['payout', 'Payout', 'Lets the user withdraw their wallet balance.', ['hide_continue_button', 'auto_payout_enabled']],
  ['redirect', 'Redirect', 'Sends the user to your URL; must be the last step.', ['hide_continue_button', 'redirect_url']],
  ['pdf-form-fill', 'PDF form fill', 'Has the user fill in and sign one of your PDF templates.', ['hide_continue_button', 'template_id']],
];

export const CATALOG: StepCatalog = {
  steps: STEPS.map(([name, title, description, options]) => ({ name, title, description, options })),
  implicit: {
    name: 'authentication',
    title: 'Sign-in / onboarding',
    description: 'Added by Dots when no user_id is given: the person signs in or creates their Dots account first.',
  },
};

/** What link_qr answers in the specs: a tiny SVG document. */
export const QR_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4"><rect width="4" height="4" fill="#fff"/><rect width="2" height="2" fill="#000"/><rect x="2" y="2" width="2" height="2" fill="#000"/></svg>';

export const SANDBOX_INFO: AppInfo = {
  environment: 'Local sandbox',
  base_url: 'http://127.0.0.1:4010/api',
  local_sandbox: true,
  version: '0.1.0',
};

/** Dots' production host: an environment on it is production whatever it is called. */
export const PRODUCTION_HOST = 'api.dots.dev';

/** Like flowdesk-settings' Environment::view: host and is_production derived, never from the name. */
export function envView(
  id: string,
  name: string,
  baseUrl: string | null,
  opts: { production?: boolean; appId?: string | null; clientId?: string | null } = {},
): EnvironmentView {
  const host = baseUrl ? new URL(baseUrl).hostname : null;
  const production = opts.production ?? false;
  return {
    id,
    name,
    base_url: baseUrl,
    host,
    app_id: opts.appId ?? null,
    client_id: opts.clientId ?? null,
    production_mark: production,
    is_production: production || host === PRODUCTION_HOST,
    builtin: ['local', 'sandbox', 'production'].includes(id),
    local: id === 'local',
  };
}

export function builtinEnvironments(): EnvironmentView[] {
  return [
    envView('local', 'Local sandbox', null),
    envView('sandbox', 'Sandbox', 'https://pls.senddotssandbox.com/api'),
    envView('production', 'Production', 'https://api.dots.dev/api'),
  ];
}

type StoredKey = { clientId: string; apiKey: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The subset of flowdesk-dots' rules the specs rely on, with the same messages. */
export function validate(req: FlowRequest): RuleViolation[] {
  const out: RuleViolation[] = [];
  if (req.steps.length === 0 && req.user_id)
    out.push({
      step: null,
      field: 'steps',
      message: 'Add at least one step: a flow for an existing user needs something for them to do.',
    });
  const seen = new Set<string>();
  const redirectAt = req.steps.findIndex((s) => s.name === 'redirect');
  req.steps.forEach((step, i) => {
    const label = `Step ${i + 1} (${step.name})`;
    if (seen.has(step.name)) {
      out.push({ step: i, field: 'steps', message: `${label} is already in the flow: each step can appear once.` });
    }
    seen.add(step.name);
    if (redirectAt >= 0 && i > redirectAt) {
      out.push({
        step: i,
        field: 'steps',
        message: `${label} comes after the redirect: the redirect must be the last step, since the person leaves the flow there.`,
      });
    }
    if (step.name === 'redirect') {
      const url = step.redirect_url?.trim() ?? '';
      if (url === '') out.push({ step: i, field: 'redirect_url', message: `${label} needs a redirect URL.` });
      else if (!/^https?:\/\/[^/]+\.[^/]+/.test(url)) {
        out.push({ step: i, field: 'redirect_url', message: `${label}: "${url}" is not a URL (expected https://…).` });
      }
    }
    if (step.name === 'pdf-form-fill' && (step.template_id?.trim() ?? '') === '') {
      out.push({ step: i, field: 'template_id', message: `${label} needs the id of the PDF template to fill.` });
    }
  });
  const userId = req.user_id?.trim() ?? '';
  if (userId !== '') {
    if (!UUID.test(userId)) {
      out.push({
        step: null,
        field: 'user_id',
        message: `User id "${userId}" is not a UUID (like 0b0c5e8f-6b3a-4d2e-9a77-3f1c2d4e5f60).`,
      });
    }
  } else if (req.require_auth === true) {
    out.push({
      step: null,
      field: 'require_auth',
      message: 'Require sign-in only applies with a user id: without one, Dots always asks the person to sign in.',
    });
  }
  return out;
}

function stepWire(step: Step): JsonValue {
  const { name, ...options } = step;
  return Object.keys(options).length === 0 ? name : ({ name, ...options } as JsonValue);
}

/** Like FlowRequest::wire_body: bare names unless a step has options, unset fields left out. */
export function wireBody(req: FlowRequest): JsonValue {
  const body: Record<string, JsonValue> = { steps: req.steps.map(stepWire) };
  const userId = req.user_id?.trim();
  if (userId) body.user_id = userId;
  if (req.require_auth !== undefined) body.require_auth = req.require_auth;
  if (req.hide_go_to_dashboard_on_complete !== undefined) {
    body.hide_go_to_dashboard_on_complete = req.hide_go_to_dashboard_on_complete;
  }
  if (req.metadata !== undefined) body.metadata = req.metadata as JsonValue;
  return body;
}

function view(flow: Flow, environmentId: string): FlowView {
  const pending = flow.steps.filter((s) => !flow.completed_steps.includes(s));
  const total = flow.steps.length;
  return {
    flow: structuredClone(flow),
    progress: {
      claimed: !!flow.user_id,
      completed: total - pending.length,
      total,
      done: total > 0 && pending.length === 0,
      pending,
    },
    environment_id: environmentId,
  };
}

/** What the core's native dialog (raised by Rust, never by the page) is asked and answers. */
export type NativeAsk = { action: string; environment: string; host: string | null };

export class FakeBackend {
  /** The native Production dialog: its answer, and every question it was asked. */
  nativeDialog: { answer: boolean; asked: NativeAsk[] } = { answer: true, asked: [] };

  /** As the core does: Production is confirmed in the native dialog, or nothing is sent. */
  confirmInNativeDialog(action: string, env: EnvironmentView, what: string): void {
    if (!env.is_production) return;
    this.nativeDialog.asked.push({ action, environment: env.name, host: env.host });
    if (!this.nativeDialog.answer) {
      throw new Rejection({ kind: 'confirmation_required', message: `${what} in ${env.name} was not confirmed: nothing was sent.` });
    }
  }

  readonly calls: Call[] = [];
  readonly flows = new Map<string, Flow>();
  /** The environment each flow was created in (a flow is only found there). */
  readonly flowEnvironment = new Map<string, string>();
  info: AppInfo = { ...SANDBOX_INFO };
  environments: EnvironmentView[] = builtinEnvironments();
  active = 'local';
  keychain: KeychainStatus = { available: true, message: null };
  /** Returned by the first environments() only, like the settings loader's one-time notice. */
  notice: string | null = null;
  /** The keychain: environment id → key. Tests may look; the UI never gets a key back. */
  readonly keys = new Map<string, StoredKey>();
  connection: ConnectionReport = { ok: true, kind: null, sentence: 'Connected: Dots accepted the key.' };
  private overrides = new Map<string, Handler>();
  /** Flows the (fake) scheduler watches. */
  readonly watched = new Set<string>();
  /** The app's history of created flows, newest first. */
  history: HistoryEntry[] = [];
  /** Saved templates by name. */
  templates = new Map<string, Template>();
  /** What the clipboard plugin was last given. */
  clipboard: string | null = null;
  /** The bulk-links side: answers every bulk_* command (see fake-bulk.ts). */
  readonly bulk: FakeBulk = new FakeBulk(this);
  /** The users-and-money side: answers the users, money, payout link, audit and limits commands (see fake-money.ts). */
  readonly money: FakeMoney = new FakeMoney(this);
  prefs: Preferences = {
    poll_interval_secs: 5,
    email_template: { subject: 'Finish setting up your payouts', body: 'Please follow this link: {link}' },
    extra_ca_path: null,
  };

  /** Answer `cmd` with this handler from now on (throw a Rejection to reject). */
  on(cmd: string, handler: Handler): void {
    this.overrides.set(cmd, handler);
  }

  /** Back to the default behaviour for `cmd`. */
  off(cmd: string): void {
    this.overrides.delete(cmd);
  }

  callsTo(cmd: string): Call[] {
    return this.calls.filter((c) => c.cmd === cmd);
  }

  lastRequest(cmd: string): FlowRequest | undefined {
    const calls = this.callsTo(cmd);
    return calls[calls.length - 1]?.args.request as FlowRequest | undefined;
  }

  /** The dispatcher the page calls through window.__flowDeskIpc. */
  async handle(cmd: string, args: Record<string, unknown>): Promise<Reply> {
    this.calls.push({ cmd, args: structuredClone(args), at: Date.now() });
    try {
      const handler = this.overrides.get(cmd) ?? ((a: Record<string, unknown>) => this.default(cmd, a));
      const value = await handler(args);
      return { ok: value === undefined ? null : value };
    } catch (e) {
      if (e instanceof Rejection) return { reject: e.error };
      return { reject: { kind: 'internal', message: `fake backend: ${String(e)}` } };
    }
  }

  private default(cmd: string, args: Record<string, unknown>): unknown {
    switch (cmd) {
      case 'app_info':
        return this.info;
      case 'view_state':
        return {};
      case 'email_open':
        return null;
      case 'set_view_state':
        return null;
      case 'step_catalog':
        return CATALOG;
      case 'validate_flow':
        return validate(args.request as FlowRequest);
      case 'preview_request':
        return wireBody(args.request as FlowRequest);
      case 'create_flow':
        return this.create(args.request as FlowRequest, args.environmentId as string);
      case 'get_flow': {
        const id = args.id as string;
        const flow = this.flows.get(id);
        const environmentId = args.environmentId as string;
        this.env(environmentId);
        if (!flow || this.flowEnvironment.get(id) !== environmentId) {
          throw new Rejection({ kind: 'not_found', message: `Dots has no such object (404): flow ${String(args.id)}` });
        }
        return view(flow, environmentId);
      }
      case 'environments': {
        const out = this.view();
        this.notice = null;
        return out;
      }
      case 'set_active_environment':
        this.env(args.id as string);
        this.active = args.id as string;
        return this.view();
      case 'add_environment':
        return this.add(args.environment as NewEnvironment);
      case 'update_environment':
        return this.update(args.id as string, args.change as EnvironmentChange);
      case 'remove_environment': {
        const env = this.env(args.id as string);
        if (env.builtin) throw new Rejection({ kind: 'built_in', message: `"${env.name}" is built in and cannot be removed` });
        this.environments = this.environments.filter((e) => e.id !== env.id);
        this.keys.delete(env.id);
        if (this.active === env.id) this.active = 'local';
        return this.view();
      }
      case 'save_credentials': {
        const env = this.env(args.environmentId as string);
        if (env.local) throw new Rejection({ kind: 'invalid', message: 'The Local sandbox needs no key' });
        if (!this.keychain.available) {
          throw new Rejection({ kind: 'keychain_unavailable', message: this.keychain.message ?? 'No keychain' });
        }
        const clientId = String(args.clientId ?? '').trim();
        const apiKey = String(args.apiKey ?? '');
        if (clientId === '' || apiKey === '') throw new Rejection({ kind: 'invalid', message: 'Enter the client ID and the key' });
        this.keys.set(env.id, { clientId, apiKey });
        env.client_id = clientId;
        return this.view();
      }
      case 'delete_credentials': {
        const env = this.env(args.environmentId as string);
        this.keys.delete(env.id);
        env.client_id = null;
        return this.view();
      }
      case 'test_connection': {
        const env = this.env(args.environmentId as string);
        if (!env.local && !this.keys.has(env.id)) {
          return { ok: false, kind: 'not_configured', sentence: `No API key is saved for ${env.name}.` };
        }
        return this.connection;
      }
      case 'plugin:opener|open_url':
        return null;
      case 'watch_flow': {
        const id = args.id as string;
        this.env(args.environmentId as string);
        if (!this.flows.has(id) || this.flowEnvironment.get(id) !== args.environmentId) {
          throw new Rejection({ kind: 'not_found', message: `Dots has no such object (404): flow ${id}` });
        }
        this.watched.add(id);
        return null;
      }
      case 'unwatch_flow':
        this.watched.delete(args.id as string);
        return null;
      case 'refresh_flow':
        return null;
      case 'preferences':
        return this.prefs;
      case 'set_email_template':
        this.prefs = { ...this.prefs, email_template: args.template as Preferences['email_template'] };
        return this.prefs;
      case 'set_poll_interval':
        this.prefs = { ...this.prefs, poll_interval_secs: Number(args.seconds) };
        return null;
      case 'link_qr':
        return QR_SVG;
      case 'email_link': {
        const draft = args.draft as { link: string; steps: string[]; reference?: string };
        const subject = encodeURIComponent(`Your onboarding link${draft.reference ? ` (${draft.reference})` : ''}`);
        return `mailto:?subject=${subject}&body=${encodeURIComponent(draft.link)}`;
      }
      case 'history_search': {
        const q = String(args.query ?? '').toLowerCase();
        const limit = Number(args.limit ?? 100);
        return this.history
          .filter((e) =>
            q === ''
              ? true
              : [e.flow_id, e.reference ?? '', e.environment_name, e.user_id ?? '', ...e.steps].some((f) => f.toLowerCase().includes(q)),
          )
          .slice(0, limit);
      }
      case 'history_delete':
        this.history = this.history.filter((e) => e.flow_id !== args.flowId);
        return null;
      case 'history_clear':
        this.history = [];
        return null;
      case 'history_retention': {
        const days = Number(args.days);
        const cut = Date.now() - days * 86_400_000;
        const before = this.history.length;
        this.history = this.history.filter((e) => Date.parse(e.created_at) >= cut);
        return before - this.history.length;
      }
      case 'list_remote_flows': {
        const env = this.env(args.environmentId as string);
        const p = (args.params ?? {}) as { limit?: number; starting_after?: string; ending_before?: string };
        const all = [...this.flows.values()].filter((f) => this.flowEnvironment.get(f.id) === env.id);
        const limit = p.limit ?? 10;
        if (p.ending_before) {
          const end = all.findIndex((f) => f.id === p.ending_before);
          const start = Math.max(0, end - limit);
          return { data: all.slice(start, end), has_more: start > 0 };
        }
        const from = p.starting_after ? all.findIndex((f) => f.id === p.starting_after) + 1 : 0;
        return { data: all.slice(from, from + limit), has_more: from + limit < all.length };
      }
      case 'templates_list':
        return [...this.templates.values()].sort((a, b) => a.name.localeCompare(b.name));
      case 'template_save': {
        const t = args.template as Template;
        if (t.name.trim() === '') throw new Rejection({ kind: 'invalid', message: 'A template needs a name' });
        this.templates.set(t.name, structuredClone(t));
        return null;
      }
      case 'template_rename': {
        const t = this.templates.get(args.from as string);
        if (!t) throw new Rejection({ kind: 'not_found', message: `No template "${String(args.from)}"` });
        if (this.templates.has(args.to as string)) throw new Rejection({ kind: 'invalid', message: `A template "${String(args.to)}" exists` });
        this.templates.delete(t.name);
        this.templates.set(args.to as string, { ...t, name: args.to as string });
        return null;
      }
      case 'template_delete':
        this.templates.delete(args.name as string);
        return null;
      case 'templates_export': {
        const names = args.names as string[] | null;
        return JSON.stringify({ templates: [...this.templates.values()].filter((t) => !names || names.includes(t.name)) });
      }
      case 'templates_import': {
        let parsed: { templates?: Template[] };
        try {
          parsed = JSON.parse(String(args.json)) as { templates?: Template[] };
        } catch {
          throw new Rejection({ kind: 'invalid', message: 'The file is not JSON' });
        }
        const report = { added: [] as string[], replaced: [] as string[], skipped: [] as Array<[string, string]> };
        for (const t of parsed.templates ?? []) {
          if (!t.name || !Array.isArray(t.steps)) {
            report.skipped.push([String(t.name ?? '?'), 'no steps']);
            continue;
          }
          (this.templates.has(t.name) ? report.replaced : report.added).push(t.name);
          this.templates.set(t.name, t);
        }
        return report;
      }
      case 'plugin:clipboard-manager|write_text':
        this.clipboard = String(args.text);
        return null;
      default:
        if (cmd.startsWith('bulk_')) return this.bulk.handle(cmd, args);
        if ((MONEY_COMMANDS as readonly string[]).includes(cmd)) return this.money.handle(cmd, args);
        throw new Rejection({ kind: 'internal', message: `unknown command ${cmd}` });
    }
  }

  /** The environment with this id, or the backend's error for an unknown one. */
  env(id: string): EnvironmentView {
    const env = this.environments.find((e) => e.id === id);
    if (!env) throw new Rejection({ kind: 'invalid', message: `Unknown environment "${id}"` });
    return env;
  }

  credential(env: EnvironmentView): CredentialStatus | null {
    if (env.local || !this.keychain.available) return null;
    const key = this.keys.get(env.id);
    return key
      ? { configured: true, client_id: key.clientId, key_last4: key.apiKey.slice(-4) }
      : { configured: false, client_id: env.client_id, key_last4: null };
  }

  view(): EnvironmentsView {
    return structuredClone({
      active: this.active,
      environments: this.environments.map((environment) => ({
        environment,
        credential: this.credential(environment),
        credential_error:
          environment.local || this.keychain.available
            ? null
            : { kind: 'keychain_unavailable' as const, message: this.keychain.message ?? 'No keychain' },
      })),
      keychain: this.keychain,
      notice: this.notice,
    });
  }

  /** Adds an environment (and a key for it, as if saved) straight into the backend's state. */
  addEnvironment(env: EnvironmentView, apiKey?: string): void {
    this.environments.push(env);
    if (apiKey) this.configure(env.id, apiKey);
  }

  /** A key saved for the environment, as if the user had done it. */
  configure(id: string, apiKey = 'sk_test_0000', clientId = 'cid_test'): void {
    this.keys.set(id, { clientId, apiKey });
    this.env(id).client_id = clientId;
  }

  private add(next: NewEnvironment): EnvironmentsView {
    const name = next.name.trim();
    if (name === '') throw new Rejection({ kind: 'invalid', message: 'Enter a name' });
    let url: URL;
    try {
      url = new URL(next.base_url.trim());
    } catch {
      throw new Rejection({ kind: 'invalid', message: 'The base URL is not a URL' });
    }
    if (url.protocol !== 'https:') throw new Rejection({ kind: 'invalid', message: 'The base URL must use https://' });
    const base = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'env';
    let id = base;
    for (let n = 2; this.environments.some((e) => e.id === id); n++) id = `${base}-${n}`;
    this.environments.push(envView(id, name, url.toString(), { production: next.production, appId: next.app_id }));
    return this.view();
  }

  private update(id: string, change: EnvironmentChange): EnvironmentUpdateView {
    const env = this.env(id);
    let name = env.name;
    let baseUrl = env.base_url;
    let appId = env.app_id;
    let production = env.production_mark;
    if (change.name !== null) name = change.name.trim();
    if (change.base_url !== null) {
      if (env.local) throw new Rejection({ kind: 'invalid', message: 'The Local sandbox has no base URL' });
      try {
        baseUrl = new URL(change.base_url.trim()).toString();
      } catch {
        throw new Rejection({ kind: 'invalid', message: 'The base URL is not a URL' });
      }
    }
    if (change.app_id !== null) appId = change.app_id.trim() || null;
    if (change.production !== null) production = change.production;
    const next = envView(id, name, baseUrl, { production, appId, clientId: env.client_id });
    let keyUnbound = false;
    if (next.host !== env.host && env.client_id !== null) {
      keyUnbound = true;
      next.client_id = null;
      this.keys.delete(id);
    }
    this.environments = this.environments.map((e) => (e.id === id ? next : e));
    return { view: this.view(), key_unbound: keyUnbound };
  }

  private create(req: FlowRequest, environmentId: string): FlowView {
    const env = this.env(environmentId);
    if (!env.local && !this.keys.has(env.id)) {
      throw new Rejection({ kind: 'not_configured', message: `No API key is saved for ${env.name}` });
    }
    const violations = validate(req);
    if (violations.length === 0) this.confirmInNativeDialog('flow.create', env, 'Create a flow');
    if (violations.length > 0) {
      throw new Rejection({ kind: 'invalid', message: `The request is not ready to send: ${violations[0]!.message}` });
    }
    const id = randomUUID();
    const flow: Flow = {
      id,
      created: new Date().toISOString(),
      user_id: req.user_id?.trim() || null,
      steps: req.steps.map((s) => s.name),
      completed_steps: [],
      link: `http://127.0.0.1:4010/flow/${id}`,
      metadata: (req.metadata as JsonValue | undefined) ?? null,
    };
    this.flows.set(id, flow);
    this.flowEnvironment.set(id, env.id);
    const v = view(flow, env.id);
    const meta = req.metadata;
    const reference = meta && typeof meta === 'object' && typeof meta.reference === 'string' ? meta.reference : null;
    this.history.unshift({
      flow_id: id,
      environment_id: env.id,
      environment_name: env.name,
      created_at: flow.created!,
      steps: flow.steps,
      link: flow.link,
      reference,
      user_id: flow.user_id,
      metadata: flow.metadata,
      progress: v.progress,
      last_checked: null,
      batch: null,
    });
    return v;
  }

  /** The flow-watch event the scheduler would emit now: updated, or done once every step is. */
  watchEvent(id: string, checkedAt = new Date().toISOString()): unknown {
    const v = view(this.flows.get(id)!, this.flowEnvironment.get(id)!);
    return { type: v.progress.done ? 'done' : 'updated', id, checked_at: checkedAt, flow: v.flow, progress: v.progress };
  }

  /** A history entry as if a flow had been created earlier (not in this session). */
  addHistory(entry: Partial<HistoryEntry> & { flow_id: string; steps: string[] }): HistoryEntry {
    const full: HistoryEntry = {
      environment_id: 'local',
      environment_name: 'Local sandbox',
      created_at: new Date().toISOString(),
      link: `http://127.0.0.1:4010/flow/${entry.flow_id}`,
      reference: null,
      user_id: null,
      metadata: null,
      progress: null,
      last_checked: null,
      batch: null,
      ...entry,
    };
    this.history.push(full);
    if (!this.flows.has(full.flow_id)) {
      this.flows.set(full.flow_id, {
        id: full.flow_id,
        created: full.created_at,
        user_id: full.user_id,
        steps: full.steps,
        completed_steps: [],
        link: full.link,
        metadata: full.metadata,
      });
      this.flowEnvironment.set(full.flow_id, full.environment_id);
    }
    return full;
  }

  /** A person claims the flow (as the hosted page would). */
  claim(id: string, userId: string = randomUUID()): string {
    this.flows.get(id)!.user_id = userId;
    return userId;
  }

  /** A person completes one step of the flow. */
  complete(id: string, step: string): void {
    const flow = this.flows.get(id)!;
    if (!flow.completed_steps.includes(step)) flow.completed_steps.push(step);
  }
}
