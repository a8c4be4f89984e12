import { useEffect, useState } from 'react';
import type { Page } from '../bindings/Page';
import type { User } from '../bindings/User';
import type { UserFilter } from '../bindings/UserFilter';
import { ErrorNote } from '../components/ErrorNote';
import { toAppError, type AppError } from '../ipc';
import { formatCents } from './cents';
import { moneyIpc } from './moneyIpc';

const LIMIT = 25;
export const USER_STATUSES = ['verified', 'unverified', 'in_review', 'disabled'] as const;

type Props = { environmentId: string; environmentName: string; onOpen: (userId: string) => void };

function nameOf(u: User): string {
  const name = [u.first_name, u.last_name].filter(Boolean).join(' ');
  return name || u.email || u.id;
}

/** The environment's users as Dots lists them, filtered by status, page by page (keyed by environment: a new one starts on page 1). */
export function UserList({ environmentId, environmentName, onOpen }: Props) {
  const [status, setStatus] = useState('');
  const [filter, setFilter] = useState<UserFilter>({ limit: LIMIT });
  const [pageNo, setPageNo] = useState(1);
  const [page, setPage] = useState<Page<User> | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<AppError | null>(null);

  useEffect(() => {
    let alive = true;
    setLoading(true);
    moneyIpc
      .usersList(environmentId, filter)
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
  }, [environmentId, filter]);

  const first = page?.data[0]?.id;
  const last = page?.data[page.data.length - 1]?.id;
  const hasNext = filter.ending_before ? true : (page?.has_more ?? false);
  const base: UserFilter = { limit: LIMIT, ...(status ? { status } : {}) };

  return (
    <section className="money-panel" aria-labelledby="users-list-title" data-testid="users-list">
      <div className="history-bar">
        <h2 id="users-list-title">Users — {environmentName}</h2>
        <label className="option">
          <span>Status</span>
          <select
            value={status}
            onChange={(e) => {
              const next = e.target.value;
              setStatus(next);
              setFilter({ limit: LIMIT, ...(next ? { status: next } : {}) });
              setPageNo(1);
            }}
            data-testid="users-status-filter"
          >
            <option value="">Any</option>
            {USER_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          className="small"
          disabled={pageNo <= 1 || loading || !first}
          onClick={() => {
            setPageNo((n) => n - 1);
            setFilter({ ...base, ending_before: first });
          }}
          data-testid="users-prev"
        >
          ‹ Previous
        </button>
        <span className="hint" data-testid="users-page">
          Page {pageNo}
        </span>
        <button
          type="button"
          className="small"
          disabled={!hasNext || loading || !last}
          onClick={() => {
            setPageNo((n) => n + 1);
            setFilter({ ...base, starting_after: last });
          }}
          data-testid="users-next"
        >
          Next ›
        </button>
      </div>
      {error ? <ErrorNote error={error} context="Users" /> : null}
      {loading && !page ? <p className="hint">Loading the users from Dots…</p> : null}
      {page && page.data.length === 0 ? (
        <p className="hint" data-testid="users-empty">
          No users{status ? ` with status ${status}` : ''} in {environmentName}.
        </p>
      ) : null}
      {page && page.data.length > 0 ? (
        <table className="history-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Email</th>
              <th>Status</th>
              <th>Wallet</th>
              <th>
                <span className="visually-hidden">Open</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {page.data.map((u) => (
              <tr key={u.id} data-testid={`user-row-${u.id}`}>
                <td>{nameOf(u)}</td>
                <td>{u.email ?? '—'}</td>
                <td>{u.status ?? '—'}</td>
                <td>{u.wallet ? formatCents(u.wallet.amount) : '—'}</td>
                <td>
                  <button type="button" className="small" onClick={() => onOpen(u.id)} data-testid={`user-open-${u.id}`}>
                    Open
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
