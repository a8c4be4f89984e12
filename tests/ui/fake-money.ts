// The users-and-money side of the fake backend: users (with wallets, payout methods and
// compliance), the two-step money commands with the Rust side's checks that the specs
// rely on (amounts as text, limits, typed confirmation in Production, unsettled intents),
// payout links whose status a test moves on, the audit log and the limits. Every call is
// still recorded by the FakeBackend it is attached to.
import { randomUUID } from 'node:crypto';
import type { Action } from '../../ui/src/bindings/Action';
import type { AuditEntry } from '../../ui/src/bindings/AuditEntry';
import type { Intent } from '../../ui/src/bindings/Intent';
import type { Limits } from '../../ui/src/bindings/Limits';
import type { MoneyRequest } from '../../ui/src/bindings/MoneyRequest';
import type { Outcome } from '../../ui/src/bindings/Outcome';
import type { OutcomeState } from '../../ui/src/bindings/OutcomeState';
import type { PayoutLink } from '../../ui/src/bindings/PayoutLink';
import type { PayoutMethod } from '../../ui/src/bindings/PayoutMethod';
import type { Summary } from '../../ui/src/bindings/Summary';
import type { User } from '../../ui/src/bindings/User';
import type { UserFilter } from '../../ui/src/bindings/UserFilter';
import type { EnvironmentView } from '../../ui/src/bindings/EnvironmentView';
import { Rejection, type FakeBackend } from './fake-backend';
import { attachedFake, csvText } from './fake-parts';

export const MONEY_COMMANDS = [
  'users_list',
  'user_get',
  'money_summary',
  'money_send',
  'money_intents',
  'money_retry',
  'payout_link_get',
  'payout_link_cancel',
  'payout_link_redeliver',
  'payout_link_watch',
  'audit_read',
  'audit_export_csv',
  'limits_get',
  'limits_set',
] as const;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const UNRESOLVED = ['confirmed', 'sending', 'unknown'];

