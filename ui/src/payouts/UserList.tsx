import { useState } from 'react';
import type { User } from '../bindings/User';
import type { UserFilter } from '../bindings/UserFilter';
import { DataTable } from '../components/DataTable';
import { ErrorNote } from '../components/ErrorNote';
import { Pager } from '../components/Pager';
import { useCursorPages } from '../components/useCursorPages';
import { formatCents } from './cents';
import { moneyIpc } from './moneyIpc';

const LIMIT = 25;
export const USER_STATUSES = ['verified', 'unverified', 'in_review', 'disabled'] as const;

const USER_COLUMNS = ['Name', 'Email', 'Status', 'Wallet', <span className="visually-hidden">Open</span>];

type Props = {
  environmentId: string;
  environmentName: string;
  onOpen: (userId: string) => void;
  /** A person who is not a user yet: send them an onboarding link from the builder. */
  onOnboarding: () => void;
};

function nameOf(u: User): string {
  const name = [u.first_name, u.last_name].filter(Boolean).join(' ');
  return name || u.email || u.id;
}

/** The environment's users as Dots lists them, filtered by status, page by page (keyed by environment: a new one starts on page 1). */
export function UserList({ environmentId, environmentName, onOpen, onOnboarding }: Props) {
  const [status, setStatus] = useState('');
  const pages = useCursorPages<User, UserFilter>(environmentId, { limit: LIMIT }, moneyIpc.usersList, (u) => u.id);
  const { page, loading, error } = pages;

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
              pages.restart({ limit: LIMIT, ...(next ? { status: next } : {}) });
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
        <Pager pages={pages} idPrefix="users" />
      </div>
      {error ? <ErrorNote error={error} context="Users" /> : null}
      {loading && !page ? <p className="hint">Loading the users from Dots…</p> : null}
      {page && page.data.length === 0 ? (
        <p className="empty" data-testid="users-empty">
          No users{status ? ` with status ${status}` : ''} in {environmentName}. A person becomes a user by signing up
          through a hosted link.{' '}
          <button type="button" className="link-button" onClick={onOnboarding} data-testid="users-send-onboarding">
            Send an onboarding link
          </button>
        </p>
      ) : null}
      {page && page.data.length > 0 ? (
        <DataTable kind="list" headers={USER_COLUMNS}>
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
        </DataTable>
      ) : null}
    </section>
  );
}
