import { useState } from 'react';
import type { HistoryEntry } from '../bindings/HistoryEntry';
import type { StepInfo } from '../bindings/StepInfo';
import type { StepName } from '../bindings/StepName';
import { ipc, toAppError, type AppError } from '../ipc';
import { ErrorNote } from './ErrorNote';
import { when } from '../when';
import { useQuery } from '../desk/useQuery';
import { useNotify } from '../desk/notify';

type Props = {
  catalog: ReadonlyMap<StepName, StepInfo>;
  /** Show the flow's card again and watch it. */
  onOpen: (entry: HistoryEntry) => void;
  /** Load the entry's steps and options into the builder. */
  onDuplicate: (entry: HistoryEntry) => void;
  /** Go to the builder (from the empty history). */
  onBuild: () => void;
  /** Bumped when another process changed shared data: search again. */
  dataVersion?: number;
};

const LIMIT = 200;

/** Every flow created from this app, newest first: search, reopen, duplicate, forget. */
export function History({ catalog, onOpen, onDuplicate, onBuild, dataVersion = 0 }: Props) {
  const notify = useNotify();
  const [query, setQuery] = useState('');
  const [error, setError] = useState<{ context: string; error: AppError } | null>(null);
  const [confirmClear, setConfirmClear] = useState(false);
  const [days, setDays] = useState('90');
  // The core searches (id, email, reference, step, environment); the page only shows.
  const found = useQuery(() => ipc.historySearch(query.trim(), LIMIT), [query, dataVersion], 150);
  const entries = found.data;
  const setEntries = found.setData;
  const reload = found.reload;
  const shownError = error ?? (found.error ? { context: 'History', error: found.error } : null);

  const remove = (entry: HistoryEntry) => {
    ipc.historyDelete(entry.flow_id).then(
      () => {
        setEntries((list) => list?.filter((e) => e.flow_id !== entry.flow_id) ?? null);
        notify('Removed from the history');
      },
      (e: unknown) => setError({ context: 'Delete', error: toAppError(e) }),
    );
  };

  const clearAll = () => {
    setConfirmClear(false);
    ipc.historyClear().then(
      () => {
        setEntries([]);
        notify('History cleared');
      },
      (e: unknown) => setError({ context: 'Clear history', error: toAppError(e) }),
    );
  };

  const retention = () => {
    const n = Number(days);
    if (!Number.isInteger(n) || n < 1) {
      setError({ context: 'Retention', error: { kind: 'invalid', message: 'Enter a whole number of days (1 or more).' } as AppError });
      return;
    }
    ipc.historyRetention(n).then(
      (removed) => {
        notify(`Removed ${removed} ${removed === 1 ? 'entry' : 'entries'} older than ${n} days`);
        reload();
      },
      (e: unknown) => setError({ context: 'Retention', error: toAppError(e) }),
    );
  };

  return (
    <section className="history" aria-labelledby="history-title" data-testid="history">
      <div className="history-bar">
        <h2 id="history-title">History</h2>
        <input
          type="search"
          value={query}
          placeholder="Search by flow id, reference, step, environment…"
          aria-label="Search the history"
          onChange={(e) => setQuery(e.target.value)}
          data-testid="history-search"
        />
        <label className="history-retention">
          Keep
          <input
            type="number"
            min={1}
            max={3650}
            value={days}
            onChange={(e) => setDays(e.target.value)}
            data-testid="history-days"
          />
          days
          <button type="button" className="small" onClick={retention} data-testid="history-retention">
            Apply
          </button>
        </label>
        {confirmClear ? (
          <span className="history-confirm" role="alert">
            Clear every entry?{' '}
            <button type="button" className="small danger" onClick={clearAll} data-testid="history-clear-confirm">
              Clear all
            </button>{' '}
            <button type="button" className="small" onClick={() => setConfirmClear(false)}>
              Cancel
            </button>
          </span>
        ) : (
          <button type="button" className="small" onClick={() => setConfirmClear(true)} data-testid="history-clear">
            Clear all…
          </button>
        )}
      </div>
      {shownError ? <ErrorNote error={shownError.error} context={shownError.context} /> : null}
      {entries === null && !shownError ? <p className="hint">Loading the history…</p> : null}
      {entries !== null && entries.length === 0 ? (
        query.trim() ? (
          <p className="empty" data-testid="history-empty">
            Nothing matches: try a flow id, an email, a reference or a step name.{' '}
            <button type="button" className="link-button" onClick={() => setQuery('')}>
              Clear the search
            </button>
          </p>
        ) : (
          <p className="empty" data-testid="history-empty">
            No flows yet: the flows you create show here.{' '}
            <button type="button" className="link-button" onClick={onBuild} data-testid="history-go-builder">
              Compose a flow in the builder
            </button>
          </p>
        )
      ) : null}
      {entries !== null && entries.length > 0 ? (
        <table className="history-table">
          <thead>
            <tr>
              <th>Created</th>
              <th>Environment</th>
              <th>Steps</th>
              <th>Reference</th>
              <th>Progress</th>
              <th aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.flow_id} data-testid={`history-row-${e.flow_id}`}>
                <td>{when(e.created_at)}</td>
                <td>{e.environment_name}</td>
                <td>{e.steps.map((s) => catalog.get(s as StepName)?.title ?? s).join(', ')}</td>
                <td>{e.reference ?? '—'}</td>
                <td>
                  {e.progress
                    ? e.progress.done
                      ? 'Done'
                      : `${e.progress.completed} of ${e.progress.total}`
                    : 'not checked'}
                </td>
                <td className="history-actions">
                  <button type="button" className="small" onClick={() => onOpen(e)} data-testid="history-open">
                    Open
                  </button>
                  <button type="button" className="small" onClick={() => onDuplicate(e)} data-testid="history-duplicate">
                    Duplicate as new flow
                  </button>
                  <button type="button" className="small" onClick={() => remove(e)} data-testid="history-delete">
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
