// The builder's, environments' and history's commands, typed with the bindings
// generated from the Rust types; desk/call.ts holds the one invoke wrapper.
import { listen, type UnlistenFn } from '@tauri-apps/api/event';
import { writeText } from '@tauri-apps/plugin-clipboard-manager';
import { openUrl } from '@tauri-apps/plugin-opener';
import type { AppError } from './bindings/AppError';
import { attempt, call, startup, toAppError } from './desk/call';
import type { EnvironmentChange } from './bindings/EnvironmentChange';
import type { EmailDraft } from './bindings/EmailDraft';
import type { Template } from './bindings/Template';
import type { ListParams } from './bindings/ListParams';
import type { FlowRequest } from './bindings/FlowRequest';
import type { NewEnvironment } from './bindings/NewEnvironment';
import type { EmailTemplate } from './bindings/EmailTemplate';
import type { WatchEvent } from './bindings/WatchEvent';
import type { JsonValue } from './bindings/serde_json/JsonValue';
import type { DataKind } from './bindings/DataKind';

export type { AppError };
export { toAppError };

/** The view settings the app keeps between runs (nothing that matters for safety). */
export type ViewKey = 'last_screen' | 'theme' | 'dismissed_notices' | 'list_filters';


export const ipc = {
  /**
   * The first read of the app's info, the step catalog, the environments and the view
   * state, shared by every part of the first paint: one round trip. Later reads use the
   * commands of their own.
   */
  startup,
  appInfo: () => call('app_info'),
  /** Forgets every flow, user and wallet of the local sandbox; the core asks the person first. */
  resetLocalSandbox: () => call('reset_local_sandbox'),
  /** The window's own view state (last screen, dismissed notices), kept by tauri-plugin-store. */
  viewState: () => call('view_state'),
  setViewState: (key: ViewKey, value: JsonValue) => call('set_view_state', { key, value }),
  preferences: () => call('preferences'),
  /** The CA file is picked in a native dialog raised by the app (the page names no path). */
  pickExtraCa: () => call('pick_extra_ca'),
  clearExtraCa: () => call('clear_extra_ca'),
  setEmailTemplate: (template: EmailTemplate) => call('set_email_template', { template }),
  setPollInterval: (seconds: number) => call('set_poll_interval', { seconds }),
  stepCatalog: () => call('step_catalog'),
  validateFlow: (request: FlowRequest) => call('validate_flow', { request }),
  previewRequest: (request: FlowRequest) => call('preview_request', { request }),
  /** Creates in `environmentId`. In Production the app itself asks the person (a native dialog). */
  createFlow: (request: FlowRequest, environmentId: string) => call('create_flow', { request, environmentId }),
  /** A flow is always read in the environment it was created in. */
  getFlow: (id: string, environmentId: string) => call('get_flow', { id, environmentId }),
  environments: () => call('environments'),
  setActiveEnvironment: (id: string) => call('set_active_environment', { id }),
  addEnvironment: (environment: NewEnvironment) => call('add_environment', { environment }),
  updateEnvironment: (id: string, change: EnvironmentChange) =>
    call('update_environment', { id, change }),
  removeEnvironment: (id: string) => call('remove_environment', { id }),
  /** The key goes one way: the app never sends it back (only CredentialStatus.key_last4). */
  saveCredentials: (environmentId: string, clientId: string, apiKey: string) =>
    call('save_credentials', { environmentId, clientId, apiKey }),
  deleteCredentials: (environmentId: string) => call('delete_credentials', { environmentId }),
  testConnection: (environmentId: string) => call('test_connection', { environmentId }),
  /** The Rust scheduler watches the flow (polling at once); progress comes as flow-watch events. */
  watchFlow: (id: string, environmentId: string) => call('watch_flow', { id, environmentId }),
  unwatchFlow: (id: string) => call('unwatch_flow', { id }),
  refreshFlow: (id: string) => call('refresh_flow', { id }),
  /** An SVG document drawing the link as a QR code. */
  linkQr: (link: string) => call('link_qr', { link }),
  /** A mailto: URL from the settings' email template. */
  emailLink: (draft: EmailDraft) => call('email_link', { draft }),
  /** Opens the email draft in the mail app (from Rust; the page cannot open mailto: itself). */
  emailOpen: (draft: EmailDraft) => call('email_open', { draft }),
  copyText: (text: string): Promise<void> => attempt(() => writeText(text)),
  /** Another process (the CLI, a script) changed shared data: read it again. */
  onDataChanged: (handler: (what: DataKind[]) => void): Promise<UnlistenFn> =>
    listen<DataKind[]>('data-changed', (e) => handler(e.payload)),
  /** Every flow-watch event the backend emits, for any watched flow. */
  onWatch: (handler: (event: WatchEvent) => void): Promise<UnlistenFn> =>
    listen<WatchEvent>('flow-watch', (e) => handler(e.payload)),
  historySearch: (query: string, limit: number) => call('history_search', { query, limit }),
  /** A History entry's flow card, as the core derives it from the entry. */
  historyView: (flowId: string) => call('history_view', { flowId }),
  /** A History entry as a new draft (known steps, a batch's bookkeeping keys left out). */
  historyDraft: (flowId: string) => call('history_draft', { flowId }),
  historyDelete: (flowId: string) => call('history_delete', { flowId }),
  historyClear: () => call('history_clear'),
  /** Removes entries older than `days`; answers how many went. */
  historyRetention: (days: number) => call('history_retention', { days }),
  templatesList: () => call('templates_list'),
  templateSave: (template: Template) => call('template_save', { template }),
  templateRename: (from: string, to: string) => call('template_rename', { from, to }),
  templateDelete: (name: string) => call('template_delete', { name }),
  templatesExport: (names: string[] | null) => call('templates_export', { names }),
  templatesImport: (json: string) => call('templates_import', { json }),
  listRemoteFlows: (environmentId: string, params: ListParams) =>
    call('list_remote_flows', { environmentId, params }),
  /** Opens a link in the system browser (the window may open http(s) and mailto only). */
  openLink: (url: string): Promise<void> => attempt(() => openUrl(url)),
};
