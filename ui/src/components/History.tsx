import { useCallback, useEffect, useState } from 'react';
import type { HistoryEntry } from '../bindings/HistoryEntry';
import type { StepInfo } from '../bindings/StepInfo';
import type { StepName } from '../bindings/StepName';
import { ipc, toAppError, type AppError } from '../ipc';
import { ErrorNote } from './ErrorNote';
import { when } from '../when';

type Props = {
  catalog: ReadonlyMap<StepName, StepInfo>;
  /** Show the flow's card again and watch it. */
  onOpen: (entry: HistoryEntry) => void;
  /** Load the entry's steps and options into the builder. */
  onDuplicate: (entry: HistoryEntry) => void;
  onNotify: (text: string, error?: boolean) => void;
  /** Bumped when another process changed shared data: search again. */
  dataVersion?: number;
};

const LIMIT = 200;

/** Every flow created from this app, newest first: search, reopen, duplicate, forget. */
export function History({ catalog, onOpen, onDuplicate, onNotify, dataVersion = 0 }: Props) {
  const [query, setQuery] = useState('');
  const [entries, setEntries] = useState<HistoryEntry[] | null>(null);
  const [error, setError] = useState<{ context: string; error: AppError } | null>(null);
  const [confirmClear, setConfirmClear] = useState(false);
  const [days, setDays] = useState('90');
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    let alive = true;
    const timer = setTimeout(() => {
      ipc.historySearch(query.trim(), LIMIT).then(
        (found) => {
          if (!alive) return;
          setEntries(found);
          setError(null);
        },
        (e: unknown) => {
          if (alive) setError({ context: 'History', error: toAppError(e) });
        },
      );
    }, 150);
    return () => {
      alive = false;
      clearTimeout(timer);
    };
  }, [query, generation, dataVersion]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);

  const remove = (entry: HistoryEntry) => {
    ipc.historyDelete(entry.flow_id).then(
      () => {
        setEntries((list) => list?.filter((e) => e.flow_id !== entry.flow_id) ?? null);
        onNotify('Removed from the history');
      },
      (e: unknown) => setError({ context: 'Delete', error: toAppError(e) }),
    );
  };

  const clearAll = () => {
    setConfirmClear(false);
    ipc.historyClear().then(
      () => {
        setEntries([]);
        onNotify('History cleared');
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
        onNotify(`Removed ${removed} ${removed === 1 ? 'entry' : 'entries'} older than ${n} days`);
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
      {error ? <ErrorNote error={error.error} context={error.context} /> : null}
      {entries === null && !error ? <p className="hint">Loading the history…</p> : null}
      {entries !== null && entries.length === 0 ? (
        <p className="hint" data-testid="history-empty">
          {query.trim() ? 'Nothing matches: try a flow id, a reference or a step name.' : 'No flows yet: the flows you create show here.'}
        </p>
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
