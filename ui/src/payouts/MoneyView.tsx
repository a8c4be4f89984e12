// Money without a user: the app wallet payouts draw on, a payout link for a payee who has
// no Dots user yet, and the list of every money action with its state.
import type { EnvironmentView } from '../bindings/EnvironmentView';
import { AppWalletNote } from './AppWalletNote';
import { MoneyActivity } from './MoneyActivity';
import { PayoutLinkForm } from './PayoutLinkForm';
import './payouts.css';

type Props = { env: EnvironmentView | null };

export function MoneyView({ env }: Props) {
  return (
    <div className="money-view" data-testid="money-view">
      <div className="money-panel">
        <AppWalletNote env={env} />
        <PayoutLinkForm key={env?.id ?? 'none'} env={env} />
      </div>
      <MoneyActivity />
    </div>
  );
}
