// Users and money: the active environment's users, one user's picture (wallet,
// payout methods, compliance), and the money actions on them.
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import type { EnvironmentView } from '../bindings/EnvironmentView';
import type { UserView } from '../bindings/UserView';
import { ErrorNote } from '../components/ErrorNote';
import { TextField } from '../components/TextField';
import { toAppError, type AppError } from '../ipc';
import { moneyIpc } from './moneyIpc';
import { UserDetail } from './UserDetail';
import { UserList } from './UserList';
import './payouts.css';

type Props = {
  env: EnvironmentView | null;
  /** A user to open (e.g. from a claimed flow); n changes on every request. */
  request: { userId: string; n: number } | null;
  onNewFlow: (userId: string) => void;
  /** Go to the builder's onboarding-only action. */
  onOnboarding: () => void;
};

export function UsersView({ env, request, onNewFlow, onOnboarding }: Props) {
  const [idText, setIdText] = useState('');
  const [view, setView] = useState<UserView | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<AppError | null>(null);
  const envId = env?.id ?? null;

  const open = useCallback(
    (userId: string) => {
      if (!envId) return;
      const id = userId.trim();
      setIdText(id);
      setLoading(true);
      setError(null);
      moneyIpc
        .userGet(envId, id)
        .then(setView, (e: unknown) => setError(toAppError(e)))
        .finally(() => setLoading(false));
    },
    [envId],
  );

  // Each request is opened once (a later environment switch does not reopen it).
  const handled = useRef(0);
  useEffect(() => {
    if (!request || request.n === handled.current || !envId) return;
    handled.current = request.n;
    open(request.userId);
  }, [request, envId, open]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (idText.trim() !== '') open(idText);
  };

  return (
    <div className="money-view" data-testid="users-view">
      <form className="money-panel money-open" onSubmit={submit} aria-label="Open a user by id">
        <TextField
          label="User id"
          value={idText}
          placeholder="Paste a Dots user id"
          onChange={setIdText}
          spellCheck={false}
          testId="user-id-input"
        />
        <button type="submit" className="primary" disabled={idText.trim() === '' || loading || !envId} data-testid="user-open">
          {loading ? 'Opening…' : 'Open user'}
        </button>
      </form>
      {error ? <ErrorNote error={error} context="User" /> : null}
      {view ? (
        <UserDetail key={view.user.id} view={view} env={env} onNewFlow={onNewFlow} onReload={() => open(view.user.id)} />
      ) : null}
      {env ? <UserList key={env.id} environmentId={env.id} environmentName={env.name} onOpen={open} onOnboarding={onOnboarding} /> : <p className="hint">Loading the environments…</p>}
    </div>
  );
}
