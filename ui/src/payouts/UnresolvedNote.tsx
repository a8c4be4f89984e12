import type { Unresolved } from './useMoneySend';

type Props = { unresolved: Unresolved; busy: boolean; onRetry: (intentId: string) => void; onNewAnyway: () => void };

/** An earlier payment to the same recipient has no settled outcome: retry it, or knowingly pay anew. */
export function UnresolvedNote({ unresolved, busy, onRetry, onNewAnyway }: Props) {
  const { intent } = unresolved;
  return (
    <div className="note note--warn money-unresolved" role="alert" data-testid="money-unresolved">
      <p>
        <span className="error-kind">unresolved_intent</span> <span data-testid="money-unresolved-message">{unresolved.message}</span>
      </p>
      <div className="form-buttons">
        {intent ? (
          <>
            <button type="button" className="small" disabled={busy} onClick={() => onRetry(intent.id)} data-testid="money-retry-earlier">
              Retry the earlier one
            </button>
            <button type="button" className="small" disabled={busy} onClick={onNewAnyway} data-testid="money-new-anyway">
              New payment anyway…
            </button>
          </>
        ) : (
          <span className="hint">The earlier payment is listed under Money activity: retry it there.</span>
        )}
      </div>
    </div>
  );
}
