// What the builder holds while staff compose a flow, and the FlowRequest it stands for.
// The rules themselves live in Rust (validate_flow): nothing here decides what is valid.
import type { FlowRequest } from './bindings/FlowRequest';
import type { Step } from './bindings/Step';
import type { StepName } from './bindings/StepName';

export type StepDraft = {
  name: StepName;
  hide_continue_button: boolean;
  auto_payout_enabled: boolean;
  redirect_url: string;
  template_id: string;
};

export type Draft = {
  steps: StepDraft[];
  userId: string;
  /** null: not touched, so it follows the user id (on when one is typed). */
  requireAuth: boolean | null;
  /** Hide Dots' "Go to dashboard" button when the flow is complete. */
  hideDashboard: boolean;
  reference: string;
  /** Metadata as key/value rows, or as raw JSON (an object). */
  metaMode: 'rows' | 'json';
  metaRows: MetaRow[];
  metaJson: string;
};

export type MetaRow = { key: string; value: string };

export const emptyDraft: Draft = {
  steps: [],
  userId: '',
  requireAuth: null,
  hideDashboard: false,
  reference: '',
  metaMode: 'rows',
  metaRows: [],
  metaJson: '',
};

/** The metadata the draft stands for (reference included), or why it cannot be sent. */
export function metadataOf(draft: Draft): { value: Record<string, unknown> | null; error: string | null } {
  let value: Record<string, unknown> = {};
  if (draft.metaMode === 'json') {
    const text = draft.metaJson.trim();
    if (text !== '') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (e) {
        return { value: null, error: `The metadata is not valid JSON: ${e instanceof Error ? e.message : String(e)}` };
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        return { value: null, error: 'The metadata must be a JSON object, like {"team": "support"}.' };
      }
      value = { ...(parsed as Record<string, unknown>) };
    }
  } else {
    for (const row of draft.metaRows) {
      const key = row.key.trim();
      if (key === '') {
        if (row.value.trim() !== '') return { value: null, error: 'A metadata value has no key: enter one or remove the row.' };
        continue;
      }
      if (key in value) return { value: null, error: `The metadata key "${key}" appears twice.` };
      value[key] = row.value;
    }
  }
  const reference = draft.reference.trim();
  if (reference !== '') value.reference = reference;
  return { value: Object.keys(value).length > 0 ? value : null, error: null };
}

export function newStep(name: StepName): StepDraft {
  return { name, hide_continue_button: false, auto_payout_enabled: false, redirect_url: '', template_id: '' };
}

export function hasUserId(draft: Draft): boolean {
  return draft.userId.trim() !== '';
}

export function requireAuthChecked(draft: Draft): boolean {
  return draft.requireAuth ?? hasUserId(draft);
}

function toStep(d: StepDraft): Step {
  const step: Step = { name: d.name };
  if (d.hide_continue_button) step.hide_continue_button = true;
  if (d.auto_payout_enabled) step.auto_payout_enabled = true;
  const redirect = d.redirect_url.trim();
  if (redirect !== '') step.redirect_url = redirect;
  const template = d.template_id.trim();
  if (template !== '') step.template_id = template;
  return step;
}

/** The request as the backend sees it: unset options and empty fields left out. */
export function toRequest(draft: Draft): FlowRequest {
  const request: FlowRequest = { steps: draft.steps.map(toStep) };
  const userId = draft.userId.trim();
  const requireAuth = requireAuthChecked(draft);
  if (userId !== '') {
    request.user_id = userId;
    request.require_auth = requireAuth;
  } else if (requireAuth) {
    // Sent so the backend can say why it does not apply without a user id.
    request.require_auth = true;
  }
  if (draft.hideDashboard) request.hide_go_to_dashboard_on_complete = true;
  // Invalid metadata is never sent (the builder blocks create and says why).
  const { value } = metadataOf(draft);
  if (value) request.metadata = value;
  return request;
}

export function moveItem<T>(items: readonly T[], from: number, to: number): T[] {
  const next = items.slice();
  const [moved] = next.splice(from, 1);
  if (moved === undefined) return next;
  next.splice(to, 0, moved);
  return next;
}
