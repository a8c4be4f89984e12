import type { RuleViolation } from '../bindings/RuleViolation';
import { metadataOf, requireAuthChecked, type Draft, type MetaRow } from '../draft';

type Props = {
  draft: Draft;
  violations: RuleViolation[];
  onChange: (patch: Partial<Draft>) => void;
};

export function FlowOptions({ draft, violations, onChange }: Props) {
  const invalid = new Set(violations.map((v) => v.field));
  const meta = metadataOf(draft);
  const setRows = (rows: MetaRow[]) => onChange({ metaRows: rows });
  const toJson = () => {
    const obj: Record<string, string> = {};
    for (const r of draft.metaRows) if (r.key.trim() !== '') obj[r.key.trim()] = r.value;
    onChange({ metaMode: 'json', metaJson: Object.keys(obj).length > 0 ? JSON.stringify(obj, null, 2) : draft.metaJson });
  };
  const toRows = () => {
    let rows = draft.metaRows;
    try {
      const parsed: unknown = JSON.parse(draft.metaJson);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
        rows = Object.entries(parsed as Record<string, unknown>).map(([key, v]) => ({
          key,
          value: typeof v === 'string' ? v : JSON.stringify(v),
        }));
      }
    } catch {
      // Keep the rows as they were: the JSON stays in its box for later.
    }
    onChange({ metaMode: 'rows', metaRows: rows });
  };
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
        <label className="field field--check">
          <input
            type="checkbox"
            checked={draft.hideDashboard}
            onChange={(e) => onChange({ hideDashboard: e.target.checked })}
            data-testid="hide-dashboard"
          />
          <span>Hide "Go to dashboard" when done (hide_go_to_dashboard_on_complete)</span>
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
      <div className="metadata" data-testid="metadata">
        <div className="metadata-head">
          <span className="metadata-title">Metadata</span>
          <div className="segmented" role="group" aria-label="Metadata editor">
            <button
              type="button"
              className="small"
              aria-pressed={draft.metaMode === 'rows'}
              onClick={toRows}
              data-testid="metadata-mode-rows"
            >
              Key / value
            </button>
            <button
              type="button"
              className="small"
              aria-pressed={draft.metaMode === 'json'}
              onClick={toJson}
              data-testid="metadata-mode-json"
            >
              JSON
            </button>
          </div>
        </div>
        {draft.metaMode === 'rows' ? (
          <div className="metadata-rows">
            {draft.metaRows.map((row, i) => (
              <div className="metadata-row" key={i}>
                <input
                  type="text"
                  value={row.key}
                  placeholder="key"
                  aria-label={`Metadata key ${i + 1}`}
                  autoComplete="off"
                  spellCheck={false}
                  onChange={(e) => setRows(draft.metaRows.map((r, j) => (j === i ? { ...r, key: e.target.value } : r)))}
                  data-testid={`metadata-key-${i}`}
                />
                <input
                  type="text"
                  value={row.value}
                  placeholder="value"
                  aria-label={`Metadata value ${i + 1}`}
                  autoComplete="off"
                  onChange={(e) => setRows(draft.metaRows.map((r, j) => (j === i ? { ...r, value: e.target.value } : r)))}
                  data-testid={`metadata-value-${i}`}
                />
                <button
                  type="button"
                  className="small"
                  aria-label={`Remove metadata row ${i + 1}`}
                  onClick={() => setRows(draft.metaRows.filter((_, j) => j !== i))}
                >
                  ×
                </button>
              </div>
            ))}
            <button
              type="button"
              className="small"
              onClick={() => setRows([...draft.metaRows, { key: '', value: '' }])}
              data-testid="metadata-add"
            >
              Add field
            </button>
          </div>
        ) : (
          <textarea
            rows={4}
            value={draft.metaJson}
            placeholder={'{"team": "support"}'}
            spellCheck={false}
            aria-invalid={meta.error !== null || undefined}
            aria-label="Metadata as JSON"
            onChange={(e) => onChange({ metaJson: e.target.value })}
            data-testid="metadata-json"
          />
        )}
        {meta.error ? (
          <p className="violation" role="alert" data-testid="metadata-error">
            {meta.error} It is not sent until fixed.
          </p>
        ) : (
          <p className="hint field-note">The reference above is added as metadata.reference.</p>
        )}
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
