// A small stand-in for the Rust side, in Node: the step catalog, the rules the specs
// need (the real ones live in flowdesk-dots), the wire body, and stateful flows whose
// progress a test moves on. Every call is recorded; any command can be overridden with
// a canned reply per test.
import { randomUUID } from 'node:crypto';
import type { AppError } from '../../ui/src/bindings/AppError';
import type { AppInfo } from '../../ui/src/bindings/AppInfo';
import type { Flow } from '../../ui/src/bindings/Flow';
import type { FlowRequest } from '../../ui/src/bindings/FlowRequest';
import type { FlowView } from '../../ui/src/bindings/FlowView';
import type { RuleViolation } from '../../ui/src/bindings/RuleViolation';
import type { Step } from '../../ui/src/bindings/Step';
import type { StepCatalog } from '../../ui/src/bindings/StepCatalog';
import type { StepName } from '../../ui/src/bindings/StepName';
import type { StepOption } from '../../ui/src/bindings/StepOption';
import type { JsonValue } from '../../ui/src/bindings/serde_json/JsonValue';

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

export const SANDBOX_INFO: AppInfo = {
  environment: 'Local sandbox',
  base_url: 'http://127.0.0.1:4010/api',
  local_sandbox: true,
  version: '0.1.0',
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The subset of flowdesk-dots' rules the specs rely on, with the same messages. */
export function validate(req: FlowRequest): RuleViolation[] {
  const out: RuleViolation[] = [];
  if (req.steps.length === 0) out.push({ step: null, field: 'steps', message: 'Add at least one step.' });
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

function view(flow: Flow): FlowView {
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
  };
}

export class FakeBackend {
  readonly calls: Call[] = [];
  readonly flows = new Map<string, Flow>();
  info: AppInfo = { ...SANDBOX_INFO };
  private overrides = new Map<string, Handler>();

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
      case 'step_catalog':
        return CATALOG;
      case 'validate_flow':
        return validate(args.request as FlowRequest);
      case 'preview_request':
        return wireBody(args.request as FlowRequest);
      case 'create_flow':
        return this.create(args.request as FlowRequest);
      case 'get_flow': {
        const flow = this.flows.get(args.id as string);
        if (!flow) throw new Rejection({ kind: 'not_found', message: `Dots has no such object (404): flow ${String(args.id)}` });
        return view(flow);
      }
      case 'plugin:opener|open_url':
        return null;
      default:
        throw new Rejection({ kind: 'internal', message: `unknown command ${cmd}` });
    }
  }

  private create(req: FlowRequest): FlowView {
    const violations = validate(req);
    if (violations.length > 0) {
      throw new Rejection({ kind: 'invalid', message: `The flow is not ready to send: ${violations[0]!.message}` });
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
    return view(flow);
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
