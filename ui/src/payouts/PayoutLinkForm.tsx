import { useState, type FormEvent } from 'react';
import type { DeliveryMethod } from '../bindings/DeliveryMethod';
import type { EnvironmentView } from '../bindings/EnvironmentView';
import type { MoneyRequest } from '../bindings/MoneyRequest';
import type { Payee } from '../bindings/Payee';
import { TextField } from '../components/TextField';
import { formatCents } from './cents';
import { useAmount } from './useAmount';
import { MoneySendPanel } from './MoneySendPanel';
import { useMoneySend } from './useMoneySend';

type Props = {
  env: EnvironmentView | null;
  /** The user the link is for; absent: a payee without a Dots user (the fields below). */
  userId?: string;
  userName?: string;
};

const METHODS: Array<[DeliveryMethod, string]> = [
  ['link', 'Link only (hand it off yourself)'],
  ['sms', 'SMS'],
  ['email', 'Email'],
  ['all', 'SMS and email'],
];

type PayeeText = Required<Payee>;
const NO_PAYEE: PayeeText = { first_name: '', last_name: '', email: '', country_code: '1', phone_number: '' };
const PAYEE_FIELDS: Array<[keyof PayeeText, string, string]> = [
  ['first_name', 'First name', 'text'],
  ['last_name', 'Last name', 'text'],
  ['email', 'Email', 'email'],
  ['country_code', 'Country code', 'text'],
  ['phone_number', 'Phone', 'tel'],
];

/** The request as sent: empty fields left out, the payee only when one is given. */
function requestOf(amount: string, method: DeliveryMethod, payee: PayeeText, memo: string, description: string, userId?: string): MoneyRequest {
  const request: MoneyRequest = { kind: 'payout_link', amount: amount.trim(), delivery: { method } };
  if (userId) request.user_id = userId;
  const p: Payee = {};
  for (const [key] of PAYEE_FIELDS) {
    const v = payee[key].trim();
    if (v !== '' && !(key === 'country_code' && payee.phone_number.trim() === '')) p[key] = v;
  }
  if (Object.keys(p).length > 0) request.payee = p;
  if (memo.trim() !== '') request.memo = memo.trim();
  if (description.trim() !== '') request.description = description.trim();
  return request;
}

/** Pay out by link: Dots makes a link the person claims the money with. */
export function PayoutLinkForm({ env, userId, userName }: Props) {
  const [amount, setAmount] = useState('');
  const [method, setMethod] = useState<DeliveryMethod>('link');
  const [payee, setPayee] = useState<PayeeText>(NO_PAYEE);
  const [memo, setMemo] = useState('');
  const [description, setDescription] = useState('');
  const money = useMoneySend(env);
  const parsed = useAmount(amount);
  const who = userName ?? 'the person who claims the link';
  const direction = `Pays ${parsed.cents !== null ? formatCents(parsed.cents) : 'the amount'} from your app's balance to ${who}, by a payout link${env ? ` in ${env.name}` : ''}.`;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (amount.trim() === '' || money.busy) return;
    money.review(requestOf(amount, method, payee, memo, description, userId));
  };

  return (
    <section className="money-action" aria-labelledby="payout-title">
    <form className="money-form" onSubmit={submit} data-testid="payout-form" aria-labelledby="payout-title">
      <h3 id="payout-title">Pay out by link{userName ? ` to ${userName}` : ''}</h3>
      <TextField label="Amount ($)" inputMode="decimal" placeholder="25.00" value={amount} onChange={setAmount} testId="payout-amount" />
      <label className="field">
        <span>Delivery</span>
        <select value={method} onChange={(e) => setMethod(e.target.value as DeliveryMethod)} data-testid="payout-delivery">
          {METHODS.map(([m, label]) => (
            <option key={m} value={m}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <fieldset className="money-payee">
        <legend>Payee {userId ? '(optional: Dots knows the user)' : '(who the link is sent to)'}</legend>
        {PAYEE_FIELDS.map(([key, label, type]) => (
          <label key={key} className="field">
            <span>{label}</span>
            <input
              type={type}
              value={payee[key]}
              onChange={(e) => setPayee((p) => ({ ...p, [key]: e.target.value }))}
              data-testid={`payout-${key.replace(/_/g, '-')}`}
            />
          </label>
        ))}
      </fieldset>
      <TextField label="Memo" value={memo} onChange={setMemo} testId="payout-memo" />
      <TextField label="Description" value={description} onChange={setDescription} testId="payout-description" />
      <p className="money-direction" data-testid="payout-direction">
        {direction}
      </p>
      <div className="form-buttons">
        <button type="submit" className="primary" disabled={amount.trim() === '' || money.busy !== null || !env} data-testid="payout-review">
          Review…
        </button>
        <span className="hint">Nothing is made or sent until you confirm.</span>
      </div>
    </form>
      <MoneySendPanel money={money} />
    </section>
  );
}
