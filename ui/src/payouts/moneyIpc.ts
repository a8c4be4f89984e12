// The users and money commands, typed with the generated bindings; every failure comes
// out as an AppError ({kind, message}) like ui/src/ipc.ts.
import { invoke } from '@tauri-apps/api/core';
import type { AuditRead } from '../bindings/AuditRead';
import type { Intent } from '../bindings/Intent';
import type { Limits } from '../bindings/Limits';
import type { MoneyRequest } from '../bindings/MoneyRequest';
import type { Outcome } from '../bindings/Outcome';
import type { Page } from '../bindings/Page';
import type { PayoutLink } from '../bindings/PayoutLink';
import type { Redelivery } from '../bindings/Redelivery';
import type { Summary } from '../bindings/Summary';
import type { User } from '../bindings/User';
import type { UserFilter } from '../bindings/UserFilter';
import type { UserView } from '../bindings/UserView';
import { toAppError } from '../ipc';

async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (e) {
    throw toAppError(e);
  }
}

export const moneyIpc = {
  usersList: (environmentId: string, filter: UserFilter) => call<Page<User>>('users_list', { environmentId, filter }),
  userGet: (environmentId: string, userId: string) => call<UserView>('user_get', { environmentId, userId }),
  /** Step one: checks and states what would happen; sends nothing. */
  summary: (environmentId: string, request: MoneyRequest) => call<Summary>('money_summary', { environmentId, request }),
  /** Step two, after the person confirmed (Production: the amount typed again). */
  send: (environmentId: string, request: MoneyRequest, typedAmount?: string, replacing?: string) => {
    const args: Record<string, unknown> = { environmentId, request };
    if (typedAmount !== undefined) args.typedAmount = typedAmount;
    if (replacing !== undefined) args.replacing = replacing;
    return call<Outcome>('money_send', args);
  },
  intents: () => call<Intent[]>('money_intents'),
  /** Sends an unsettled intent again with its own idempotency key: it cannot pay twice. */
  retry: (intentId: string) => call<Outcome>('money_retry', { intentId }),
  linkGet: (environmentId: string, id: string) => call<PayoutLink>('payout_link_get', { environmentId, id }),
  linkCancel: (environmentId: string, id: string) => call<PayoutLink>('payout_link_cancel', { environmentId, id }),
  linkRedeliver: (environmentId: string, id: string) => call<Redelivery>('payout_link_redeliver', { environmentId, id }),
  /** Progress comes as flow-watch events whose flow.id is the link id. */
  linkWatch: (environmentId: string, id: string) => call<void>('payout_link_watch', { environmentId, id }),
  auditRead: () => call<AuditRead>('audit_read'),
  auditCsv: () => call<string>('audit_export_csv'),
  limitsGet: (environmentId: string) => call<Limits>('limits_get', { environmentId }),
  limitsSet: (environmentId: string, limits: Limits) => call<Limits>('limits_set', { environmentId, limits }),
};

/** Intents whose outcome is not settled yet: they can be retried with the same key. */
export const UNRESOLVED_STATES = ['confirmed', 'sending', 'unknown'] as const;

export function isUnresolved(i: Intent): boolean {
  return (UNRESOLVED_STATES as readonly string[]).includes(i.state);
}
