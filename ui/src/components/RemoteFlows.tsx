import { useEffect, useState } from 'react';
import type { Flow } from '../bindings/Flow';
import type { ListParams } from '../bindings/ListParams';
import type { Page } from '../bindings/Page';
import { ipc, toAppError, type AppError } from '../ipc';
import { ErrorNote } from './ErrorNote';

const LIMIT = 25;

/** The active environment's flows as Dots lists them, page by page. */
export function RemoteFlows({ environmentId, environmentName }: { environmentId: string; environmentName: string }) {
  const [params, setParams] = useState<ListParams>({ limit: LIMIT });
  const [page, setPage] = useState<Page<Flow> | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<AppError | null>(null);
  const [pageNo, setPageNo] = useState(1);

  useEffect(() => {
    setParams({ limit: LIMIT });
    setPageNo(1);
  }, [environmentId]);

  useEffect(() => {
    let alive = true;
    setLoading(true);
    ipc
      .listRemoteFlows(environmentId, params)
      .then(
        (p) => {
          if (!alive) return;
          setPage(p);
          setError(null);
        },
        (e: unknown) => {
          if (alive) setError(toAppError(e));
        },
      )
      .finally(() => {
        if (alive) setLoading(false);
      });
    return () => {
      alive = false;
    };
  }, [environmentId, params]);

  const first = page?.data[0]?.id;
  const last = page?.data[page.data.length - 1]?.id;
  // Going back: Dots says has_more about the direction asked; page 1 has no previous.
  const hasNext = params.ending_before ? true : (page?.has_more ?? false);
  const hasPrev = pageNo > 1;

  return (
    <section className="history" aria-labelledby="remote-title" data-testid="remote">
      <div className="history-bar">
        <h2 id="remote-title">From Dots — {environmentName}</h2>
        <button
          type="button"
          className="small"
          disabled={!hasPrev || loading || !first}
          onClick={() => {
            setPageNo((n) => n - 1);
            setParams({ limit: LIMIT, ending_before: first });
          }}
          data-testid="remote-prev"
        >
          ‹ Previous
        </button>
        <span className="hint">Page {pageNo}</span>
        <button
          type="button"
          className="small"
          disabled={!hasNext || loading || !last}
          onClick={() => {
            setPageNo((n) => n + 1);
            setParams({ limit: LIMIT, starting_after: last });
          }}
          data-testid="remote-next"
        >
          Next ›
        </button>
      </div>
      {error ? (
        <>
          <ErrorNote error={error} context="From Dots" />
          <p className="hint">Check the environment's key in Settings, then switch back to this view.</p>
        </>
      ) : null}
      {loading && !page ? <p className="hint">Loading the flows from Dots…</p> : null}
      {page && page.data.length === 0 ? (
        <p className="hint" data-testid="remote-empty">
          Dots has no flows in {environmentName} yet.
        </p>
      ) : null}
      {page && page.data.length > 0 ? (
        <table className="history-table">
          <thead>
            <tr>
              <th>Created</th>
              <th>Flow id</th>
              <th>Steps</th>
              <th>Progress</th>
              <th>User</th>
            </tr>
          </thead>
          <tbody>
            {page.data.map((f) => (
              <tr key={f.id} data-testid={`remote-row-${f.id}`}>
                <td>{f.created ? new Date(f.created).toLocaleString() : '—'}</td>
                <td>
                  <code>{f.id}</code>
                </td>
                <td>{f.steps.join(', ')}</td>
                <td>
                  {f.completed_steps.length} of {f.steps.length}
                </td>
                <td>{f.user_id ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
