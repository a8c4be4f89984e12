// The one place the UI talks to the Rust side. Every command is typed with the
// bindings generated from the Rust types; every failure comes out as an AppError
// ({kind, message}), whatever shape the rejection had.
import { invoke } from '@tauri-apps/api/core';
import { listen, type UnlistenFn } from '@tauri-apps/api/event';
import { writeText } from '@tauri-apps/plugin-clipboard-manager';
import { openUrl } from '@tauri-apps/plugin-opener';
import type { AppError } from './bindings/AppError';
import type { AppInfo } from './bindings/AppInfo';
import type { ConnectionReport } from './bindings/ConnectionReport';
import type { EnvironmentChange } from './bindings/EnvironmentChange';
import type { EmailDraft } from './bindings/EmailDraft';
import type { EnvironmentsView } from './bindings/EnvironmentsView';
import type { EnvironmentUpdateView } from './bindings/EnvironmentUpdateView';
import type { HistoryEntry } from './bindings/HistoryEntry';
import type { ImportReport } from './bindings/ImportReport';
import type { Template } from './bindings/Template';
import type { Flow } from './bindings/Flow';
import type { ListParams } from './bindings/ListParams';
import type { Page } from './bindings/Page';
import type { FlowRequest } from './bindings/FlowRequest';
import type { FlowView } from './bindings/FlowView';
import type { NewEnvironment } from './bindings/NewEnvironment';
import type { EmailTemplate } from './bindings/EmailTemplate';
import type { Preferences } from './bindings/Preferences';
import type { RuleViolation } from './bindings/RuleViolation';
import type { StepCatalog } from './bindings/StepCatalog';
import type { WatchEvent } from './bindings/WatchEvent';
import type { JsonValue } from './bindings/serde_json/JsonValue';
import type { DataKind } from './bindings/DataKind';

export type { AppError };

/** The view settings the app keeps between runs (nothing that matters for safety). */
export type ViewKey = 'last_screen' | 'theme' | 'dismissed_notices' | 'list_filters';

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

async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (e) {
    throw toAppError(e);
  }
}

export const ipc = {
  appInfo: () => call<AppInfo>('app_info'),
  /** Forgets every flow, user and wallet of the local sandbox; the core asks the person first. */
  resetLocalSandbox: () => call<null>('reset_local_sandbox'),
  /** The window's own view state (last screen, dismissed notices), kept by tauri-plugin-store. */
  viewState: () => call<Partial<Record<ViewKey, JsonValue>>>('view_state'),
  setViewState: (key: ViewKey, value: JsonValue) => call<null>('set_view_state', { key, value }),
  preferences: () => call<Preferences>('preferences'),
  /** The CA file is picked in a native dialog raised by the app (the page names no path). */
  pickExtraCa: () => call<EnvironmentsView | null>('pick_extra_ca'),
  clearExtraCa: () => call<EnvironmentsView>('clear_extra_ca'),
  setEmailTemplate: (template: EmailTemplate) => call<Preferences>('set_email_template', { template }),
  setPollInterval: (seconds: number) => call<null>('set_poll_interval', { seconds }),
  stepCatalog: () => call<StepCatalog>('step_catalog'),
  validateFlow: (request: FlowRequest) => call<RuleViolation[]>('validate_flow', { request }),
  previewRequest: (request: FlowRequest) => call<JsonValue>('preview_request', { request }),
  /** Creates in `environmentId`. In Production the app itself asks the person (a native dialog). */
  createFlow: (request: FlowRequest, environmentId: string) => call<FlowView>('create_flow', { request, environmentId }),
  /** A flow is always read in the environment it was created in. */
  getFlow: (id: string, environmentId: string) => call<FlowView>('get_flow', { id, environmentId }),
  environments: () => call<EnvironmentsView>('environments'),
  setActiveEnvironment: (id: string) => call<EnvironmentsView>('set_active_environment', { id }),
  addEnvironment: (environment: NewEnvironment) => call<EnvironmentsView>('add_environment', { environment }),
  updateEnvironment: (id: string, change: EnvironmentChange) =>
    call<EnvironmentUpdateView>('update_environment', { id, change }),
  removeEnvironment: (id: string) => call<EnvironmentsView>('remove_environment', { id }),
  /** The key goes one way: the app never sends it back (only CredentialStatus.key_last4). */
  saveCredentials: (environmentId: string, clientId: string, apiKey: string) =>
    call<EnvironmentsView>('save_credentials', { environmentId, clientId, apiKey }),
  deleteCredentials: (environmentId: string) => call<EnvironmentsView>('delete_credentials', { environmentId }),
  testConnection: (environmentId: string) => call<ConnectionReport>('test_connection', { environmentId }),
  /** The Rust scheduler watches the flow (polling at once); progress comes as flow-watch events. */
  watchFlow: (id: string, environmentId: string) => call<void>('watch_flow', { id, environmentId }),
  unwatchFlow: (id: string) => call<void>('unwatch_flow', { id }),
  refreshFlow: (id: string) => call<void>('refresh_flow', { id }),
  /** An SVG document drawing the link as a QR code. */
  linkQr: (link: string) => call<string>('link_qr', { link }),
  /** A mailto: URL from the settings' email template. */
  emailLink: (draft: EmailDraft) => call<string>('email_link', { draft }),
  /** Opens the email draft in the mail app (from Rust; the page cannot open mailto: itself). */
  emailOpen: (draft: EmailDraft) => call<null>('email_open', { draft }),
  copyText: async (text: string): Promise<void> => {
    try {
      await writeText(text);
    } catch (e) {
      throw toAppError(e);
    }
  },
  /** Another process (the CLI, a script) changed shared data: read it again. */
  onDataChanged: (handler: (what: DataKind[]) => void): Promise<UnlistenFn> =>
    listen<DataKind[]>('data-changed', (e) => handler(e.payload)),
  /** Every flow-watch event the backend emits, for any watched flow. */
  onWatch: (handler: (event: WatchEvent) => void): Promise<UnlistenFn> =>
    listen<WatchEvent>('flow-watch', (e) => handler(e.payload)),
  historySearch: (query: string, limit: number) => call<HistoryEntry[]>('history_search', { query, limit }),
  historyDelete: (flowId: string) => call<void>('history_delete', { flowId }),
  historyClear: () => call<void>('history_clear'),
  /** Removes entries older than `days`; answers how many went. */
  historyRetention: (days: number) => call<number>('history_retention', { days }),
  templatesList: () => call<Template[]>('templates_list'),
  templateSave: (template: Template) => call<void>('template_save', { template }),
  templateRename: (from: string, to: string) => call<void>('template_rename', { from, to }),
  templateDelete: (name: string) => call<void>('template_delete', { name }),
  templatesExport: (names: string[] | null) => call<string>('templates_export', { names }),
  templatesImport: (json: string) => call<ImportReport>('templates_import', { json }),
  listRemoteFlows: (environmentId: string, params: ListParams) =>
    call<Page<Flow>>('list_remote_flows', { environmentId, params }),
  /** Opens a link in the system browser (the window may open http(s) and mailto only). */
  openLink: async (url: string): Promise<void> => {
    try {
      await openUrl(url);
    } catch (e) {
      throw toAppError(e);
    }
  },
};
