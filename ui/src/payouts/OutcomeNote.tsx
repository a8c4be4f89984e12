import type { Outcome } from '../bindings/Outcome';
import { formatCents } from './cents';

type Props = { outcome: Outcome; busy: boolean; onRetry: (intentId: string) => void };

const HEADLINE: Record<Outcome['state'], string> = {
  done: 'Sent',
  recovered: 'Already sent earlier — no double payment',
  unknown: 'Outcome unknown — not confirmed by Dots',
};

/** What came of a money action: done (the Dots id), recovered (the original), unknown (retry with the same key). */
export function OutcomeNote({ outcome, busy, onRetry }: Props) {
  const { state, intent, transfer, payout_link: link } = outcome;
  const cls = state === 'done' ? 'note note--ok' : state === 'recovered' ? 'note note--warn' : 'note note--fail';
  return (
    <div className={`money-outcome ${cls}`} role="status" data-testid="money-outcome" data-state={state}>
      <strong>{HEADLINE[state]}</strong> · {formatCents(intent.action.amount_cents)} to {intent.recipient}
      {transfer ? (
        <span>
          {' '}
          · transfer <code data-testid="money-outcome-transfer">{transfer.id}</code>
        </span>
      ) : null}
      {link ? (
        <span>
          {' '}
          · payout link <code data-testid="money-outcome-link-id">{link.id}</code>
        </span>
      ) : null}
      {outcome.message ? (
        <p className="money-outcome-message" data-testid="money-outcome-message">
          {outcome.message}
        </p>
      ) : null}
      {state === 'unknown' ? (
        <button type="button" className="small" disabled={busy} onClick={() => onRetry(intent.id)} data-testid="money-retry">
          Retry (same key)
        </button>
      ) : null}
      <p className="hint">
        Intent <code data-testid="money-outcome-intent">{intent.id}</code>
      </p>
    </div>
  );
}
