import type { JsonValue } from '../bindings/serde_json/JsonValue';

/** The exact body create_flow will POST, as the backend builds it. */
export function Preview({ body }: { body: JsonValue | undefined }) {
  return (
    <details className="preview">
      <summary>Request body</summary>
      <pre data-testid="preview">{body === undefined ? '…' : JSON.stringify(body, null, 2)}</pre>
    </details>
  );
}
