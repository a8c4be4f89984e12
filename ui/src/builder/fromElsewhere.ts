// The builder's draft from what staff pick elsewhere (a template, a History entry),
// and the current draft as a template. Shapes only: the core checks the result.
import type { FlowRequest } from '../bindings/FlowRequest';
import type { FlowView } from '../bindings/FlowView';
import type { HistoryEntry } from '../bindings/HistoryEntry';
import type { StepName } from '../bindings/StepName';
import type { Template } from '../bindings/Template';
import { emptyDraft, newStep, type Draft, type MetaRow } from '../draft';

function rowsOf(meta: Record<string, unknown>): MetaRow[] {
  return Object.entries(meta).map(([key, v]) => ({ key, value: typeof v === 'string' ? v : JSON.stringify(v) }));
}

function objectOf(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value) ? { ...(value as Record<string, unknown>) } : {};
}

/** The request as a template named `name`. */
export function templateOf(request: FlowRequest, name: string): Template {
  const t: Template = { name, steps: request.steps };
  if (request.require_auth !== undefined) t.require_auth = request.require_auth;
  if (request.hide_go_to_dashboard_on_complete !== undefined) {
    t.hide_go_to_dashboard_on_complete = request.hide_go_to_dashboard_on_complete;
  }
  if (request.metadata !== undefined) t.metadata = request.metadata;
  return t;
}

/** A template loaded over the draft: its steps (those the catalog knows) and options; the user id stays. */
export function withTemplate(d: Draft, t: Template, known: (name: StepName) => boolean): Draft {
  const meta = objectOf(t.metadata);
  const reference = typeof meta.reference === 'string' ? meta.reference : '';
  delete meta.reference;
  return {
    ...d,
    steps: t.steps
      .filter((s) => known(s.name))
      .map((s) => ({
        ...newStep(s.name),
        hide_continue_button: s.hide_continue_button ?? false,
        auto_payout_enabled: s.auto_payout_enabled ?? false,
        redirect_url: s.redirect_url ?? '',
        template_id: s.template_id ?? '',
      })),
    requireAuth: t.require_auth ?? null,
    hideDashboard: t.hide_go_to_dashboard_on_complete ?? false,
    reference,
    metaMode: 'rows',
    metaRows: rowsOf(meta),
  };
}

/** A History entry as a new draft (the batch bookkeeping keys left out). */
export function draftFromHistory(e: HistoryEntry, known: (name: StepName) => boolean): Draft {
  const meta = objectOf(e.metadata);
  delete meta.reference;
  delete meta.flowdesk_batch;
  delete meta.flowdesk_row;
  return {
    ...emptyDraft,
    steps: e.steps.filter((s) => known(s as StepName)).map((s) => newStep(s as StepName)),
    userId: e.user_id ?? '',
    reference: e.reference ?? '',
    metaRows: rowsOf(meta),
  };
}

/** A History entry as the flow card shows it; not done yet, the card watches it again. */
export function viewFromHistory(e: HistoryEntry): FlowView {
  const pending = e.progress?.pending ?? e.steps;
  const total = e.steps.length;
  return {
    flow: {
      id: e.flow_id,
      created: e.created_at,
      user_id: e.user_id,
      steps: e.steps,
      completed_steps: e.steps.filter((s) => !pending.includes(s)),
      link: e.link,
      metadata: e.metadata,
    },
    progress: e.progress ?? { claimed: e.user_id !== null, completed: 0, total, done: false, pending: e.steps },
    environment_id: e.environment_id,
  };
}
