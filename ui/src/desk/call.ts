// The one wrapper around Tauri's invoke: every command the UI may call is named in
// `Commands` with what it answers, so a misspelt name or a wrong result type is a type
// error, and every failure comes out as an AppError ({kind, message, details}).
import { invoke } from '@tauri-apps/api/core';
import type { AppError } from '../bindings/AppError';
import type { AppInfo } from '../bindings/AppInfo';
import type { AmountPreview } from '../bindings/AmountPreview';
import type { AppWallet } from '../bindings/AppWallet';
import type { AuditRead } from '../bindings/AuditRead';
import type { BatchView } from '../bindings/BatchView';
import type { BulkPreview } from '../bindings/BulkPreview';
import type { BulkRowView } from '../bindings/BulkRowView';
import type { ConnectionReport } from '../bindings/ConnectionReport';
import type { EnvironmentsView } from '../bindings/EnvironmentsView';
import type { EnvironmentUpdateView } from '../bindings/EnvironmentUpdateView';
import type { FlowView } from '../bindings/FlowView';
import type { HistoryDraft } from '../bindings/HistoryDraft';
import type { HistoryEntry } from '../bindings/HistoryEntry';
import type { ImportReport } from '../bindings/ImportReport';
import type { IntentView } from '../bindings/IntentView';
import type { Limits } from '../bindings/Limits';
import type { Outcome } from '../bindings/Outcome';
import type { Page } from '../bindings/Page';
import type { PayoutLinkView } from '../bindings/PayoutLinkView';
import type { Preferences } from '../bindings/Preferences';
import type { RedeliveryView } from '../bindings/RedeliveryView';
import type { RuleViolation } from '../bindings/RuleViolation';
import type { StepCatalog } from '../bindings/StepCatalog';
import type { Summary } from '../bindings/Summary';
import type { Template } from '../bindings/Template';
import type { User } from '../bindings/User';
import type { UserView } from '../bindings/UserView';
import type { DeliveryDetail } from '../bindings/DeliveryDetail';
import type { DeliveryPage } from '../bindings/DeliveryPage';
import type { TriggerResult } from '../bindings/TriggerResult';
import type { WebhookDelivery } from '../bindings/WebhookDelivery';
import type { WebhookEndpoint } from '../bindings/WebhookEndpoint';
import type { WebhooksScope } from '../bindings/WebhooksScope';
import type { JsonValue } from '../bindings/serde_json/JsonValue';

/** What the window reads before its first paint, in one round trip (src-tauri/startup.rs). */
export type Startup = {
  info: AppInfo;
  catalog: StepCatalog;
  environments: EnvironmentsView;
  view_state: Record<string, JsonValue>;
};

/** Every Tauri command the UI calls, and the type of its answer. */
export interface Commands {
  ui_ready: null;
  app_info: AppInfo;
  reset_local_sandbox: null;
  view_state: Record<string, JsonValue>;
  set_view_state: null;
  preferences: Preferences;
  pick_extra_ca: EnvironmentsView | null;
  clear_extra_ca: EnvironmentsView;
  set_email_template: Preferences;
  set_poll_interval: null;
  step_catalog: StepCatalog;
  validate_flow: RuleViolation[];
  preview_request: JsonValue;
  create_flow: FlowView;
  get_flow: FlowView;
  environments: EnvironmentsView;
  set_active_environment: EnvironmentsView;
  add_environment: EnvironmentsView;
  update_environment: EnvironmentUpdateView;
  remove_environment: EnvironmentsView;
  save_credentials: EnvironmentsView;
  delete_credentials: EnvironmentsView;
  test_connection: ConnectionReport;
  watch_flow: void;
  unwatch_flow: void;
  refresh_flow: void;
  link_qr: string;
  email_link: string;
  email_open: null;
  history_search: HistoryEntry[];
  history_view: FlowView;
  history_draft: HistoryDraft;
  history_delete: void;
  history_clear: void;
  history_retention: number;
  templates_list: Template[];
  template_save: void;
  template_rename: void;
  template_delete: void;
  templates_export: string;
  templates_import: ImportReport;
  list_remote_flows: Page<FlowView>;
  bulk_preview: BulkPreview;
  bulk_start: BatchView;
  bulk_cancel: boolean;
  bulk_resume: BatchView;
  bulk_batches: BatchView[];
  bulk_rows: BulkRowView[];
  bulk_results_csv: string;
  bulk_mail_merge_csv: string;
  users_list: Page<User>;
  user_get: UserView;
  money_summary: Summary;
  money_send: Outcome;
  money_intents: IntentView[];
  money_retry: Outcome;
  payout_link_get: PayoutLinkView;
  payout_link_cancel: PayoutLinkView;
  payout_link_redeliver: RedeliveryView;
  payout_link_watch: void;
  audit_read: AuditRead;
  audit_export_csv: string;
  limits_get: Limits;
  limits_set: Limits;
  bootstrap: Startup;
  app_wallet: AppWallet;
  amount_preview: AmountPreview;
  webhooks_scope: WebhooksScope;
  webhook_events: string[];
  webhook_endpoints: WebhookEndpoint[];
  webhook_endpoint_add: WebhookEndpoint;
  webhook_endpoint_set_enabled: WebhookEndpoint;
  webhook_endpoint_remove: null;
  webhook_endpoint_secret: string;
  webhook_deliveries: DeliveryPage;
  webhook_delivery: DeliveryDetail;
  webhook_resend: WebhookDelivery;
  webhook_trigger: TriggerResult;
}

export type Command = keyof Commands;

function isAppError(e: unknown): e is AppError {
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof (e as { kind?: unknown }).kind === 'string' &&
    typeof (e as { message?: unknown }).message === 'string'
  );
}

/** Any rejection as {kind, message, details}: the core's error as is, anything else as "internal". */
export function toAppError(e: unknown): AppError {
  if (isAppError(e)) return { kind: e.kind, message: e.message, details: e.details ?? {} };
  if (e instanceof Error) return { kind: 'internal', message: e.message, details: {} };
  if (typeof e === 'string') return { kind: 'internal', message: e, details: {} };
  return { kind: 'internal', message: 'Unexpected error from the app.', details: {} };
}

const NEEDS_NO_CORE: ReadonlySet<Command> = new Set<Command>(['bootstrap', 'ui_ready']);
let firstRead: Promise<Startup> | null = null;

/**
 * The window's first read (`bootstrap`: app info, step catalog, environments, view state),
 * asked once and shared. The core starts beside the window and answers it once it is up
 * (or says why it is not), so every other command is sent after it settles.
 */
export function startup(): Promise<Startup> {
  return (firstRead ??= call('bootstrap'));
}

/** Calls a Rust command; a failure rejects with an AppError. */
export async function call<C extends Command>(cmd: C, args?: Record<string, unknown>): Promise<Commands[C]> {
  if (!NEEDS_NO_CORE.has(cmd)) await startup().catch(() => {});
  try {
    return await invoke<Commands[C]>(cmd, args);
  } catch (e) {
    throw toAppError(e);
  }
}

/** The same for a plugin call (clipboard, opener): its failure as an AppError too. */
export async function attempt<T>(action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (e) {
    throw toAppError(e);
  }
}
