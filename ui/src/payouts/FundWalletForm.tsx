import { useState, type FormEvent } from 'react';
import type { EnvironmentView } from '../bindings/EnvironmentView';
import type { Outcome } from '../bindings/Outcome';
import { TextField } from '../components/TextField';
import { formatCents } from './cents';
import { useAmount } from './useAmount';
import { MoneySendPanel } from './MoneySendPanel';
import { useMoneySend } from './useMoneySend';

type Props = {
  env: EnvironmentView | null;
  userId: string;
  userName: string;
  /** After a payment went through: read the user again (the wallet changed). */
  onSettled: (o: Outcome) => void;
};

/** Fund a user's wallet from the app's balance: amount, direction in words, then the two-step confirm. */
export function FundWalletForm({ env, userId, userName, onSettled }: Props) {
  const [amount, setAmount] = useState('');
  const money = useMoneySend(env, onSettled);
  const parsed = useAmount(amount);
  const where = env ? env.name : 'the active environment';
  const direction =
    parsed.cents !== null
      ? `Moves ${formatCents(parsed.cents)} from your app's balance into ${userName}'s Dots wallet in ${where}.`
      : `Moves money from your app's balance into ${userName}'s Dots wallet in ${where}.`;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (amount.trim() === '' || money.busy) return;
    money.review({ kind: 'fund', user_id: userId, amount: amount.trim() });
  };

  return (
    <section className="money-action" aria-labelledby="fund-title">
    <form className="money-form" onSubmit={submit} data-testid="fund-form" aria-labelledby="fund-title">
      <h3 id="fund-title">Fund wallet</h3>
      <TextField
        label="Amount ($)"
        inputMode="decimal"
        placeholder="25.00"
        value={amount}
        onChange={setAmount}
        aria-describedby="fund-direction"
        testId="fund-amount"
      />
      <p id="fund-direction" className="money-direction" data-testid="fund-direction">
        {direction}
      </p>
      {amount.trim() !== '' && parsed.error ? (
        <p className="hint" data-testid="fund-amount-hint">
          {parsed.error}
        </p>
      ) : null}
      <div className="form-buttons">
        <button type="submit" className="primary" disabled={amount.trim() === '' || money.busy !== null || !env} data-testid="fund-review">
          Review…
        </button>
        <span className="hint">Nothing is sent until you confirm.</span>
      </div>
    </form>
      <MoneySendPanel money={money} />
    </section>
  );
}
