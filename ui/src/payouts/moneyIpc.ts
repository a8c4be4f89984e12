// The users and money commands, typed with the generated bindings; every failure comes
// out as an AppError ({kind, message}) like ui/src/ipc.ts.
import type { Limits } from '../bindings/Limits';
import type { MoneyRequest } from '../bindings/MoneyRequest';
import type { UserFilter } from '../bindings/UserFilter';
import type { PayoutLinkEvent } from '../bindings/PayoutLinkEvent';
import { listen, type UnlistenFn } from '@tauri-apps/api/event';
import { call } from '../desk/call';

export const moneyIpc = {
  usersList: (environmentId: string, filter: UserFilter) => call('users_list', { environmentId, filter }),
  userGet: (environmentId: string, userId: string) => call('user_get', { environmentId, userId }),
  /** Step one: checks and states what would happen; sends nothing. */
  summary: (environmentId: string, request: MoneyRequest) => call('money_summary', { environmentId, request }),
  /** Step two, after the person confirmed (Production: the amount typed again). */
  send: (environmentId: string, request: MoneyRequest, typedAmount?: string, replacing?: string) => {
    const args: Record<string, unknown> = { environmentId, request };
    if (typedAmount !== undefined) args.typedAmount = typedAmount;
    if (replacing !== undefined) args.replacing = replacing;
    return call('money_send', args);
  },
  intents: () => call('money_intents'),
  /** Sends an unsettled intent again with its own idempotency key: it cannot pay twice. */
  retry: (intentId: string) => call('money_retry', { intentId }),
  linkGet: (environmentId: string, id: string) => call('payout_link_get', { environmentId, id }),
  linkCancel: (environmentId: string, id: string) => call('payout_link_cancel', { environmentId, id }),
  linkRedeliver: (environmentId: string, id: string) => call('payout_link_redeliver', { environmentId, id }),
  /** Its news comes as payout-link-watch events (`onLinkWatch`). */
  linkWatch: (environmentId: string, id: string) => call('payout_link_watch', { environmentId, id }),
  /** Every payout-link-watch event the backend emits, for any watched link. */
  onLinkWatch: (handler: (event: PayoutLinkEvent) => void): Promise<UnlistenFn> =>
    listen<PayoutLinkEvent>('payout-link-watch', (e) => handler(e.payload)),
  /** The latest `limit` entries and how many the log holds (CSV export has them all). */
  auditRead: (limit: number) => call('audit_read', { limit }),
  auditCsv: () => call('audit_export_csv'),
  limitsGet: (environmentId: string) => call('limits_get', { environmentId }),
  /** The app's own wallet, which payouts draw on, where these keys can read it. */
  appWallet: (environmentId: string) => call('app_wallet', { environmentId }),
  /** Dollars as typed, read as the core reads them when it sends. */
  amountPreview: (text: string) => call('amount_preview', { text }),
  limitsSet: (environmentId: string, limits: Limits) => call('limits_set', { environmentId, limits }),
};
