// The builder's draft from what staff pick elsewhere (a template, a History entry),
// and the current draft as a template. Shapes only: the core checks the result and says
// what a History entry leaves to a new draft.
import type { FlowRequest } from '../bindings/FlowRequest';
import type { HistoryDraft } from '../bindings/HistoryDraft';
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

/** A History entry as a new draft, from what the core keeps of it (`history_draft`:
 * known steps, the reference apart, a batch's bookkeeping keys left out). */
export function draftOf(h: HistoryDraft): Draft {
  return {
    ...emptyDraft,
    steps: h.steps.map((name) => newStep(name)),
    userId: h.user_id ?? '',
    reference: h.reference ?? '',
    metaRows: rowsOf(h.metadata),
  };
}
