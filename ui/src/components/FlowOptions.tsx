import type { RuleViolation } from '../bindings/RuleViolation';
import { requireAuthChecked, type Draft } from '../draft';

type Props = {
  draft: Draft;
  violations: RuleViolation[];
  onChange: (patch: Partial<Draft>) => void;
};

export function FlowOptions({ draft, violations, onChange }: Props) {
  const invalid = new Set(violations.map((v) => v.field));
  return (
    <section className="flow-options" aria-labelledby="options-title">
      <h2 id="options-title">Flow options</h2>
      <div className="fields">
        <label className="field">
          <span>User id</span>
          <input
            type="text"
            value={draft.userId}
            placeholder="Dots user UUID (empty: the person signs in or signs up)"
            spellCheck={false}
            autoComplete="off"
            aria-invalid={invalid.has('user_id') || undefined}
            onChange={(e) => onChange({ userId: e.target.value })}
            data-testid="user-id"
          />
        </label>
        <label className="field field--check">
          <input
            type="checkbox"
            checked={requireAuthChecked(draft)}
            onChange={(e) => onChange({ requireAuth: e.target.checked })}
            data-testid="require-auth"
          />
          <span>Require sign-in (require_auth)</span>
        </label>
        {draft.userId.trim() !== '' ? (
          <p className="hint field-note" data-testid="require-auth-note">
            {requireAuthChecked(draft)
              ? 'On: the person signs in as this user before going on. Off: whoever holds the link acts as this user for 15 minutes.'
              : 'Off: whoever holds the link acts as this user for 15 minutes.'}
          </p>
        ) : null}
        <label className="field">
          <span>Reference</span>
          <input
            type="text"
            value={draft.reference}
            placeholder="e.g. ticket number; sent as metadata.reference"
            autoComplete="off"
            onChange={(e) => onChange({ reference: e.target.value })}
            data-testid="reference"
          />
        </label>
      </div>
      {violations.length > 0 ? (
        <ul className="violations" data-testid="flow-violations">
          {violations.map((v, i) => (
            <li key={i} className="violation" data-testid="violation">
              {v.message}
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
