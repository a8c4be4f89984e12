// The app wallet's balance, which a payout draws on, as the core can know it (or why not).
import type { EnvironmentView } from '../bindings/EnvironmentView';
import { ErrorNote } from '../components/ErrorNote';
import { useQuery } from '../desk/useQuery';
import { formatCents } from './cents';
import { moneyIpc } from './moneyIpc';

export function AppWalletNote({ env, refreshKey }: { env: EnvironmentView | null; refreshKey?: number }) {
  const envId = env?.id ?? null;
  const wallet = useQuery(() => (envId ? moneyIpc.appWallet(envId) : Promise.resolve(null)), [envId, refreshKey]);
  if (wallet.error) return <ErrorNote error={wallet.error} context="App wallet" />;
  if (!wallet.data) return null;
  return (
    <p className="app-wallet" data-testid="app-wallet">
      <span className="field-note">App wallet</span>{' '}
      {wallet.data.cents === null ? null : (
        <strong data-testid="app-wallet-balance">{formatCents(wallet.data.cents)}</strong>
      )}{' '}
      <span className="field-note" data-testid="app-wallet-note">
        {wallet.data.note}
      </span>
    </p>
  );
}
