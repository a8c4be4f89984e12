import { useState } from 'react';
import type { EnvironmentView } from '../bindings/EnvironmentView';
import type { UserView } from '../bindings/UserView';
import { formatCents } from './cents';
import { ComplianceFacts } from './ComplianceFacts';
import { FundWalletForm } from './FundWalletForm';
import { PayoutLinkForm } from './PayoutLinkForm';

type Props = {
  view: UserView;
  env: EnvironmentView | null;
  onNewFlow: (userId: string) => void;
  /** Read the user again (after money moved). */
  onReload: () => void;
};

/** One user: contact, status, wallet, payout methods, compliance; and the money actions. */
export function UserDetail({ view, env, onNewFlow, onReload }: Props) {
  const [action, setAction] = useState<'fund' | 'payout' | null>(null);
  const { user } = view;
  const phone = user.phone_number ? `+${user.phone_number.country_code} ${user.phone_number.phone_number}` : '—';
  const sameEnv = env?.id === view.environment_id;
  return (
    <section className="money-panel user-detail" aria-labelledby="user-title" data-testid="user-detail" data-user-id={user.id}>
      <div className="history-bar">
        <h2 id="user-title" data-testid="user-name">
          {view.display_name}
        </h2>
        <span className="pill" data-testid="user-status">
          {user.status ?? 'unknown'}
        </span>
        <button type="button" className="small" onClick={onReload} data-testid="user-reload">
          Reload
        </button>
      </div>
      <ComplianceFacts compliance={user.compliance} />
      <dl className="money-dl">
        <dt>User id</dt>
        <dd>
          <code data-testid="user-id-shown">{user.id}</code>
        </dd>
        <dt>Email</dt>
        <dd data-testid="user-email">{user.email ?? '—'}</dd>
        <dt>Phone</dt>
        <dd data-testid="user-phone">{phone}</dd>
        <dt>Wallet</dt>
        <dd data-testid="user-wallet-amount">{user.wallet ? formatCents(user.wallet.amount) : '—'}</dd>
        <dt>Withdrawable</dt>
        <dd data-testid="user-wallet-withdrawable">{user.wallet ? formatCents(user.wallet.withdrawable_amount) : '—'}</dd>
        <dt>Default payout</dt>
        <dd data-testid="user-default-payout-method">{user.default_payout_method ?? 'none'}</dd>
        <dt>Payout methods</dt>
        <dd>
          {view.payout_methods_error ? (
            <span className="error-note" data-testid="user-payout-methods-error">
              Payout methods could not be read: {view.payout_methods_error}
            </span>
          ) : view.payout_methods.length === 0 ? (
            <span data-testid="user-payout-methods-none">none yet</span>
          ) : (
            <ul className="money-methods" data-testid="user-payout-methods">
              {view.payout_methods.map((m, i) => (
                <li key={i} data-testid={`user-payout-method-${m.platform}`}>
                  <strong>{m.platform}</strong>
                  {m.description ? ` · ${m.description}` : ''}
                  {m.mask ? ` · ••${m.mask}` : ''}
                  {m.email ? ` · ${m.email}` : ''}
                </li>
              ))}
            </ul>
          )}
        </dd>
      </dl>
      <div className="form-buttons">
        <button type="button" className="small" onClick={() => onNewFlow(user.id)} data-testid="user-new-flow">
          New flow for this user
        </button>
        <button type="button" className="small" aria-pressed={action === 'fund'} onClick={() => setAction(action === 'fund' ? null : 'fund')} data-testid="user-fund">
          Fund wallet…
        </button>
        <button type="button" className="small" aria-pressed={action === 'payout'} onClick={() => setAction(action === 'payout' ? null : 'payout')} data-testid="user-payout-link">
          Pay out by link…
        </button>
      </div>
      {!sameEnv && action ? (
        <p className="note note--warn" data-testid="user-env-changed">
          The active environment changed since this user was read: open the user again before moving money.
        </p>
      ) : null}
      {action === 'fund' && sameEnv ? (
        <FundWalletForm
          env={env}
          userId={user.id}
          userName={view.display_name}
          onSettled={(o) => {
            if (o.state !== 'unknown') onReload();
          }}
        />
      ) : null}
      {action === 'payout' && sameEnv ? <PayoutLinkForm env={env} userId={user.id} userName={view.display_name} /> : null}
    </section>
  );
}
