import { useCallback, useEffect, useState } from 'react';
import type { Intent } from '../bindings/Intent';
import type { IntentView } from '../bindings/IntentView';
import type { Outcome } from '../bindings/Outcome';
import { DataTable } from '../components/DataTable';
import { ErrorNote } from '../components/ErrorNote';
import { toAppError, type AppError } from '../ipc';
import { formatCents } from './cents';
import { when } from '../when';
import { moneyIpc } from './moneyIpc';
import { OutcomeNote } from './OutcomeNote';

const ACTION: Record<Intent['action']['kind'], string> = { fund: 'Fund wallet', payout_link: 'Payout link' };

const ACTIVITY_COLUMNS = [
  'Created',
  'Action',
  'Amount',
  'Recipient',
  'Environment',
  'State',
  'Dots id',
  <span className="visually-hidden">Retry</span>,
];

/** Every money intent, newest first; unsettled ones can be sent again with the same key. */
export function MoneyActivity() {
  const [intents, setIntents] = useState<IntentView[] | null>(null);
  const [error, setError] = useState<{ context: string; error: AppError } | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);

  const load = useCallback(() => {
    moneyIpc.intents().then(
      (i) => {
        setIntents(i);
      },
      (e: unknown) => setError({ context: 'Money activity', error: toAppError(e) }),
    );
  }, []);
  useEffect(load, [load]);

  const retry = (id: string) => {
    setBusy(id);
    setError(null);
    moneyIpc
      .retry(id)
      .then(setOutcome, (e: unknown) => setError({ context: 'Retry', error: toAppError(e) }))
      .finally(() => {
        setBusy(null);
        load();
      });
  };

  return (
    <section className="money-panel" aria-labelledby="activity-title" data-testid="money-activity">
      <div className="history-bar">
        <h2 id="activity-title">Money activity</h2>
        <button type="button" className="small" onClick={load} data-testid="activity-refresh">
          Refresh
        </button>
      </div>
      {error ? <ErrorNote error={error.error} context={error.context} /> : null}
      {outcome ? <OutcomeNote outcome={outcome} busy={busy !== null} onRetry={retry} /> : null}
      {intents && intents.length === 0 ? (
        <p className="empty" data-testid="activity-empty">
          No money sent from this app yet.{' '}
          <button
            type="button"
            className="link-button"
            onClick={() => document.querySelector<HTMLElement>('[data-testid="payout-amount"]')?.focus()}
            data-testid="activity-start"
          >
            Start with a payout link above
          </button>
        </p>
      ) : null}
      {intents && intents.length > 0 ? (
        <DataTable headers={ACTIVITY_COLUMNS}>
          {intents.map((i) => (
            <tr key={i.id} data-testid={`intent-${i.id}`} data-state={i.state}>
              <td>{when(i.created)}</td>
              <td>{ACTION[i.action.kind]}</td>
              <td>{formatCents(i.action.amount_cents)}</td>
              <td>{i.recipient}</td>
              <td>{i.environment}</td>
              <td className={`intent-state intent-state--${i.state}`} data-testid={`intent-state-${i.id}`}>
                {i.state}
                {i.attempts > 1 ? ` (${i.attempts} attempts)` : ''}
                {i.message ? <span className="bulk-detail">{i.message}</span> : null}
              </td>
              <td>{i.dots_id ? <code>{i.dots_id}</code> : '—'}</td>
              <td>
                {i.unresolved ? (
                  <button type="button" className="small" disabled={busy !== null} onClick={() => retry(i.id)} data-testid={`intent-retry-${i.id}`}>
                    {busy === i.id ? 'Retrying…' : 'Retry (same key)'}
                  </button>
                ) : null}
              </td>
            </tr>
          ))}
        </DataTable>
      ) : null}
    </section>
  );
}