/** Like flowdesk_money::format_cents: "$1,234.05". */
export function fakeFormatCents(c: number): string {
  const whole = String(Math.trunc(Math.abs(c) / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${c < 0 ? '-' : ''}$${whole}.${String(Math.abs(c) % 100).padStart(2, '0')}`;
}

/** Dollars text to cents, as the Rust side checks it (no floats). */
export function fakeCents(text: string): number {
  const t = text.trim().replace(/^\$/, '').replace(/,/g, '');
  const m = /^(\d+)(?:\.(\d{1,2}))?$/.exec(t);
  if (!m) throw new Rejection({ kind: 'invalid_amount', message: `"${text}" is not an amount in dollars (at most two decimals)` });
  const cents = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  if (cents <= 0) throw new Rejection({ kind: 'invalid_amount', message: 'The amount must be more than $0.00' });
  return cents;
}

export class FakeMoney {
  users: User[] = [];
  readonly methods = new Map<string, PayoutMethod[]>();
  readonly methodsError = new Map<string, string>();
  /** Newest first, like money_intents. */
  intents: Intent[] = [];
  readonly links = new Map<string, PayoutLink>();
  readonly linkEnvironment = new Map<string, string>();
  audit: AuditEntry[] = [];
  skippedLines = 0;
  readonly limits = new Map<string, Limits>();
  /** How the next money_send (and money_retry) ends. */
  nextState: OutcomeState = 'done';
  /** Payout links the (fake) scheduler watches. */
  readonly watched = new Set<string>();

  constructor(private readonly backend: FakeBackend) {}

  /** A user in Dots (every field can be overridden). */
  addUser(patch: Partial<User> = {}): User {
    const user: User = {
      id: randomUUID(),
      first_name: 'Ana',
      last_name: 'Diaz',
      email: 'ana@example.com',
      phone_number: { country_code: '1', phone_number: '4155550100' },
      status: 'verified',
      wallet: { amount: 123456, withdrawable_amount: 100005 },
      default_payout_method: 'paypal',
      compliance: {
        tax_id_verification: 'verified',
        id_verified: true,
        has_criminal_activity: false,
        background_check: { status: 'clear', updated: '2026-01-02T10:00:00Z' },
        flagged: false,
      },
      metadata: null,
      ...patch,
    };
    this.users.push(user);
    return user;
  }

  user(id: string): User | undefined {
    return this.users.find((u) => u.id === id);
  }

  /** A payout link as if made earlier (or to move on in a test). */
  link(id: string): PayoutLink {
    const l = this.links.get(id);
    if (!l) throw new Rejection({ kind: 'not_found', message: `Dots has no such object (404): payout link ${id}` });
    return l;
  }

  /** The flow-watch event the scheduler would emit for a payout link in this status. */
  linkEvent(id: string, status: string, checkedAt = new Date().toISOString()): unknown {
    const l = this.link(id);
    l.status = status;
    const final = ['claimed', 'reversed', 'canceled', 'expired', 'failed'].includes(status);
    const flow = {
      id,
      created: null,
      user_id: l.claimed_user_id,
      steps: ['payout-link'],
      completed_steps: final ? ['payout-link'] : [],
      link: l.link,
      metadata: { payout_link_status: status, amount_cents: l.amount },
      payout_link_id: id,
    };
    const progress = { claimed: !!l.claimed_user_id, completed: final ? 1 : 0, total: 1, done: final, pending: final ? [] : ['payout-link'] };
    return { type: final ? 'done' : 'updated', id, checked_at: checkedAt, flow, progress };
  }

  /** An intent as if left by an earlier send. */
  addIntent(patch: Partial<Intent> & { action: Action }): Intent {
    const now = new Date().toISOString();
    const intent: Intent = {
      id: randomUUID(),
      idempotency_key: randomUUID(),
      environment: 'local',
      recipient: 'someone',
      state: 'unknown',
      attempts: 1,
      dots_id: null,
      message: 'The connection dropped before Dots answered',
      created: now,
      updated: now,
      ...patch,
    };
    this.intents.unshift(intent);
    return intent;
  }

  private env(args: Record<string, unknown>): EnvironmentView {
    const env = this.backend.env((args.environmentId as string | undefined) ?? this.backend.active);
    if (!env.local && !this.backend.keys.has(env.id)) {
      throw new Rejection({ kind: 'not_configured', message: `No API key is saved for ${env.name}` });
    }
    return env;
  }

  private limitsOf(envId: string): Limits {
    return this.limits.get(envId) ?? { per_action_cents: null, per_day_cents: null };
  }

  spentToday(envId: string): number {
    const day = new Date().toISOString().slice(0, 10);
    return this.intents
      .filter((i) => i.environment === envId && i.created.slice(0, 10) === day && i.state !== 'failed')
      .reduce((sum, i) => sum + i.action.amount_cents, 0);
  }

  private check(request: MoneyRequest): Action {
    const amount_cents = fakeCents(request.amount);
    if (request.kind === 'fund') {
      if (!UUID.test(request.user_id)) throw new Rejection({ kind: 'invalid', message: `"${request.user_id}" is not a Dots user id` });
      return { kind: 'fund', user_id: request.user_id, amount_cents };
    }
    if (!request.user_id && !request.payee?.email && !request.payee?.phone_number && request.delivery.method !== 'link') {
      throw new Rejection({ kind: 'invalid', message: `Delivery by ${request.delivery.method} needs the payee's email or phone` });
    }
    return {
      kind: 'payout_link',
      amount_cents,
      user_id: request.user_id ?? null,
      payee: request.payee ?? null,
      delivery: request.delivery,
      memo: request.memo ?? null,
      description: request.description ?? null,
    };
  }

  private recipient(action: Action): string {
    const id = action.user_id;
    if (id) {
      const u = this.user(id);
      return u ? `${[u.first_name, u.last_name].filter(Boolean).join(' ')} (${id})` : id;
    }
    if (action.kind === 'payout_link' && action.payee) {
      const p = action.payee;
      return `${[p.first_name, p.last_name].filter(Boolean).join(' ')} ${p.email ?? p.phone_number ?? ''}`.trim();
    }
    return 'the person you hand the link to';
  }

  summary(args: Record<string, unknown>): Summary {
    const env = this.env(args);
    const action = this.check(args.request as MoneyRequest);
    const limits = this.limitsOf(env.id);
    const spent = this.spentToday(env.id);
    const amount = fakeFormatCents(action.amount_cents);
    if (limits.per_action_cents !== null && action.amount_cents > limits.per_action_cents) {
      throw new Rejection({
        kind: 'over_limit',
        message: `${amount} is over the per-action limit of ${fakeFormatCents(limits.per_action_cents)} in ${env.name}`,
      });
    }
    if (limits.per_day_cents !== null && spent + action.amount_cents > limits.per_day_cents) {
      throw new Rejection({ kind: 'over_limit', message: `${amount} would go over today's limit of ${fakeFormatCents(limits.per_day_cents)}` });
    }
    const recipient = this.recipient(action);
    const fund = action.kind === 'fund';
    const direction = fund ? "from your app's balance into the user's Dots wallet" : "from your app's balance to whoever claims the link";
    return {
      action,
      title: fund ? 'Fund wallet' : 'Pay out by link',
      amount_text: amount,
      recipient,
      direction,
      environment: env.name,
      is_production: env.is_production,
      requires_typed_amount: env.is_production,
      limits,
      spent_today_cents: spent,
      sentence: `${fund ? 'Fund' : 'Pay out'} ${amount} ${direction}: ${recipient}, in ${env.name}.`,
    };
  }

  private unresolvedFor(envId: string, action: Action): Intent | undefined {
    return this.intents.find(
      (i) => UNRESOLVED.includes(i.state) && i.environment === envId && i.action.kind === action.kind && (i.action.user_id ?? null) === (action.user_id ?? null),
    );
  }

  private unresolvedError(i: Intent): Rejection {
    return new Rejection({
      kind: 'unresolved_intent',
      message: `An earlier ${i.action.kind === 'fund' ? 'wallet.fund' : 'payout_link.create'} of ${fakeFormatCents(i.action.amount_cents)} to ${i.recipient} (intent ${i.id}) has an unsettled outcome (${i.message ?? 'not sent yet'}). Retry it (same key, cannot pay twice) or confirm a new payment knowing that.`,
      // As the core sends it: the intent to settle, typed, so the UI never parses the text.
      details: { intent_id: i.id },
    });
  }

  private record(entry: Partial<AuditEntry> & { action: string; result: string; environment: string }): void {
    this.audit.push({
      time: new Date().toISOString(),
      os_user: 'support',
      amount_cents: null,
      recipient: null,
      idempotency_key: null,
      intent_id: null,
      dots_ids: [],
      message: null,
      ...entry,
    });
  }

  /** Carries the intent out as nextState says. */
  private carryOut(intent: Intent): Outcome {
    intent.attempts += 1;
    intent.updated = new Date().toISOString();
    const state = this.nextState;
    let transfer: Outcome['transfer'] = null;
    let payoutLink: PayoutLink | null = null;
    if (state === 'unknown') {
      intent.state = 'unknown';
      intent.message = 'Dots did not answer in time (timeout): the outcome is unknown';
    } else {
      intent.state = state;
      const a = intent.action;
      if (a.kind === 'fund') {
        transfer = { id: randomUUID(), created: intent.updated, user_id: a.user_id, status: 'completed', type: 'balance', amount: a.amount_cents, payout_link_id: null, metadata: null };
        const u = this.user(a.user_id);
        if (u?.wallet && state === 'done') {
          u.wallet = { ...u.wallet, amount: u.wallet.amount + a.amount_cents, withdrawable_amount: u.wallet.withdrawable_amount + a.amount_cents };
        }
        intent.dots_id = transfer.id;
      } else {
        const id = randomUUID();
        payoutLink = {
          id,
          created: intent.updated,
          link: `http://127.0.0.1:4010/payout-links/${id}`,
          amount: a.amount_cents,
          status: a.delivery.method === 'link' ? 'created' : 'delivery_pending',
          payee: a.payee,
          claimed_user_id: null,
          flow_id: null,
          transfer_id: null,
          memo: a.memo,
          description: a.description,
          metadata: null,
        };
        this.links.set(id, payoutLink);
        this.linkEnvironment.set(id, intent.environment);
        intent.dots_id = id;
      }
      intent.message = state === 'recovered' ? 'Dots had already carried this out: the original is shown, nothing was paid twice' : null;
    }
    this.record({
      environment: intent.environment,
      action: intent.action.kind === 'fund' ? 'wallet.fund' : 'payout_link.create',
      amount_cents: intent.action.amount_cents,
      recipient: intent.recipient,
      idempotency_key: intent.idempotency_key,
      intent_id: intent.id,
      result: intent.state,
      dots_ids: intent.dots_id ? [intent.dots_id] : [],
      message: intent.message,
    });
    return {
      intent: structuredClone(intent),
      state,
      transfer,
      payout_link: payoutLink ? structuredClone(payoutLink) : null,
      message: intent.message ?? 'Sent.',
    };
  }

  send(args: Record<string, unknown>): Outcome {
    const env = this.env(args);
    const summary = this.summary(args);
    if (summary.requires_typed_amount) {
      const typed = args.typedAmount as string | undefined;
      let same = false;
      try {
        same = typed !== undefined && fakeCents(typed) === summary.action.amount_cents;
      } catch {
        same = false;
      }
      if (!same) {
        throw new Rejection({ kind: 'confirmation_mismatch', message: `Type the amount (${summary.amount_text}) to confirm a payment in ${env.name}` });
      }
    }
    const open = this.unresolvedFor(env.id, summary.action);
    if (open && args.replacing !== open.id) throw this.unresolvedError(open);
    const now = new Date().toISOString();
    const intent: Intent = {
      id: randomUUID(),
      idempotency_key: randomUUID(),
      environment: env.id,
      action: summary.action,
      recipient: summary.recipient,
      state: 'sending',
      attempts: 0,
      dots_id: null,
      message: null,
      created: now,
      updated: now,
    };
    this.intents.unshift(intent);
    return this.carryOut(intent);
  }

  handle(cmd: string, args: Record<string, unknown>): unknown {
    switch (cmd) {
      case 'users_list': {
        this.env(args);
        const f = (args.filter ?? {}) as UserFilter;
        const all = this.users.filter((u) => !f.status || u.status === f.status);
        const limit = f.limit ?? 10;
        if (f.ending_before) {
          const end = all.findIndex((u) => u.id === f.ending_before);
          const start = Math.max(0, end - limit);
          return structuredClone({ data: all.slice(start, end), has_more: start > 0 });
        }
        const from = f.starting_after ? all.findIndex((u) => u.id === f.starting_after) + 1 : 0;
        return structuredClone({ data: all.slice(from, from + limit), has_more: from + limit < all.length });
      }
      case 'user_get': {
        const env = this.env(args);
        const id = String(args.userId ?? '').trim();
        if (!UUID.test(id)) throw new Rejection({ kind: 'invalid', message: `"${id}" is not a Dots user id (a UUID)` });
        const user = this.user(id);
        if (!user) throw new Rejection({ kind: 'not_found', message: `Dots has no such object (404): user ${id}` });
        const error = this.methodsError.get(id) ?? null;
        return structuredClone({
          user,
          display_name: [user.first_name, user.last_name].filter(Boolean).join(' ') || user.email || id,
          payout_methods: error ? [] : (this.methods.get(id) ?? []),
          payout_methods_error: error,
          environment_id: env.id,
        });
      }
      case 'money_summary': {
        const env = this.env(args);
        const summary = this.summary(args);
        const open = this.unresolvedFor(env.id, summary.action);
        if (open) throw this.unresolvedError(open);
        return summary;
      }
      case 'money_send':
        return this.send(args);
      case 'money_intents':
        return structuredClone(this.intents);
      case 'money_retry': {
        const intent = this.intents.find((i) => i.id === args.intentId);
        if (!intent) throw new Rejection({ kind: 'not_found', message: `No money intent ${String(args.intentId)}` });
        return this.carryOut(intent);
      }
      case 'payout_link_get':
        this.env(args);
        return structuredClone(this.link(args.id as string));
      case 'payout_link_cancel': {
        const env = this.env(args);
        const l = this.link(args.id as string);
        l.status = 'canceled';
        this.record({ environment: env.id, action: 'payout_link.cancel', amount_cents: l.amount, result: 'done', dots_ids: [l.id] });
        return structuredClone(l);
      }
      case 'payout_link_redeliver': {
        const env = this.env(args);
        const l = this.link(args.id as string);
        l.status = 'sent';
        this.record({ environment: env.id, action: 'payout_link.redeliver', amount_cents: l.amount, result: 'done', dots_ids: [l.id] });
        return { payout_link: structuredClone(l), redelivered: true };
      }
      case 'payout_link_watch':
        this.env(args);
        this.link(args.id as string);
        this.watched.add(args.id as string);
        return null;
      case 'audit_read':
        return structuredClone({ entries: this.audit, skipped_lines: this.skippedLines });
      case 'audit_export_csv': {
        const head = 'time,os_user,environment,action,amount_cents,recipient,idempotency_key,intent_id,result,dots_ids,message';
        const rows = this.audit.map((e) => [e.time, e.os_user, e.environment, e.action, e.amount_cents === null ? '' : String(e.amount_cents), e.recipient, e.idempotency_key, e.intent_id, e.result, e.dots_ids.join(' '), e.message]);
        return csvText(head, rows);
      }
      case 'limits_get':
        return this.limitsOf(this.env(args).id);
      case 'limits_set': {
        const env = this.env(args);
        const limits = args.limits as Limits;
        for (const v of [limits.per_action_cents, limits.per_day_cents]) {
          if (v !== null && (!Number.isSafeInteger(v) || v <= 0)) throw new Rejection({ kind: 'invalid', message: `A limit must be whole cents above zero, not ${String(v)}` });
        }
        this.limits.set(env.id, limits);
        this.record({ environment: env.id, action: 'limits.set', result: 'done' });
        return limits;
      }
      default:
        throw new Rejection({ kind: 'internal', message: `unknown command ${cmd}` });
    }
  }
}

/** The FakeMoney answering `backend`'s users and money commands (wired in on first use). */
export function moneyOf(backend: FakeBackend): FakeMoney {
  return attachedFake(backend, 'money', FakeMoney, MONEY_COMMANDS);
}
